package io.hetu.server.subscription;

/**
 * The key range of a query: each end inclusive, exclusive or absent (null: unbounded). Knows the
 * orders an interval tree needs: of low ends (an inclusive end starts before an exclusive one at
 * the same key) and of high ends (an exclusive end stops before an inclusive one).
 */
record KeyBounds(SortKey low, boolean lowInclusive, SortKey high, boolean highInclusive) {

    boolean contains(SortKey key) {
        return admitsFromLow(key) && admitsFromHigh(key);
    }

    /** Whether the low end lets {@code key} in (the key is not below the range). */
    boolean admitsFromLow(SortKey key) {
        if (low == null) {
            return true;
        }
        int order = low.compareTo(key);
        return order < 0 || (order == 0 && lowInclusive);
    }

    /** Whether the high end lets {@code key} in (the key is not above the range). */
    boolean admitsFromHigh(SortKey key) {
        return admitsBelow(high, highInclusive, key);
    }

    /** A single key, both ends inclusive: served by a hash map rather than the interval tree. */
    boolean isPoint() {
        return low != null && high != null && lowInclusive && highInclusive && low.equals(high);
    }

    static boolean admitsBelow(SortKey high, boolean highInclusive, SortKey key) {
        if (high == null) {
            return true;
        }
        int order = key.compareTo(high);
        return order < 0 || (order == 0 && highInclusive);
    }

    int compareLow(KeyBounds other) {
        if (low == null || other.low == null) {
            return low == null ? (other.low == null ? 0 : -1) : 1;
        }
        int order = low.compareTo(other.low);
        return order != 0 ? order : Boolean.compare(other.lowInclusive, lowInclusive);
    }

    /** Orders high ends; null is +infinity. */
    static int compareHigh(SortKey a, boolean aInclusive, SortKey b, boolean bInclusive) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        int order = a.compareTo(b);
        return order != 0 ? order : Boolean.compare(aInclusive, bInclusive);
    }
}
