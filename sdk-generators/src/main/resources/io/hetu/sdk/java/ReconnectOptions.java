package __HETU_PACKAGE__;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reconnect after a lost connection: exponential backoff with jitter, so that the clients of a restarted
 * server do not all come back at once.
 *
 * @param initialDelay the first delay before connecting again, doubled after every failed attempt (default 250 ms)
 * @param maxDelay the longest delay between attempts (default 10 s)
 * @param maxAttempts attempts in a row before giving up, the connection then closes; {@link Integer#MAX_VALUE} for
 *     no limit (the default)
 */
public record ReconnectOptions(Duration initialDelay, Duration maxDelay, int maxAttempts) {

    public static final ReconnectOptions DEFAULT = new ReconnectOptions(Duration.ofMillis(250),
            Duration.ofSeconds(10), Integer.MAX_VALUE);

    public ReconnectOptions {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("reconnect delays must satisfy 0 <= initialDelay (" + initialDelay
                    + ") <= maxDelay (" + maxDelay + ")");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " is not at least 1");
        }
    }

    /** Backoff from {@code initialDelay} up to {@code maxDelay}, without a limit of attempts. */
    public static ReconnectOptions backoff(Duration initialDelay, Duration maxDelay) {
        return new ReconnectOptions(initialDelay, maxDelay, Integer.MAX_VALUE);
    }
}
