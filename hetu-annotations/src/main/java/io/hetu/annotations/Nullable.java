package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code String} or {@code byte[]} column may hold null. Boxed columns ({@code Integer},
 * {@code Long}, ...) are nullable without it. Any annotation named {@code Nullable} (JSpecify,
 * Jakarta, JetBrains) is understood the same way.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
public @interface Nullable {}
