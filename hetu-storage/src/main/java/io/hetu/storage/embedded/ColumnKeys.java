package io.hetu.storage.embedded;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.Key;
import io.hetu.schema.KeyCodec;
import io.hetu.storage.spi.IndexOrder;
import java.lang.foreign.MemorySegment;

/**
 * Reads, hashes and compares the key of one index over the rows of a table: its (leading) column,
 * and for a composite index the further columns that order rows with equal leading values. Bounds
 * and lookups name the leading column only.
 */
final class ColumnKeys {

    final TableStore table;
    final FieldLayout column;
    final FieldType type;
    final boolean string;
    /** The further columns of a composite index; empty for an index over one column. */
    final IndexOrder then;

    ColumnKeys(TableStore table, FieldLayout column, IndexOrder then) {
        this.table = table;
        this.column = column;
        this.type = column.type();
        this.string = type == FieldType.STRING;
        this.then = then;
    }

    /** The encoded key (a string's prefix) of the row in a slot. */
    long bits(int slot) {
        return KeyCodec.encode(type, table.chunk(slot), table.rowOffset(slot) + column.offset());
    }

    /** The encoded key of a row held anywhere. */
    long bits(MemorySegment segment, long rowOffset) {
        return KeyCodec.encode(type, segment, rowOffset + column.offset());
    }

    int hash(int slot) {
        return string ? KeyCodec.hashString(table.chunk(slot), table.rowOffset(slot) + column.offset())
                : KeyCodec.hash(bits(slot));
    }

    int hash(MemorySegment segment, long rowOffset) {
        return string ? KeyCodec.hashString(segment, rowOffset + column.offset())
                : KeyCodec.hash(bits(segment, rowOffset));
    }

    int hash(Key key) {
        return string ? KeyCodec.hashString(key.string(), 0) : KeyCodec.hash(key.bits());
    }

    /** Compares the key of the row in a slot, given its encoded bits, with a key. */
    int compare(long bits, int slot, Key key) {
        int order = Long.compareUnsigned(bits, key.bits());
        if (order != 0 || !string) {
            return order;
        }
        return KeyCodec.compareStrings(table.chunk(slot), table.rowOffset(slot) + column.offset(), key.string(), 0);
    }

    /** Compares the keys (all columns of a composite key) of the rows in two slots, given their encoded bits. */
    int compare(long bitsA, int slotA, long bitsB, int slotB) {
        int order = Long.compareUnsigned(bitsA, bitsB);
        if (order != 0 || slotA == slotB || (!string && then.isEmpty())) {
            return order;
        }
        return compareRest(table.chunk(slotA), table.rowOffset(slotA), table.chunk(slotB), table.rowOffset(slotB));
    }

    /** Compares the keys (all columns of a composite key) of two rows held anywhere. */
    int compare(MemorySegment a, long aRow, MemorySegment b, long bRow) {
        int order = Long.compareUnsigned(bits(a, aRow), bits(b, bRow));
        if (order != 0 || (!string && then.isEmpty())) {
            return order;
        }
        return compareRest(a, aRow, b, bRow);
    }

    /** Compares two rows whose leading keys have equal bits: a string in full, then the further columns. */
    private int compareRest(MemorySegment a, long aRow, MemorySegment b, long bRow) {
        if (string) {
            int order = KeyCodec.compareStrings(a, aRow + column.offset(), b, bRow + column.offset());
            if (order != 0) {
                return order;
            }
        }
        return then.compare(a, aRow, b, bRow);
    }

    /** Compares a row held anywhere with a key. */
    int compare(MemorySegment segment, long rowOffset, Key key) {
        int order = Long.compareUnsigned(bits(segment, rowOffset), key.bits());
        if (order != 0 || !string) {
            return order;
        }
        return KeyCodec.compareStrings(segment, rowOffset + column.offset(), key.string(), 0);
    }

    /** Whether two rows held anywhere have equal keys. */
    boolean sameKey(MemorySegment a, long aRow, MemorySegment b, long bRow) {
        return compare(a, aRow, b, bRow) == 0;
    }
}
