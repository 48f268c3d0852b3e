package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The maximum length of a {@code String} column in UTF-8 bytes, or of a {@code byte[]} column
 * in bytes. Rows are fixed-width, so every {@code String} and {@code byte[]} column needs one.
 * Writing a longer value is an error; it is never truncated.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface MaxLength {

    /** The largest allowed length, from 1 to 65535. */
    int value();
}
