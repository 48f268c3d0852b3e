package io.hetu.runtime.subscription;

import io.hetu.runtime.storage.Key;
import io.hetu.runtime.storage.KeyCodec;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.Layouts;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An index key held by the engine: the storage's order-preserving 64-bit encoding plus, for a
 * string, its whole UTF-8 bytes. It orders exactly like the storage's ordered indexes (unsigned
 * bits, then the bytes unsigned, shorter first) and is a hash key for equality subscriptions.
 */
final class SortKey implements Comparable<SortKey> {

    private final long bits;
    private final byte[] utf8;

    private SortKey(long bits, byte[] utf8) {
        this.bits = bits;
        this.utf8 = utf8;
    }

    /** The key of the column in a row held anywhere. */
    static SortKey of(FieldLayout column, MemorySegment row, long rowOffset) {
        long at = rowOffset + column.offset();
        long bits = KeyCodec.encode(column.type(), row, at);
        if (column.type() != FieldType.STRING) {
            return new SortKey(bits, null);
        }
        int length = Short.toUnsignedInt(row.get(Layouts.I16, at));
        byte[] utf8 = new byte[length];
        MemorySegment.copy(row, Layouts.I8, at + 2, utf8, 0, length);
        return new SortKey(bits, utf8);
    }

    static SortKey of(Key key) {
        MemorySegment stored = key.string();
        if (stored == null) {
            return new SortKey(key.bits(), null);
        }
        byte[] utf8 = new byte[(int) stored.byteSize() - 2];
        MemorySegment.copy(stored, Layouts.I8, 2, utf8, 0, utf8.length);
        return new SortKey(key.bits(), utf8);
    }

    @Override
    public int compareTo(SortKey other) {
        int order = Long.compareUnsigned(bits, other.bits);
        if (order != 0 || utf8 == null || other.utf8 == null) {
            return order;
        }
        return Arrays.compareUnsigned(utf8, other.utf8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SortKey other && bits == other.bits && Arrays.equals(utf8, other.utf8);
    }

    @Override
    public int hashCode() {
        return utf8 == null ? KeyCodec.hash(bits) : 31 * KeyCodec.hash(bits) + Arrays.hashCode(utf8);
    }

    @Override
    public String toString() {
        return utf8 != null ? new String(utf8, StandardCharsets.UTF_8) : Long.toHexString(bits);
    }
}
