package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method at a fixed rate, each run one transaction that may read and write freely: a
 * simulation step, a spawner, a round clock. Give either {@link #hz()} or {@link #periodMillis()}.
 * The method is static and takes only the {@code SystemContext}; {@code ctx.firing()} tells when
 * this run was due.
 *
 * <pre>{@code
 * @Tick(hz = 20)
 * static void step(SystemContext ctx) { ... }
 * }</pre>
 *
 * <p>A tick is a recurring scheduled call the server keeps for you: it runs on one server at a
 * time (also with several servers on Redis), each run exactly once. A run that starts after the
 * next one was due is an overrun: it is counted and reported, and the runs it missed are skipped,
 * never stacked up. Tick names (the method names) are unique in the app.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Tick {

    /** Runs per second, from 1 to 1000; 0 when {@link #periodMillis()} is given. */
    int hz() default 0;

    /** The time between runs in milliseconds, at least 1; 0 when {@link #hz()} is given. */
    long periodMillis() default 0;

    /** How many more times to run a conflicting run before waiting for the next one. */
    int retry() default 3;
}
