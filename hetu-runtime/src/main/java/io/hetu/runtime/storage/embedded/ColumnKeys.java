package io.hetu.runtime.storage.embedded;

import io.hetu.runtime.storage.Key;
import io.hetu.runtime.storage.KeyCodec;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import java.lang.foreign.MemorySegment;

/** Reads, hashes and compares one indexed column of the rows of a table. */
final class ColumnKeys {

    final TableStore table;
    final FieldLayout column;
    final FieldType type;
    final boolean string;

    ColumnKeys(TableStore table, FieldLayout column) {
        this.table = table;
        this.column = column;
        this.type = column.type();
        this.string = type == FieldType.STRING;
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

    /** Compares the keys of the rows in two slots, given their encoded bits. */
    int compare(long bitsA, int slotA, long bitsB, int slotB) {
        int order = Long.compareUnsigned(bitsA, bitsB);
        if (order != 0 || !string || slotA == slotB) {
            return order;
        }
        return KeyCodec.compareStrings(table.chunk(slotA), table.rowOffset(slotA) + column.offset(),
                table.chunk(slotB), table.rowOffset(slotB) + column.offset());
    }

    /** Compares the keys of two rows held anywhere. */
    int compare(MemorySegment a, long aRow, MemorySegment b, long bRow) {
        int order = Long.compareUnsigned(bits(a, aRow), bits(b, bRow));
        if (order != 0 || !string) {
            return order;
        }
        return KeyCodec.compareStrings(a, aRow + column.offset(), b, bRow + column.offset());
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
