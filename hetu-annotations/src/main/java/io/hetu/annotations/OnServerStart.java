package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs once when the server starts, before it accepts connections, in one transaction. The method is static and takes only the {@code SystemContext}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OnServerStart {

    /** How many more times to run it when its transaction conflicts. */
    int retry() default 10;
}
