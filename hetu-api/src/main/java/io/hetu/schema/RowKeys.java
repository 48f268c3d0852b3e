package io.hetu.schema;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.FieldValueException;
import io.hetu.schema.Layouts;
import java.lang.foreign.MemorySegment;

/** Index-key comparisons and writes on rows held anywhere: in a table or transaction-local. */
public final class RowKeys {

    private RowKeys() {}

    public static int compare(FieldLayout column, MemorySegment segment, long rowOffset, Key key) {
        long at = rowOffset + column.offset();
        int order = Long.compareUnsigned(KeyCodec.encode(column.type(), segment, at), key.bits());
        if (order != 0 || column.type() != FieldType.STRING) {
            return order;
        }
        return KeyCodec.compareStrings(segment, at, key.string(), 0);
    }

    public static int compare(FieldLayout column, MemorySegment a, long aRow, MemorySegment b, long bRow) {
        long aAt = aRow + column.offset();
        long bAt = bRow + column.offset();
        int order = Long.compareUnsigned(KeyCodec.encode(column.type(), a, aAt), KeyCodec.encode(column.type(), b, bAt));
        if (order != 0 || column.type() != FieldType.STRING) {
            return order;
        }
        return KeyCodec.compareStrings(a, aAt, b, bAt);
    }

    /** Stores a key's value in the row's column, as the flyweight would. */
    public static void writeKey(FieldLayout column, MemorySegment segment, long rowOffset, Key key) {
        long at = rowOffset + column.offset();
        long bits = key.bits();
        switch (column.type()) {
            case BOOL, ENUM8 -> segment.set(Layouts.I8, at, (byte) bits);
            case I8 -> segment.set(Layouts.I8, at, (byte) (bits ^ Long.MIN_VALUE));
            case I16 -> segment.set(Layouts.I16, at, (short) (bits ^ Long.MIN_VALUE));
            case CHAR -> segment.set(Layouts.CHAR, at, (char) bits);
            case ENUM16 -> segment.set(Layouts.I16, at, (short) bits);
            case I32 -> segment.set(Layouts.I32, at, (int) (bits ^ Long.MIN_VALUE));
            case I64, INSTANT, DURATION -> segment.set(Layouts.I64, at, bits ^ Long.MIN_VALUE);
            case F32 -> {
                int raw = (int) bits;
                segment.set(Layouts.I32, at, raw < 0 ? raw ^ Integer.MIN_VALUE : ~raw);
            }
            case F64 -> segment.set(Layouts.I64, at, bits < 0 ? bits ^ Long.MIN_VALUE : ~bits);
            case STRING -> {
                MemorySegment stored = key.string();
                if (stored.byteSize() - 2 > column.maxLength()) {
                    throw new FieldValueException(column.name() + ": the key is " + (stored.byteSize() - 2)
                            + " UTF-8 bytes long, more than the declared maximum of " + column.maxLength());
                }
                MemorySegment.copy(stored, 0, segment, at, stored.byteSize());
            }
            case BYTES -> throw new IllegalArgumentException("byte[] columns are not indexed");
        }
    }
}
