package io.hetu.server.subscription;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.Key;
import io.hetu.schema.KeyCodec;
import io.hetu.schema.Layouts;
import io.hetu.storage.spi.IndexOrder;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An index key held by the engine: the storage's order-preserving 64-bit encoding plus, for a
 * string, its whole UTF-8 bytes. It orders exactly like the storage's ordered indexes (unsigned
 * bits, then the bytes unsigned, shorter first) and is a hash key for equality subscriptions.
 */
final class SortKey implements Comparable<SortKey> {

    private final long bits;
    private final byte[] utf8;
    /** Whether this part orders in reverse (a descending column of a composite key). */
    private final boolean descending;
    /** The next column of a composite key, or null. */
    private final SortKey next;

    private SortKey(long bits, byte[] utf8) {
        this(bits, utf8, false, null);
    }

    private SortKey(long bits, byte[] utf8, boolean descending, SortKey next) {
        this.bits = bits;
        this.utf8 = utf8;
        this.descending = descending;
        this.next = next;
    }

    /** The key of the column in a row held anywhere. */
    static SortKey of(FieldLayout column, MemorySegment row, long rowOffset) {
        return of(column, false, null, row, rowOffset);
    }

    /**
     * The whole key of a composite index in a row: the leading column, then the further columns.
     * It compares equal to a key of the leading column alone when the leading values are equal, so
     * bounds on the leading column hold it.
     */
    static SortKey of(FieldLayout column, IndexOrder then, MemorySegment row, long rowOffset) {
        SortKey next = null;
        for (int i = then.size() - 1; i >= 0; i--) {
            next = of(then.column(i), then.descending(i), next, row, rowOffset);
        }
        return of(column, false, next, row, rowOffset);
    }

    private static SortKey of(FieldLayout column, boolean descending, SortKey next, MemorySegment row,
            long rowOffset) {
        long at = rowOffset + column.offset();
        long bits = KeyCodec.encode(column.type(), row, at);
        if (column.type() != FieldType.STRING) {
            return new SortKey(bits, null, descending, next);
        }
        int length = Short.toUnsignedInt(row.get(Layouts.I16, at));
        byte[] utf8 = new byte[length];
        MemorySegment.copy(row, Layouts.I8, at + 2, utf8, 0, length);
        return new SortKey(bits, utf8, descending, next);
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

    /** Compares part by part; when one key ends first (a key of the leading column only), they are equal. */
    @Override
    public int compareTo(SortKey other) {
        int order = Long.compareUnsigned(bits, other.bits);
        if (order == 0 && utf8 != null && other.utf8 != null) {
            order = Arrays.compareUnsigned(utf8, other.utf8);
        }
        if (descending) {
            order = -order;
        }
        if (order != 0 || next == null || other.next == null) {
            return order;
        }
        return next.compareTo(other.next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SortKey other && bits == other.bits && Arrays.equals(utf8, other.utf8)
                && descending == other.descending && Objects.equals(next, other.next);
    }

    @Override
    public int hashCode() {
        int head = utf8 == null ? KeyCodec.hash(bits) : 31 * KeyCodec.hash(bits) + Arrays.hashCode(utf8);
        return next == null ? head : 31 * head + next.hashCode();
    }

    @Override
    public String toString() {
        return utf8 != null ? new String(utf8, StandardCharsets.UTF_8) : Long.toHexString(bits);
    }
}
