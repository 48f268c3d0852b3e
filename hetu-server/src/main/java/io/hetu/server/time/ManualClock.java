package io.hetu.server.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A clock that moves only when told: start a server with it, then move game time with
 * {@link GameTime#advance}, which fires what came due at once. For tests.
 */
public final class ManualClock implements InstantSource {

    private volatile Instant now;

    public ManualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Moves the clock on; use {@link GameTime#advance} to also fire what came due. */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time moves forward only, not by " + duration);
        }
        now = now.plus(duration);
    }
}
