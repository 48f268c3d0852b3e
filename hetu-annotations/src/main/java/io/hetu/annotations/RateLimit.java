package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often clients may call a system: {@link #perSecond()} calls a second in the long
 * run, up to {@link #burst()} at once after a quiet spell (a token bucket). Counted per connection,
 * or with {@link #perUser()} per logged-in user over all of their connections to a server. A call
 * beyond the limit is rejected with {@code RATE_LIMITED} and does not run; the connection stays.
 *
 * <pre>{@code
 * @GameSystem(namespace = "chat")
 * @RateLimit(perSecond = 1, burst = 5)
 * static void say(SystemContext ctx, String text) { ... }
 * }</pre>
 *
 * <p>Calls from other systems, schedules and ticks are not counted: the limit is on clients.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface RateLimit {

    /** Calls a second in the long run; more than 0, at most 10,000. */
    double perSecond();

    /** Calls at once after a quiet spell; 0 means {@code perSecond} rounded up (at least 1). */
    int burst() default 0;

    /** Count per logged-in user (over all their connections to one server), not per connection. */
    boolean perUser() default false;
}
