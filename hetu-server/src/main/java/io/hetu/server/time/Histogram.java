package io.hetu.server.time;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations in nanoseconds counted in buckets of 1/8 of a power of two (at most 12.5% too high):
 * constant memory, one writer and any number of readers.
 */
public final class Histogram {

    private static final int SUB = 8;
    private static final int BUCKETS = 64 * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private volatile long max;

    public void record(long nanos) {
        long value = Math.max(0, nanos);
        counts.incrementAndGet(bucket(value));
        if (value > max) {
            max = value;
        }
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    public long max() {
        return max;
    }

    /** The upper bound of the bucket holding the {@code percent}th percentile; 0 when empty. */
    public long percentile(double percent) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percent / 100.0);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return Math.min(upper(i), max);
            }
        }
        return max;
    }

    private static int bucket(long value) {
        if (value < SUB) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int fraction = (int) ((value >>> (exponent - 3)) & (SUB - 1));
        return Math.min(BUCKETS - 1, (exponent - 2) * SUB + fraction);
    }

    private static long upper(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int exponent = bucket / SUB + 2;
        int fraction = bucket % SUB;
        return ((long) (SUB + fraction + 1) << (exponent - 3)) - 1;
    }
}
