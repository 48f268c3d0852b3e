package io.hetu.server;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.Key;
import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireReader;

/** Reads an index key sent by a client, as a value of the column's type. */
final class WireKeys {

    private WireKeys() {}

    static Key read(WireReader in, FieldLayout column, String what) {
        return switch (column.type()) {
            case BOOL -> Key.ofLong(column, in.readBool(what) ? 1 : 0);
            case I8 -> Key.ofLong(column, in.readI8(what));
            case I16 -> Key.ofLong(column, in.readI16(what));
            case I32 -> Key.ofLong(column, in.readI32(what));
            case I64, INSTANT, DURATION -> Key.ofLong(column, in.readI64(what));
            case F32 -> Key.ofDouble(column, in.readF32(what));
            case F64 -> Key.ofDouble(column, in.readF64(what));
            case CHAR -> Key.ofLong(column, in.readChar(what));
            case ENUM8 -> Key.ofLong(column, in.readOrdinal(false, column.enumConstants().size(), what));
            case ENUM16 -> Key.ofLong(column, in.readOrdinal(true, column.enumConstants().size(), what));
            case STRING -> Key.ofString(column, in.readString(what));
            case BYTES -> throw new WireFormatException(what + ": column " + column.name() + " is not indexed");
        };
    }
}
