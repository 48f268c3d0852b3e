package io.hetu.storage.embedded;

import io.hetu.schema.Layouts;
import io.hetu.storage.durability.ReplayHandler;
import io.hetu.storage.durability.SnapshotVisitor;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.system.SchemaMismatchException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads a data directory into the tables: the snapshot's rows, then the log's changes after it,
 * each read with the catalog it was written under and migrated to the app's current layout.
 */
final class Recovery implements SnapshotVisitor, ReplayHandler {

    /** A stored table, mapped onto the app's table. */
    private record Target(TableStore store, Migration migration, String qualifiedName, int storedRowSize) {}

    private final Map<String, TableStore> current = new HashMap<>();
    private Catalog snapshotCatalog;
    /** The catalog the log records being replayed were written under, and its tables as resolved. */
    private Catalog logCatalog;
    private Target[] logTargets;
    private Target snapshotTable;
    private MemorySegment scratch = MemorySegment.ofArray(new byte[256]);

    Recovery(TableStore[] stores) {
        for (TableStore store : stores) {
            current.put(Catalog.qualifiedName(store.descriptor), store);
        }
    }

    @Override
    public void begin(long seq, byte[] meta) throws IOException {
        snapshotCatalog = Catalog.fromJson(meta);
        // The log after a snapshot continues under the catalog the snapshot was taken with, until
        // the next server start records its own.
        useLogCatalog(snapshotCatalog);
    }

    private void useLogCatalog(Catalog catalog) {
        logCatalog = catalog;
        logTargets = new Target[catalog.tables().size()];
    }

    @Override
    public void beginTable(String qualifiedName, String layoutHash, int rowSize, long rowCount) throws IOException {
        Catalog.Entry entry = snapshotCatalog.find(qualifiedName);
        if (entry == null) {
            throw new IOException("the snapshot holds table " + qualifiedName + " but not its layout");
        }
        snapshotTable = target(entry, rowCount);
    }

    @Override
    public void row(long id, long version, MemorySegment src, long offset) {
        if (snapshotTable != null) {
            restore(snapshotTable, id, version, src, offset);
        }
    }

    @Override
    public void endTable() {
        snapshotTable = null;
    }

    @Override
    public void replay(long seq, MemorySegment payload) throws IOException {
        byte type = payload.get(Layouts.I8, 0);
        if (type == LogPayload.CATALOG) {
            useLogCatalog(Catalog.fromJson(payload.asSlice(1).toArray(Layouts.I8)));
            return;
        }
        if (type != LogPayload.CHANGES) {
            throw new IOException("log record seq " + seq + " has unknown type " + type);
        }
        if (logCatalog == null) {
            throw new IOException("log record seq " + seq + " holds changes but no table catalog precedes it");
        }
        int count = payload.get(Layouts.I32, 1);
        long at = 5;
        for (int i = 0; i < count; i++) {
            int table = Short.toUnsignedInt(payload.get(Layouts.I16, at));
            ChangeKind kind = ChangeKind.values()[payload.get(Layouts.I8, at + 2)];
            long id = payload.get(Layouts.I64, at + 3);
            at += 11;
            Target target = logTarget(table);
            if (target == null) {
                throw new IOException("log record seq " + seq + " changes table number " + table
                        + ", which its catalog does not list as durable");
            }
            if (kind == ChangeKind.DELETE) {
                if (target.store() != null && !target.store().forget(id)) {
                    throw new IOException("log record seq " + seq + " deletes row " + id + " of "
                            + target.qualifiedName() + ", which does not exist");
                }
            } else {
                restore(target, id, seq, payload, at);
                at += target.storedRowSize();
            }
        }
    }

    /** The table a log record's table number names under the log's catalog, or null if not durable. */
    private Target logTarget(int table) {
        if (table >= logTargets.length) {
            return null;
        }
        if (logTargets[table] == null) {
            Catalog.Entry entry = logCatalog.tables().get(table);
            if (!entry.durable()) {
                return null;
            }
            logTargets[table] = target(entry, -1);
        }
        return logTargets[table];
    }

    /**
     * Maps a stored table onto the app's table of the same name. A stored table the app no longer
     * declares is refused when it holds rows ({@code rows} is -1 when unknown, from the log).
     */
    private Target target(Catalog.Entry entry, long rows) {
        TableStore store = current.get(entry.qualifiedName());
        if (store == null) {
            if (rows == 0) {
                return new Target(null, null, entry.qualifiedName(), entry.layout().size());
            }
            throw new SchemaMismatchException("stored data holds component " + entry.qualifiedName()
                    + ", which the app no longer declares; declare it again, or move the data directory away to "
                    + "start empty");
        }
        Migration migration = Migration.plan(entry.qualifiedName(), entry.layoutHash(), entry.layout(),
                store.descriptor.layoutHash(), store.descriptor.layout());
        return new Target(store, migration, entry.qualifiedName(), entry.layout().size());
    }

    private void restore(Target target, long id, long version, MemorySegment source, long offset) {
        if (target.store() == null) {
            return;
        }
        if (target.migration() == null) {
            target.store().restore(id, version, source, offset);
            return;
        }
        int size = target.store().rowSize;
        if (scratch.byteSize() < size) {
            scratch = MemorySegment.ofArray(new byte[size]);
        }
        scratch.asSlice(0, size).fill((byte) 0);
        target.migration().convert(source, offset, scratch, 0);
        target.store().restore(id, version, scratch, 0);
    }
}
