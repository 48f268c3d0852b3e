package io.hetu.schema;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.RowCodec;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;

/**
 * Bounds on an indexed column's values, each inclusive, exclusive or absent. Values are the
 * column's Java type (any integer type for integer columns). An {@code Instant} or {@code Duration}
 * bound beyond what a row can store (signed 64-bit nanoseconds) is moved to the nearest storable
 * value, inclusive or exclusive so that the range still holds the same rows.
 */
public final class KeyRange {

    private static final Instant FIRST_INSTANT = RowCodec.nanosToInstant(Long.MIN_VALUE);
    private static final Instant LAST_INSTANT = RowCodec.nanosToInstant(Long.MAX_VALUE);
    private static final Duration SHORTEST = Duration.ofNanos(Long.MIN_VALUE);
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    private static final KeyRange ALL = new KeyRange(null, false, null, false);

    private final Object low;
    private final boolean lowInclusive;
    private final Object high;
    private final boolean highInclusive;

    private KeyRange(Object low, boolean lowInclusive, Object high, boolean highInclusive) {
        // Keys of unstorable instants and durations saturate, so a bound beyond the storable range
        // becomes the storable end: below it, every row is above a low bound and none is below a
        // high bound; above it, the reverse.
        int lowSide = beyondStorable(low);
        int highSide = beyondStorable(high);
        this.low = lowSide == 0 ? low : storableEnd(low, lowSide);
        this.lowInclusive = lowSide == 0 ? lowInclusive : lowSide < 0;
        this.high = highSide == 0 ? high : storableEnd(high, highSide);
        this.highInclusive = highSide == 0 ? highInclusive : highSide > 0;
    }

    /** -1 below the storable range, 1 above it, 0 within it or for any other bound. */
    private static int beyondStorable(Object bound) {
        if (bound instanceof Instant instant) {
            return instant.isBefore(FIRST_INSTANT) ? -1 : instant.isAfter(LAST_INSTANT) ? 1 : 0;
        }
        if (bound instanceof Duration duration) {
            return duration.compareTo(SHORTEST) < 0 ? -1 : duration.compareTo(LONGEST) > 0 ? 1 : 0;
        }
        return 0;
    }

    private static Object storableEnd(Object bound, int side) {
        if (bound instanceof Instant) {
            return side < 0 ? FIRST_INSTANT : LAST_INSTANT;
        }
        return side < 0 ? SHORTEST : LONGEST;
    }

    /** Every value. */
    public static KeyRange all() {
        return ALL;
    }

    /** {@code low <= v <= high}. */
    public static KeyRange closed(Object low, Object high) {
        return new KeyRange(require(low), true, require(high), true);
    }

    /** {@code low < v < high}. */
    public static KeyRange open(Object low, Object high) {
        return new KeyRange(require(low), false, require(high), false);
    }

    /** {@code low <= v < high}. */
    public static KeyRange closedOpen(Object low, Object high) {
        return new KeyRange(require(low), true, require(high), false);
    }

    /** {@code low < v <= high}. */
    public static KeyRange openClosed(Object low, Object high) {
        return new KeyRange(require(low), false, require(high), true);
    }

    public static KeyRange atLeast(Object low) {
        return new KeyRange(require(low), true, null, false);
    }

    public static KeyRange greaterThan(Object low) {
        return new KeyRange(require(low), false, null, false);
    }

    public static KeyRange atMost(Object high) {
        return new KeyRange(null, false, require(high), true);
    }

    public static KeyRange lessThan(Object high) {
        return new KeyRange(null, false, require(high), false);
    }

    /** {@code v == value}. */
    public static KeyRange equalTo(Object value) {
        return closed(value, value);
    }

    public boolean lowInclusive() {
        return lowInclusive;
    }

    public boolean highInclusive() {
        return highInclusive;
    }

    /** The low bound as a key of {@code column}, or null when the range is open below (used by backends). */
    public Key low(FieldLayout column) {
        return low == null ? null : Key.of(column, low);
    }

    /** The high bound as a key of {@code column}, or null when the range is open above. */
    public Key high(FieldLayout column) {
        return high == null ? null : Key.of(column, high);
    }

    /** Whether the row's {@code column} lies between the bound keys {@link #low} and {@link #high} return. */
    public boolean contains(FieldLayout column, MemorySegment segment, long rowOffset, Key lowKey, Key highKey) {
        if (lowKey != null) {
            int order = RowKeys.compare(column, segment, rowOffset, lowKey);
            if (order < 0 || (order == 0 && !lowInclusive)) {
                return false;
            }
        }
        if (highKey != null) {
            int order = RowKeys.compare(column, segment, rowOffset, highKey);
            return order < 0 || (order == 0 && highInclusive);
        }
        return true;
    }

    private static Object require(Object bound) {
        if (bound == null) {
            throw new IllegalArgumentException("a bound cannot be null; use atLeast/atMost/all for open ends");
        }
        return bound;
    }

    @Override
    public String toString() {
        return (low == null ? "(-inf" : (lowInclusive ? "[" : "(") + low) + ", "
                + (high == null ? "+inf)" : high + (highInclusive ? "]" : ")"));
    }
}
