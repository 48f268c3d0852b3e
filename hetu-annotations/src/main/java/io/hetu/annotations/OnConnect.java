package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs in one transaction when a client completes the handshake; the context names the new connection. The method is static and takes only the {@code SystemContext}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OnConnect {

    /** How many more times to run it when its transaction conflicts. */
    int retry() default 10;
}
