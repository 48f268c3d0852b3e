package io.hetu.runtime.storage.embedded;

import io.hetu.runtime.storage.Key;
import java.lang.foreign.MemorySegment;

/**
 * The hash index of a unique column: open addressing with linear probing over an {@code int[]} of
 * slots (plus one; zero is empty). Keys are not copied: they are read from the rows, which keeps
 * the index at about six bytes per row. Deletion shifts entries back, so there are no tombstones.
 *
 * <p>Written only by the committer under the table's write latch; readers probe under an
 * optimistic read of that latch and retry if it was written meanwhile, so a probe of a stale
 * array must end: it is bounded by the array's length.
 */
final class UniqueIndex {

    private final ColumnKeys keys;
    private int[] entries = new int[16];
    private int size;

    UniqueIndex(ColumnKeys keys) {
        this.keys = keys;
    }

    /** The slot of the committed row with this key, or -1. */
    int find(Key key) {
        int[] table = entries;
        int mask = table.length - 1;
        int at = keys.hash(key) & mask;
        for (int probes = 0; probes < table.length; probes++) {
            int entry = table[at];
            if (entry == 0) {
                return -1;
            }
            int slot = entry - 1;
            if (keys.compare(keys.bits(slot), slot, key) == 0) {
                return slot;
            }
            at = (at + 1) & mask;
        }
        return -1;
    }

    /** The slot of the committed row whose key equals that of a row held anywhere, or -1. */
    int find(MemorySegment segment, long rowOffset) {
        int[] table = entries;
        int mask = table.length - 1;
        int at = keys.hash(segment, rowOffset) & mask;
        for (int probes = 0; probes < table.length; probes++) {
            int entry = table[at];
            if (entry == 0) {
                return -1;
            }
            int slot = entry - 1;
            if (keys.compare(keys.table.chunk(slot), keys.table.rowOffset(slot), segment, rowOffset) == 0) {
                return slot;
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
        insert(entries, slot);
        size++;
    }

    /** Removes the row in a slot, whose key is still in the row. */
    void remove(int slot) {
        int[] table = entries;
        int mask = table.length - 1;
        int at = keys.hash(slot) & mask;
        while (table[at] != slot + 1) {
            if (table[at] == 0) {
                throw new IllegalStateException("unique index of " + keys.column.name() + " lost slot " + slot);
            }
            at = (at + 1) & mask;
        }
        // Shift later entries of the probe run back into the gap.
        int gap = at;
        int next = (gap + 1) & mask;
        while (table[next] != 0) {
            int home = keys.hash(table[next] - 1) & mask;
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
        return 4L * entries.length;
    }

    private void insert(int[] table, int slot) {
        int mask = table.length - 1;
        int at = keys.hash(slot) & mask;
        while (table[at] != 0) {
            at = (at + 1) & mask;
        }
        table[at] = slot + 1;
    }

    private void grow() {
        int[] grown = new int[entries.length * 2];
        for (int entry : entries) {
            if (entry != 0) {
                insert(grown, entry - 1);
            }
        }
        entries = grown;
    }
}
