package io.hetu.server.subscription;

import io.hetu.schema.Layouts;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;

/** The bytes of the frames the engine produces (docs/PROTOCOL.md): SUBSCRIBED, UPDATE, ERROR. */
final class Frames {

    static final byte SUBSCRIBED = Protocol.SUBSCRIBED;
    static final byte UPDATE = Protocol.UPDATE;
    static final byte ERROR = Protocol.ERROR;

    /**
     * An UPDATE frame holds at most this many changes (its count is a u16); a frame that holds
     * exactly this many is followed by another of the same seq, so a client applies them as one.
     */
    static final int MAX_CHANGES = 0xFFFF;

    /** Type, seq and count. */
    static final int UPDATE_HEADER_BYTES = 11;
    /** Subscription id, kind and row id, before the row. */
    static final int ITEM_HEADER_BYTES = 13;

    private static final int UPDATE_SEQ_AT = 1;
    private static final int UPDATE_COUNT_AT = 9;
    private static final int SUBSCRIBED_COUNT_AT = 17;

    private Frames() {}

    static byte kind(ChangeKind kind) {
        return switch (kind) {
            case INSERT -> Protocol.KIND_INSERT;
            case UPDATE -> Protocol.KIND_UPDATE;
            case DELETE -> Protocol.KIND_DELETE;
        };
    }

    static ChangeKind kindOf(byte kind) {
        return switch (kind) {
            case Protocol.KIND_INSERT -> ChangeKind.INSERT;
            case Protocol.KIND_UPDATE -> ChangeKind.UPDATE;
            case Protocol.KIND_DELETE -> ChangeKind.DELETE;
            default -> throw new IllegalArgumentException("no change kind " + kind);
        };
    }

    /** Starts an UPDATE frame whose seq and count are filled in by {@link #finishUpdate}. */
    static WireWriter beginUpdate(WireWriter out) {
        return out.clear().writeI8(UPDATE).writeI64(0).writeI16((short) 0);
    }

    static void updateItem(WireWriter out, int subscription, ChangeKind kind, long rowId, MemorySegment row,
            long rowOffset, int rowSize) {
        out.writeI32(subscription).writeI8(kind(kind)).writeI64(rowId);
        if (kind != ChangeKind.DELETE) {
            out.writeRaw(row, rowOffset, rowSize);
        }
    }

    static void finishUpdate(WireWriter out, long seq, int count) {
        MemorySegment frame = out.segment();
        frame.set(Layouts.I64, UPDATE_SEQ_AT, seq);
        frame.set(Layouts.I16, UPDATE_COUNT_AT, (short) count);
    }

    /** Starts a SUBSCRIBED frame; add rows with {@link #subscribedRow}, then {@link #finishSubscribed}. */
    static WireWriter beginSubscribed(WireWriter out, int request, int subscription, long seq) {
        return out.clear().writeI8(SUBSCRIBED).writeI32(request).writeI32(subscription).writeI64(seq).writeI32(0);
    }

    static void subscribedRow(WireWriter out, long rowId, byte[] row) {
        out.writeI64(rowId).writeRaw(row, 0, row.length);
    }

    static void finishSubscribed(WireWriter out, int count) {
        out.segment().set(Layouts.I32, SUBSCRIBED_COUNT_AT, count);
    }

    static WireWriter error(String code, String message) {
        return new WireWriter().writeI8(ERROR).writeShortString(code).writeShortString(message);
    }
}
