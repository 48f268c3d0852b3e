package io.hetu.runtime.storage;

import io.hetu.schema.FieldLayout;
import java.lang.foreign.MemorySegment;

/**
 * Bounds on an indexed column's values, each inclusive, exclusive or absent. Values are the
 * column's Java type (any integer type for integer columns).
 */
public final class KeyRange {

    private static final KeyRange ALL = new KeyRange(null, false, null, false);

    private final Object low;
    private final boolean lowInclusive;
    private final Object high;
    private final boolean highInclusive;

    private KeyRange(Object low, boolean lowInclusive, Object high, boolean highInclusive) {
        this.low = low;
        this.lowInclusive = lowInclusive;
        this.high = high;
        this.highInclusive = highInclusive;
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

    Key low(FieldLayout column) {
        return low == null ? null : Key.of(column, low);
    }

    Key high(FieldLayout column) {
        return high == null ? null : Key.of(column, high);
    }

    boolean contains(FieldLayout column, MemorySegment segment, long rowOffset, Key lowKey, Key highKey) {
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
