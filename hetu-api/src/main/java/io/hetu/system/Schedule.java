package io.hetu.system;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a scheduled call runs: at an instant, after a delay, or every period. Pass it to the
 * generated schedule methods ({@code <YourClass>Later.endRound(ctx, Schedule.after(...), roundId)}).
 * Immutable; each method returns a new schedule.
 *
 * <p>With a {@linkplain #key(String) key} the schedule is ensured: when a call with that key is
 * pending already, scheduling again leaves it as it is and returns it, so "once per key" holds
 * however often the scheduling system runs.
 */
public final class Schedule {

    /** What a recurring call does about runs that came due while it could not run (the server was down). */
    public enum Missed {
        /** Run once, late, then go on at the next run that is still in the future. */
        SKIP,
        /** Run once for every missed run, each its own transaction, oldest first. */
        CATCH_UP
    }

    /** The longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 120;

    private final Instant at;
    private final Duration after;
    private final Duration every;
    private final String key;
    private final Missed missed;

    private Schedule(Instant at, Duration after, Duration every, String key, Missed missed) {
        this.at = at;
        this.after = after;
        this.every = every;
        this.key = key;
        this.missed = missed;
    }

    /** Once, at {@code instant} (right away when it is past). */
    public static Schedule at(Instant instant) {
        return new Schedule(Objects.requireNonNull(instant, "instant"), null, null, null, Missed.SKIP);
    }

    /** Once, {@code delay} after the scheduling transaction's {@code ctx.now()}. */
    public static Schedule after(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay must not be negative, was " + delay);
        }
        return new Schedule(null, delay, null, null, Missed.SKIP);
    }

    /** Every {@code period}, the first run one period from now. Missed runs are skipped unless {@link #missed} says otherwise. */
    public static Schedule every(Duration period) {
        requirePeriod(period);
        return new Schedule(null, period, period, null, Missed.SKIP);
    }

    /** Every {@code period}, the first run at {@code first}. */
    public static Schedule every(Duration period, Instant first) {
        requirePeriod(period);
        return new Schedule(Objects.requireNonNull(first, "first"), null, period, null, Missed.SKIP);
    }

    /** The same schedule, ensured once per {@code key}: see the class comment. */
    public Schedule key(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.startsWith("hetu:")) {
            throw new IllegalArgumentException("a schedule key must not be empty or start with 'hetu:' (the "
                    + "server's own keys), was '" + key + "'");
        }
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("a schedule key is at most " + MAX_KEY_BYTES + " UTF-8 bytes, '"
                    + key + "' is longer");
        }
        return new Schedule(at, after, every, key, missed);
    }

    /** The same recurring schedule with this rule for missed runs. */
    public Schedule missed(Missed rule) {
        if (every == null) {
            throw new IllegalStateException("only a recurring schedule (Schedule.every) has missed runs");
        }
        return new Schedule(at, after, every, key, Objects.requireNonNull(rule, "rule"));
    }

    /** When the first run is due, for a transaction whose {@code ctx.now()} is {@code now}. */
    public Instant firstDue(Instant now) {
        return at != null ? at : now.plus(after);
    }

    /** The period of a recurring schedule, or null. */
    public Duration every() {
        return every;
    }

    /** The key, or null. */
    public String key() {
        return key;
    }

    public Missed missed() {
        return missed;
    }

    private static void requirePeriod(Duration period) {
        if (period.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("a period is at least 1 ms, was " + period);
        }
    }

    @Override
    public String toString() {
        return (every != null ? "every " + every + (at != null ? " from " + at : "") : at != null ? "at " + at
                : "after " + after) + (key != null ? " key '" + key + "'" : "")
                + (every != null ? " missed " + missed : "");
    }
}
