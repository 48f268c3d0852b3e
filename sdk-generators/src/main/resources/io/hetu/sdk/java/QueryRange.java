package __HETU_PACKAGE__;

import java.util.Objects;

/**
 * A key range over an index, for the {@code queryBy...} subscriptions: bounds are inclusive unless said otherwise,
 * a missing bound (null) means unbounded. Immutable; start from {@link #all()} or {@link #between} and refine:
 * {@code QueryRange.<Integer>all().from(10).limit(100).descending()}.
 *
 * @param <K> the key type: the indexed column's type
 */
public final class QueryRange<K> {

    /** The limit that means none (the connection's row limit still applies). */
    public static final long NO_LIMIT = HetuProtocol.QUERY_NO_LIMIT;

    private final K low;
    private final boolean lowInclusive;
    private final K high;
    private final boolean highInclusive;
    private final long limit;
    private final boolean descending;

    private QueryRange(K low, boolean lowInclusive, K high, boolean highInclusive, long limit, boolean descending) {
        if (limit < 0 || limit > NO_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is not from 0 to " + NO_LIMIT
                    + " (QueryRange.NO_LIMIT, the default, for no limit)");
        }
        this.low = low;
        this.lowInclusive = lowInclusive;
        this.high = high;
        this.highInclusive = highInclusive;
        this.limit = limit;
        this.descending = descending;
    }

    /** Every key, ascending, without a limit. */
    public static <K> QueryRange<K> all() {
        return new QueryRange<>(null, true, null, true, NO_LIMIT, false);
    }

    /** The keys from {@code low} to {@code high}, both inclusive. */
    public static <K> QueryRange<K> between(K low, K high) {
        return new QueryRange<>(low, true, high, true, NO_LIMIT, false);
    }

    /** This range with the low bound {@code low}, inclusive. */
    public QueryRange<K> from(K low) {
        return new QueryRange<>(low, true, high, highInclusive, limit, descending);
    }

    /** This range with the low bound {@code low}, exclusive. */
    public QueryRange<K> after(K low) {
        return new QueryRange<>(low, false, high, highInclusive, limit, descending);
    }

    /** This range with the high bound {@code high}, inclusive. */
    public QueryRange<K> to(K high) {
        return new QueryRange<>(low, lowInclusive, high, true, limit, descending);
    }

    /** This range with the high bound {@code high}, exclusive. */
    public QueryRange<K> before(K high) {
        return new QueryRange<>(low, lowInclusive, high, false, limit, descending);
    }

    /** This range holding at most {@code limit} rows, the window kept full as rows leave. */
    public QueryRange<K> limit(long limit) {
        return new QueryRange<>(low, lowInclusive, high, highInclusive, limit, descending);
    }

    /** This range ordered by key descending, so that a limit keeps the highest keys. */
    public QueryRange<K> descending() {
        return new QueryRange<>(low, lowInclusive, high, highInclusive, limit, true);
    }

    /** The low bound, or null for none. */
    public K low() {
        return low;
    }

    public boolean lowInclusive() {
        return lowInclusive;
    }

    /** The high bound, or null for none. */
    public K high() {
        return high;
    }

    public boolean highInclusive() {
        return highInclusive;
    }

    /** At most this many rows; {@link #NO_LIMIT} for no limit. */
    public long limit() {
        return limit;
    }

    public boolean isDescending() {
        return descending;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QueryRange<?> range && Objects.equals(low, range.low)
                && lowInclusive == range.lowInclusive && Objects.equals(high, range.high)
                && highInclusive == range.highInclusive && limit == range.limit && descending == range.descending;
    }

    @Override
    public int hashCode() {
        return Objects.hash(low, lowInclusive, high, highInclusive, limit, descending);
    }

    @Override
    public String toString() {
        return (low == null ? "(unbounded" : (lowInclusive ? "[" : "(") + low) + " .. "
                + (high == null ? "unbounded)" : high + (highInclusive ? "]" : ")"))
                + (limit == NO_LIMIT ? "" : " limit " + limit) + (descending ? " descending" : "");
    }
}
