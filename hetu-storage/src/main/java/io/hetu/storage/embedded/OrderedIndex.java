package io.hetu.storage.embedded;

import io.hetu.schema.Key;
import java.util.Arrays;

/**
 * The ordered index of a column: entries {@code (key bits, row id)} sorted by key and then id, in
 * leaves of up to {@value #LEAF} entries held in one sorted array of leaves. Lookups are two binary
 * searches; an insert shifts at most one leaf, and a full leaf splits in two. The row's slot is the
 * low half of its id, so an entry reaches its row without another lookup, and string keys whose
 * 8-byte prefixes tie are compared in full from the rows.
 *
 * <p>Written only by the committer under the table's write latch; scanned under its read latch.
 */
final class OrderedIndex {

    static final int LEAF = 128;

    /** Visits entries in index order; returns false to stop. */
    interface Visitor {
        boolean visit(int slot);
    }

    private static final class Leaf {
        final long[] bits = new long[LEAF];
        final long[] ids = new long[LEAF];
        int count;
    }

    private final ColumnKeys keys;
    private Leaf[] leaves = {new Leaf()};
    private int leafCount = 1;
    private long size;

    OrderedIndex(ColumnKeys keys) {
        this.keys = keys;
    }

    long size() {
        return size;
    }

    long allocatedBytes() {
        return (long) leafCount * (LEAF * 16L + 32) + 8L * leaves.length;
    }

    /** Adds the committed row in a slot. */
    void add(int slot) {
        long bits = keys.bits(slot);
        long id = keys.table.id(slot);
        int leafIndex = leafFor(bits, id);
        Leaf leaf = leaves[leafIndex];
        int at = positionInLeaf(leaf, bits, id);
        if (leaf.count == LEAF) {
            if (at == LEAF && leafIndex == leafCount - 1) {
                // Appending past the last key (ids and keys that grow) starts a new leaf and leaves
                // this one full; a half split would leave every leaf half empty.
                leaf = appendLeaf();
                at = 0;
            } else {
                Leaf right = split(leafIndex);
                if (at > leaf.count) {
                    at -= leaf.count;
                    leaf = right;
                }
            }
        }
        System.arraycopy(leaf.bits, at, leaf.bits, at + 1, leaf.count - at);
        System.arraycopy(leaf.ids, at, leaf.ids, at + 1, leaf.count - at);
        leaf.bits[at] = bits;
        leaf.ids[at] = id;
        leaf.count++;
        size++;
    }

    /** Removes the row in a slot, whose key is still in the row. */
    void remove(int slot) {
        long bits = keys.bits(slot);
        long id = keys.table.id(slot);
        int leafIndex = leafFor(bits, id);
        Leaf leaf = leaves[leafIndex];
        int at = positionInLeaf(leaf, bits, id);
        if (at >= leaf.count || leaf.ids[at] != id) {
            throw new IllegalStateException("ordered index of " + keys.column.name() + " lost row " + id);
        }
        System.arraycopy(leaf.bits, at + 1, leaf.bits, at, leaf.count - at - 1);
        System.arraycopy(leaf.ids, at + 1, leaf.ids, at, leaf.count - at - 1);
        leaf.count--;
        size--;
        if (leaf.count == 0 && leafCount > 1) {
            System.arraycopy(leaves, leafIndex + 1, leaves, leafIndex, leafCount - leafIndex - 1);
            leaves[--leafCount] = null;
        }
    }

    /**
     * Visits rows with keys between the bounds (a null bound is open-ended), in ascending or
     * descending order, at most {@code limit} of them.
     */
    void scan(Key low, boolean lowInclusive, Key high, boolean highInclusive, int limit, boolean descending,
            Visitor visitor) {
        if (limit <= 0 || size == 0) {
            return;
        }
        int visited = 0;
        if (!descending) {
            long position = low == null ? 0 : firstAtOrAfter(low, !lowInclusive);
            int leafIndex = (int) (position >>> 32);
            int at = (int) position;
            for (; leafIndex < leafCount; leafIndex++, at = 0) {
                Leaf leaf = leaves[leafIndex];
                for (; at < leaf.count; at++) {
                    int slot = (int) leaf.ids[at];
                    if (high != null) {
                        int order = keys.compare(leaf.bits[at], slot, high);
                        if (order > 0 || (order == 0 && !highInclusive)) {
                            return;
                        }
                    }
                    if (!visitor.visit(slot) || ++visited == limit) {
                        return;
                    }
                }
            }
        } else {
            int leafIndex = leafCount - 1;
            int at = leaves[leafIndex].count - 1;
            if (high != null) {
                // The entry before the first one past the bound.
                long position = firstAtOrAfter(high, highInclusive);
                leafIndex = (int) (position >>> 32);
                at = (int) position - 1;
            }
            while (leafIndex >= 0) {
                Leaf leaf = leaves[leafIndex];
                for (; at >= 0; at--) {
                    int slot = (int) leaf.ids[at];
                    if (low != null) {
                        int order = keys.compare(leaf.bits[at], slot, low);
                        if (order < 0 || (order == 0 && !lowInclusive)) {
                            return;
                        }
                    }
                    if (!visitor.visit(slot) || ++visited == limit) {
                        return;
                    }
                }
                leafIndex--;
                if (leafIndex >= 0) {
                    at = leaves[leafIndex].count - 1;
                }
            }
        }
    }

    /**
     * The position (leaf index in the high half, entry index in the low half) of the first entry
     * whose key is after {@code key} (when {@code strictlyAfter}) or at or after it.
     */
    private long firstAtOrAfter(Key key, boolean strictlyAfter) {
        int lo = 0;
        int hi = leafCount - 1;
        // The first leaf whose last entry qualifies.
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Leaf leaf = leaves[mid];
            if (leaf.count > 0 && qualifies(leaf, leaf.count - 1, key, strictlyAfter)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Leaf leaf = leaves[lo];
        int from = 0;
        int to = leaf.count;
        while (from < to) {
            int mid = (from + to) >>> 1;
            if (qualifies(leaf, mid, key, strictlyAfter)) {
                to = mid;
            } else {
                from = mid + 1;
            }
        }
        if (from == leaf.count && lo < leafCount - 1) {
            return (long) (lo + 1) << 32;
        }
        return (long) lo << 32 | from;
    }

    private boolean qualifies(Leaf leaf, int at, Key key, boolean strictlyAfter) {
        int order = keys.compare(leaf.bits[at], (int) leaf.ids[at], key);
        return strictlyAfter ? order > 0 : order >= 0;
    }

    private int compareEntry(Leaf leaf, int at, long bits, long id) {
        int order = keys.compare(leaf.bits[at], (int) leaf.ids[at], bits, (int) id);
        return order != 0 ? order : Long.compare(leaf.ids[at], id);
    }

    /** The leaf an entry belongs in: the last leaf whose first entry is not after it. */
    private int leafFor(long bits, long id) {
        int lo = 0;
        int hi = leafCount - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            Leaf leaf = leaves[mid];
            if (leaf.count > 0 && compareEntry(leaf, 0, bits, id) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The first position in a leaf whose entry is not before the given one. */
    private int positionInLeaf(Leaf leaf, long bits, long id) {
        int from = 0;
        int to = leaf.count;
        while (from < to) {
            int mid = (from + to) >>> 1;
            if (compareEntry(leaf, mid, bits, id) < 0) {
                from = mid + 1;
            } else {
                to = mid;
            }
        }
        return from;
    }

    private Leaf appendLeaf() {
        if (leafCount == leaves.length) {
            leaves = Arrays.copyOf(leaves, leaves.length * 2);
        }
        Leaf leaf = new Leaf();
        leaves[leafCount++] = leaf;
        return leaf;
    }

    /** Splits a full leaf in two halves; returns the new right half. */
    private Leaf split(int leafIndex) {
        Leaf left = leaves[leafIndex];
        Leaf right = new Leaf();
        int half = LEAF / 2;
        System.arraycopy(left.bits, half, right.bits, 0, LEAF - half);
        System.arraycopy(left.ids, half, right.ids, 0, LEAF - half);
        right.count = LEAF - half;
        left.count = half;
        if (leafCount == leaves.length) {
            leaves = Arrays.copyOf(leaves, leaves.length * 2);
        }
        System.arraycopy(leaves, leafIndex + 1, leaves, leafIndex + 2, leafCount - leafIndex - 1);
        leaves[leafIndex + 1] = right;
        leafCount++;
        return right;
    }
}
