package io.hetu.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unexpected failures (an app's system that throws, a message the server could not process),
 * logged so that no client can fill the log: a failure's trace id names its kind (where it
 * happened, the exception's class and the frame that threw); the first failure of a kind is
 * logged with its stack trace, later ones as one line with the count at every power of two. At
 * most {@link #KINDS} kinds are kept; failures of further kinds are counted together. The admin
 * console shows the kinds by their latest failure ({@link #recent}).
 */
final class FailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(FailureLog.class);
    static final int KINDS = 1_024;
    /** The most characters of an exception's text kept for the console. */
    private static final int MESSAGE_CHARS = 500;

    /** A kind of failure as the console shows it: its latest failure and how many there were. */
    record Recent(String trace, String where, String latest, long count, long lastMillis) {}

    private static final class Kind {
        final String trace;
        final String where;
        final AtomicLong count = new AtomicLong();
        volatile String latest = "";
        volatile long lastMillis;

        Kind(String trace, String where) {
            this.trace = trace;
            this.where = where;
        }
    }

    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();
    private final Kind overflow = new Kind("(more kinds)", "beyond the first " + KINDS + " kinds");

    /** Logs {@code failure} (of {@code where}, such as "system buy") as above; returns its trace id. */
    String report(String where, Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        String kindName = where + " " + failure.getClass().getName() + " at " + (frames.length > 0 ? frames[0] : "?");
        String trace = HexFormat.of().toHexDigits(kindName.hashCode());
        Kind kind = kinds.size() < KINDS ? kinds.computeIfAbsent(kindName, k -> new Kind(trace, where))
                : kinds.getOrDefault(kindName, overflow);
        long n = kind.count.incrementAndGet();
        String text = String.valueOf(failure);
        kind.latest = text.length() > MESSAGE_CHARS ? text.substring(0, MESSAGE_CHARS) + "…" : text;
        kind.lastMillis = System.currentTimeMillis();
        if (kind == overflow) {
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

    /** The {@code max} kinds that failed last, the latest first. */
    List<Recent> recent(int max) {
        List<Recent> all = new ArrayList<>();
        for (Kind kind : kinds.values()) {
            all.add(new Recent(kind.trace, kind.where, kind.latest, kind.count.get(), kind.lastMillis));
        }
        if (overflow.count.get() > 0) {
            all.add(new Recent(overflow.trace, overflow.where, overflow.latest, overflow.count.get(),
                    overflow.lastMillis));
        }
        all.sort(Comparator.comparingLong(Recent::lastMillis).reversed());
        return all.subList(0, Math.min(max, all.size()));
    }
}
