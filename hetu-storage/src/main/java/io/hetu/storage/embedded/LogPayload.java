package io.hetu.storage.embedded;

import io.hetu.schema.Layouts;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.CommitRequest;
import java.lang.foreign.MemorySegment;

/**
 * The bytes a commit writes to the log: its changes to durable tables, in order.
 *
 * <pre>
 * u8  type          0 = catalog: the rest is the table catalog as UTF-8 JSON (see Catalog)
 * u8  type          1 = changes
 * u32 count
 * count times:
 *   u16 table       the table's number in the catalog in force
 *   u8  kind        0 insert, 1 update, 2 delete
 *   u64 id
 *   row bytes       the table's row size, for insert and update
 * </pre>
 *
 * All integers little-endian. Changes to volatile tables are left out; a commit that changed only
 * volatile tables writes a record with count 0, so the log's seqs stay consecutive.
 */
final class LogPayload {

    static final byte CATALOG = 0;
    static final byte CHANGES = 1;

    private LogPayload() {}

    static byte[] catalog(Catalog catalog) {
        byte[] json = catalog.toJson();
        byte[] bytes = new byte[1 + json.length];
        bytes[0] = CATALOG;
        System.arraycopy(json, 0, bytes, 1, json.length);
        return bytes;
    }

    static byte[] encode(CommitRequest request, TableStore[] tables) {
        int size = 5;
        int count = 0;
        for (int i = 0; i < request.writeCount(); i++) {
            TableStore store = tables[request.writeTable(i)];
            if (store.descriptor.durable()) {
                count++;
                size += 11 + (request.writeKind(i) == ChangeKind.DELETE ? 0 : store.rowSize);
            }
        }
        byte[] bytes = new byte[size];
        MemorySegment out = MemorySegment.ofArray(bytes);
        out.set(Layouts.I8, 0, CHANGES);
        out.set(Layouts.I32, 1, count);
        long at = 5;
        for (int i = 0; i < request.writeCount(); i++) {
            int table = request.writeTable(i);
            TableStore store = tables[table];
            if (!store.descriptor.durable()) {
                continue;
            }
            ChangeKind kind = request.writeKind(i);
            out.set(Layouts.I16, at, (short) table);
            out.set(Layouts.I8, at + 2, (byte) kind.ordinal());
            out.set(Layouts.I64, at + 3, request.writeId(i));
            at += 11;
            if (kind != ChangeKind.DELETE) {
                MemorySegment.copy(request.writeSegment(i), request.writeOffset(i), out, at, store.rowSize);
                at += store.rowSize;
            }
        }
        return bytes;
    }
}
