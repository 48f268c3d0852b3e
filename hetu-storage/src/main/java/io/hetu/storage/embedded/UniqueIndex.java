package io.hetu.storage.embedded;

import io.hetu.schema.Key;
import java.lang.foreign.MemorySegment;

/**
 * The hash index of a unique column: open addressing with linear probing over a {@code long[]} of
 * entries, each the key's 32-bit hash above the slot plus one (zero is empty). Keys are not copied:
 * they are read from the rows, which keeps the index at about twelve bytes per row. The stored hash
 * lets a probe pass over the entries of other keys without reading their rows, each of which is
 * likely a cache miss, and lets growing and deleting move entries without rehashing. Deletion
 * shifts entries back, so there are no tombstones.
 *
 * <p>Written only by the committer under the table's write latch; readers probe under an
 * optimistic read of that latch and retry if it was written meanwhile, so a probe of a stale
 * array must end: it is bounded by the array's length.
 */
final class UniqueIndex {

    private final ColumnKeys keys;
    private long[] entries = new long[16];
    private int size;

    UniqueIndex(ColumnKeys keys) {
        this.keys = keys;
    }

    /** The slot of the committed row with this key, or -1. */
    int find(Key key) {
        long[] table = entries;
        int mask = table.length - 1;
        int hash = keys.hash(key);
        int at = hash & mask;
        for (int probes = 0; probes < table.length; probes++) {
            long entry = table[at];
            if (entry == 0) {
                return -1;
            }
            if (hashOf(entry) == hash) {
                int slot = slotOf(entry);
                if (keys.compare(keys.bits(slot), slot, key) == 0) {
                    return slot;
                }
            }
            at = (at + 1) & mask;
        }
        return -1;
    }

    /** The slot of the committed row whose key equals that of a row held anywhere, or -1. */
    int find(MemorySegment segment, long rowOffset) {
        long[] table = entries;
        int mask = table.length - 1;
        int hash = keys.hash(segment, rowOffset);
        int at = hash & mask;
        for (int probes = 0; probes < table.length; probes++) {
            long entry = table[at];
            if (entry == 0) {
                return -1;
            }
            if (hashOf(entry) == hash) {
                int slot = slotOf(entry);
                if (keys.compare(keys.table.chunk(slot), keys.table.rowOffset(slot), segment, rowOffset) == 0) {
                    return slot;
                }
            }
            at = (at + 1) & mask;
        }
        return -1;
    }

    /** Adds the committed row in a slot; its key is not yet in the index. */
    void add(int slot) {
        if ((size + 1) * 4 > entries.length * 3) {
            grow();
        }
        insert(entries, entry(keys.hash(slot), slot));
        size++;
    }

    /** Removes the row in a slot, whose key is still in the row. */
    void remove(int slot) {
        long[] table = entries;
        int mask = table.length - 1;
        int at = keys.hash(slot) & mask;
        while (table[at] == 0 || slotOf(table[at]) != slot) {
            if (table[at] == 0) {
                throw new IllegalStateException("unique index of " + keys.column.name() + " lost slot " + slot);
            }
            at = (at + 1) & mask;
        }
        // Shift later entries of the probe run back into the gap.
        int gap = at;
        int next = (gap + 1) & mask;
        while (table[next] != 0) {
            int home = hashOf(table[next]) & mask;
            boolean movable = gap <= next ? (home <= gap || home > next) : (home <= gap && home > next);
            if (movable) {
                table[gap] = table[next];
                gap = next;
            }
            next = (next + 1) & mask;
        }
        table[gap] = 0;
        size--;
    }

    int size() {
        return size;
    }

    long allocatedBytes() {
        return 8L * entries.length;
    }

    private static long entry(int hash, int slot) {
        return ((long) hash << 32) | (slot + 1L);
    }

    private static int hashOf(long entry) {
        return (int) (entry >>> 32);
    }

    private static int slotOf(long entry) {
        return (int) entry - 1;
    }

    private static void insert(long[] table, long entry) {
        int mask = table.length - 1;
        int at = hashOf(entry) & mask;
        while (table[at] != 0) {
            at = (at + 1) & mask;
        }
        table[at] = entry;
    }

    private void grow() {
        long[] grown = new long[entries.length * 2];
        for (long entry : entries) {
            if (entry != 0) {
                insert(grown, entry);
            }
        }
        entries = grown;
    }
}
