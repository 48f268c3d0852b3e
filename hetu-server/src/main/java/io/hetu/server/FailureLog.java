package io.hetu.server;

import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unexpected failures (an app's system that throws, a message the server could not process),
 * logged so that no client can fill the log: a failure's trace id names its kind (where it
 * happened, the exception's class and the frame that threw); the first failure of a kind is
 * logged with its stack trace, later ones as one line with the count at every power of two. At
 * most {@link #KINDS} kinds are kept; failures of further kinds are counted together.
 */
final class FailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(FailureLog.class);
    static final int KINDS = 1_024;

    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong overflow = new AtomicLong();

    /** Logs {@code failure} (of {@code where}, such as "system buy") as above; returns its trace id. */
    String report(String where, Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        String kind = where + " " + failure.getClass().getName() + " at " + (frames.length > 0 ? frames[0] : "?");
        String trace = HexFormat.of().toHexDigits(kind.hashCode());
        AtomicLong count = counts.size() < KINDS ? counts.computeIfAbsent(kind, k -> new AtomicLong())
                : counts.getOrDefault(kind, overflow);
        long n = count.incrementAndGet();
        if (count == overflow) {
            if (Long.bitCount(n) == 1) {
                LOG.error("{} failed (trace {}): {}; {} failure(s) of kinds beyond the first {} so far", where, trace,
                        failure, n, KINDS);
            }
        } else if (n == 1) {
            LOG.error("{} failed (trace {}); later failures of this kind are counted", where, trace, failure);
        } else if (Long.bitCount(n) == 1) {
            LOG.error("{} failed (trace {}) again: {}; {} times so far", where, trace, failure, n);
        }
        return trace;
    }
}
