package io.hetu.storage.embedded;

import io.hetu.schema.IndexDef;
import io.hetu.schema.Key;
import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.durability.Durability;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.storage.spi.CommitRequest;
import io.hetu.storage.spi.IndexOrder;
import io.hetu.storage.spi.RowVisitor;
import io.hetu.storage.spi.ScanRead;
import io.hetu.storage.spi.TableStats;
import io.hetu.system.ConflictException;
import io.hetu.system.SchemaMismatchException;
import io.hetu.system.StorageException;
import io.hetu.system.UniqueViolationException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded backend: every table in off-heap memory in this process, commits serialised by one
 * lock, made durable by a {@link CommitLog}.
 *
 * <p>A commit validates the transaction's reads (the versions of the rows it read, the results of
 * its unique lookups, and the exact rows and versions each of its index scans returned, so neither
 * changed rows nor phantoms slip through), checks unique columns, takes the next seq, appends to
 * the log, and applies the writes under the touched tables' write latches. Readers never take the
 * commit lock: point reads are optimistic and scans hold a table's read latch only while they run.
 */
public final class EmbeddedBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBackend.class);
    /** Up to this many writes, a commit checks its own unique keys pairwise, without allocating. */
    private static final int SMALL_COMMIT = 16;

    private final List<TableDescriptor<?, ?>> descriptors;
    private final TableStore[] tables;
    private final ColumnKeys[][] columns;
    private final UniqueIndex[][] unique;
    private final OrderedIndex[][] ordered;
    private final Arena arena = Arena.ofShared();
    private CommitLog log;
    /** The data directory's durability layer; null for a backend in memory only. */
    private Durability durability;
    private Thread snapshotter;

    private final ReentrantLock commitLock = new ReentrantLock();
    /** Written under the commit lock; read without it. */
    private volatile long seq;
    /** Odd while a commit is being applied; lets read-only validation find a quiet moment. */
    private volatile long epoch;

    private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<ChangeSet> unpublished = new ConcurrentLinkedQueue<>();
    private final ReentrantLock publishing = new ReentrantLock();
    private volatile boolean closed;

    EmbeddedBackend(List<? extends TableDescriptor<?, ?>> tables, CommitLog log) {
        this.descriptors = List.copyOf(tables);
        this.log = log;
        int count = descriptors.size();
        this.tables = new TableStore[count];
        this.columns = new ColumnKeys[count][];
        this.unique = new UniqueIndex[count][];
        this.ordered = new OrderedIndex[count][];
        for (int t = 0; t < count; t++) {
            TableDescriptor<?, ?> descriptor = descriptors.get(t);
            TableStore store = new TableStore(t, descriptor, arena);
            this.tables[t] = store;
            List<IndexDef> indexes = descriptor.indexes();
            columns[t] = new ColumnKeys[indexes.size()];
            unique[t] = new UniqueIndex[indexes.size()];
            ordered[t] = new OrderedIndex[indexes.size()];
            for (int i = 0; i < indexes.size(); i++) {
                ColumnKeys keys = new ColumnKeys(store, descriptor.layout().field(indexes.get(i).field()),
                        IndexOrder.of(descriptor.layout(), indexes.get(i)));
                columns[t][i] = keys;
                unique[t][i] = indexes.get(i).unique() ? new UniqueIndex(keys) : null;
                ordered[t][i] = new OrderedIndex(keys);
            }
        }
        log.onDurable(this::publishUpTo);
    }

    /** A backend whose tables live in memory only. */
    public static EmbeddedBackend inMemory(List<? extends TableDescriptor<?, ?>> tables) {
        return new EmbeddedBackend(tables, CommitLog.none());
    }

    /**
     * Opens the data directory {@code dir} (created when missing): loads the newest snapshot and
     * replays the log after it, checks the stored layouts against the app's components (identical
     * starts; columns added at the end migrate; anything else is refused), and starts logging with
     * a record of the catalog, which it waits for: a disk that cannot take it fails the start. A
     * snapshot is taken in the background as {@link DurabilityConfig#snapshotEveryCommits()} and
     * {@link DurabilityConfig#snapshotEverySeconds()} say.
     *
     * @throws SchemaMismatchException when stored data does not match the app's components
     * @throws IOException when the directory is locked by another server, damaged, unreadable or
     *     cannot be written
     */
    public static EmbeddedBackend open(Path dir, DurabilityConfig config,
            List<? extends TableDescriptor<?, ?>> tables) throws IOException {
        EmbeddedBackend backend = new EmbeddedBackend(tables, CommitLog.none());
        Recovery recovery = new Recovery(backend.tables);
        Durability durability;
        try {
            durability = Durability.open(dir, config, recovery, recovery);
        } catch (IOException | RuntimeException e) {
            backend.arena.close();
            throw e;
        }
        try {
            backend.rebuildIndexes();
            backend.durability = durability;
            backend.seq = durability.recovery().lastSeq();
            backend.log = new WalCommitLog(durability);
            backend.log.onDurable(backend::publishUpTo);
            backend.seq++;
            backend.log.append(backend.seq, LogPayload.catalog(Catalog.of(backend.descriptors)));
            backend.log.durable(backend.seq).join();
            LOG.info("Opened {}: {}", dir, backend.memoryReport().strip().replace('\n', ';'));
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            IOException failure = cause instanceof StorageException
                    ? new IOException("cannot start on " + dir + ": " + cause.getMessage(), cause) : null;
            try {
                durability.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            } finally {
                backend.arena.close();
            }
            if (failure != null) {
                throw failure;
            }
            throw e;
        }
        if (config.snapshotEveryCommits() > 0 || config.snapshotEverySeconds() > 0) {
            backend.startSnapshotter(config.snapshotEveryCommits(), config.snapshotEverySeconds());
        }
        return backend;
    }

    /** Builds every index from the recovered rows, and the free lists from the empty slots. */
    private void rebuildIndexes() {
        for (int t = 0; t < tables.length; t++) {
            TableStore store = tables[t];
            int highWater = store.highWater();
            for (int slot = 0; slot < highWater; slot++) {
                if (store.version(slot) == 0) {
                    continue;
                }
                for (int index = 0; index < columns[t].length; index++) {
                    if (unique[t][index] != null && unique[t][index].find(store.chunk(slot), store.rowOffset(slot)) >= 0) {
                        throw new SchemaMismatchException("stored data of component " + Catalog.qualifiedName(store.descriptor)
                                + " holds two rows with one value in unique column '" + columns[t][index].column.name()
                                + "' (row " + store.id(slot) + "); the column was not unique when they were written. "
                                + "Remove @Unique, or move the data directory away to start empty.");
                    }
                    addToIndex(t, index, slot);
                }
            }
            store.rebuildFreeList();
        }
    }

    /**
     * Writes a snapshot of every durable table as of the latest commit and publishes it, after
     * which the log before it is deleted. Commits wait only while the rows are copied in memory;
     * the file is written while they go on. Returns the snapshot's seq, or 0 when nothing changed
     * since the last snapshot or the backend keeps no data directory.
     */
    public long snapshot() throws IOException {
        if (durability == null) {
            return 0;
        }
        synchronized (snapshotter == null ? this : snapshotter) {
            List<MemorySegment> copies = new ArrayList<>();
            List<TableStore> copied = new ArrayList<>();
            long at;
            byte[] catalog;
            Arena staging = Arena.ofShared();
            try {
                commitLock.lock();
                try {
                    at = seq;
                    if (at <= durability.snapshotSeq()) {
                        return 0;
                    }
                    catalog = Catalog.of(descriptors).toJson();
                    for (TableStore store : tables) {
                        if (store.descriptor.durable()) {
                            copies.add(store.copyLiveRows(staging));
                            copied.add(store);
                        }
                    }
                } finally {
                    commitLock.unlock();
                }
                try (var writer = durability.beginSnapshot()) {
                    for (int i = 0; i < copied.size(); i++) {
                        TableStore store = copied.get(i);
                        MemorySegment rows = copies.get(i);
                        int entry = TableStore.HEADER + store.rowSize;
                        long count = rows.byteSize() / entry;
                        writer.beginTable(Catalog.qualifiedName(store.descriptor), store.descriptor.layoutHash(),
                                store.rowSize, count);
                        for (long r = 0; r < count; r++) {
                            long base = r * entry;
                            writer.row(rows.get(Layouts.I64, base), rows.get(Layouts.I64, base + 8), rows,
                                    base + TableStore.HEADER);
                        }
                        writer.endTable();
                    }
                    // Never ahead of the log: a commit whose log write fails must not survive in a snapshot.
                    log.durable(at).join();
                    writer.commit(at, catalog);
                }
            } finally {
                staging.close();
            }
            return at;
        }
    }

    /**
     * Checks once a second whether a snapshot is due. While the log is failed none is taken (it
     * could hold commits the log lost); a failed snapshot is logged and tried again when the next
     * one is due.
     */
    private void startSnapshotter(long everyCommits, long everySeconds) {
        long opened = lastSeq(); // read here: commits may start before the thread does
        snapshotter = Thread.ofPlatform().name("hetu-snapshotter").daemon().unstarted(() -> {
            long last = opened;
            long lastNanos = System.nanoTime();
            while (!closed) {
                try {
                    Thread.sleep(1000);
                    long now = lastSeq();
                    boolean byCount = everyCommits > 0 && now - last >= everyCommits;
                    boolean byTime = everySeconds > 0 && now > last
                            && System.nanoTime() - lastNanos >= TimeUnit.SECONDS.toNanos(everySeconds);
                    if ((byCount || byTime) && !durability.wal().failed()) {
                        last = now;
                        lastNanos = System.nanoTime();
                        snapshot();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    if (!closed) {
                        LOG.error("Background snapshot failed ({}); the log keeps every commit until one succeeds",
                                e.getMessage());
                    }
                }
            }
        });
        snapshotter.start();
    }

    @Override
    public List<TableDescriptor<?, ?>> tables() {
        return descriptors;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public long read(int table, long id, MemorySegment target, long targetOffset) {
        TableStore store = tables[table];
        StampedLock latch = store.latch;
        long stamp = latch.tryOptimisticRead();
        long version = copyRow(store, id, target, targetOffset);
        if (!latch.validate(stamp)) {
            stamp = latch.readLock();
            try {
                version = copyRow(store, id, target, targetOffset);
            } finally {
                latch.unlockRead(stamp);
            }
        }
        return version;
    }

    /** Copies a committed row (unless {@code target} is null) and returns its version, or 0. */
    private static long copyRow(TableStore store, long id, MemorySegment target, long targetOffset) {
        int slot = store.slotOf(id);
        if (slot < 0) {
            return 0;
        }
        long version = store.version(slot);
        if (target != null) {
            MemorySegment.copy(store.chunk(slot), store.rowOffset(slot), target, targetOffset, store.rowSize);
        }
        return version;
    }

    private static long currentVersion(TableStore store, long id) {
        int slot = store.slotOf(id);
        return slot < 0 ? 0 : store.version(slot);
    }

    @Override
    public long lookup(int table, int index, Key key) {
        UniqueIndex hash = uniqueIndex(table, index);
        TableStore store = tables[table];
        StampedLock latch = store.latch;
        long stamp = latch.tryOptimisticRead();
        long id = lookupId(store, hash, key);
        if (!latch.validate(stamp)) {
            stamp = latch.readLock();
            try {
                id = lookupId(store, hash, key);
            } finally {
                latch.unlockRead(stamp);
            }
        }
        return id;
    }

    private static long lookupId(TableStore store, UniqueIndex hash, Key key) {
        try {
            int slot = hash.find(key);
            return slot < 0 ? 0 : store.id(slot);
        } catch (IndexOutOfBoundsException e) {
            // A racing commit moved memory under an optimistic read; the caller retries under the latch.
            return 0;
        }
    }

    @Override
    public void scan(int table, int index, Key low, boolean lowInclusive, Key high, boolean highInclusive, int limit,
            boolean descending, RowVisitor visitor) {
        TableStore store = tables[table];
        long stamp = store.latch.readLock();
        try {
            ordered[table][index].scan(low, lowInclusive, high, highInclusive, limit, descending,
                    slot -> visitor.visit(store.id(slot), store.version(slot), store.chunk(slot),
                            store.rowOffset(slot)));
        } finally {
            store.latch.unlockRead(stamp);
        }
    }

    @Override
    public void scanTable(int table, RowVisitor visitor) {
        TableStore store = tables[table];
        long stamp = store.latch.readLock();
        try {
            scanTableUnlatched(store, visitor);
        } finally {
            store.latch.unlockRead(stamp);
        }
    }

    @Override
    public long reserveId(int table) {
        return tables[table].reserve();
    }

    @Override
    public void releaseId(int table, long id) {
        tables[table].release(id);
    }

    // ---------------------------------------------------------------- commit

    @Override
    public long commit(CommitRequest request) {
        long committed;
        commitLock.lock();
        try {
            ensureOpen();
            String conflict = staleRead(request, false);
            if (conflict != null) {
                throw new ConflictException(conflict);
            }
            checkUnique(request);
            committed = seq + 1;
            log.append(committed, LogPayload.encode(request, tables));
            epoch++;
            try {
                apply(request, committed);
            } finally {
                // Published after the apply, so lastSeq() never names a commit readers cannot see yet.
                seq = committed;
                epoch++;
            }
        } finally {
            commitLock.unlock();
        }
        // The log writer publishes commits as they become durable. It may have passed this one
        // before the apply above queued its changes: then publish here, or they would wait for the
        // next commit to become durable.
        long durableNow = log.durableSeq();
        if (durableNow >= committed) {
            publishUpTo(durableNow);
        }
        return committed;
    }

    @Override
    public boolean validateReadOnly(CommitRequest request) {
        for (int attempt = 0; attempt < 4; attempt++) {
            long before = epoch;
            if ((before & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            String conflict = staleRead(request, true);
            if (epoch == before) {
                return conflict == null;
            }
        }
        commitLock.lock();
        try {
            return staleRead(request, false) == null;
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> durable(long commitSeq) {
        return log.durable(commitSeq);
    }

    @Override
    public boolean isDurable(long commitSeq) {
        return commitSeq <= log.durableSeq();
    }

    @Override
    public long lastSeq() {
        return seq;
    }

    @Override
    public long readConsistent(Runnable reads) {
        commitLock.lock();
        try {
            ensureOpen();
            reads.run();
            return seq;
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    public void addChangeListener(ChangeListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeChangeListener(ChangeListener listener) {
        listeners.remove(listener);
    }

    /**
     * The first read of the request that is no longer current, described, or null. With
     * {@code latched}, reads take the tables' read latches (a read-only transaction validating
     * beside running commits); otherwise the caller holds the commit lock.
     */
    private String staleRead(CommitRequest request, boolean latched) {
        for (int i = 0; i < request.pointReadCount(); i++) {
            TableStore store = tables[request.pointReadTable(i)];
            long id = request.pointReadId(i);
            long current = latched ? read(request.pointReadTable(i), id, null, 0) : currentVersion(store, id);
            if (current != request.pointReadVersion(i)) {
                return store.descriptor.name() + " row " + id + " changed (version " + request.pointReadVersion(i)
                        + " was read, " + current + " is current)";
            }
        }
        for (int i = 0; i < request.lookupCount(); i++) {
            int table = request.lookupTable(i);
            TableStore store = tables[table];
            long current = latched ? lookup(table, request.lookupIndex(i), request.lookupKey(i))
                    : lookupId(store, uniqueIndex(table, request.lookupIndex(i)), request.lookupKey(i));
            if (current != request.lookupResult(i)) {
                return store.descriptor.name() + "." + columns[table][request.lookupIndex(i)].column.name()
                        + " = " + request.lookupKey(i) + " now names another row";
            }
        }
        for (int i = 0; i < request.scanCount(); i++) {
            ScanRead scan = request.scan(i);
            TableStore store = tables[scan.table()];
            int[] matched = {0};
            boolean[] same = {true};
            RowVisitor compare = (id, version, segment, rowOffset) -> {
                if (scan.filter() != null && !scan.filter().test(segment, rowOffset)) {
                    return true;
                }
                int n = matched[0]++;
                if (n >= scan.count() || scan.ids()[n] != id || scan.versions()[n] != version) {
                    same[0] = false;
                    return false;
                }
                return matched[0] < scan.limit();
            };
            if (scan.limit() > 0) {
                long stamp = latched ? store.latch.readLock() : 0;
                try {
                    if (scan.index() < 0) {
                        scanTableUnlatched(store, compare);
                    } else {
                        ordered[scan.table()][scan.index()].scan(scan.low(), scan.lowInclusive(), scan.high(),
                                scan.highInclusive(), Integer.MAX_VALUE, scan.descending(),
                                slot -> compare.visit(store.id(slot), store.version(slot), store.chunk(slot),
                                        store.rowOffset(slot)));
                    }
                } finally {
                    if (latched) {
                        store.latch.unlockRead(stamp);
                    }
                }
            }
            if (!same[0] || matched[0] != scan.count()) {
                return "the rows of a " + (scan.index() < 0 ? "scan of " + store.descriptor.name()
                        : "range over " + store.descriptor.name() + "." + columns[scan.table()][scan.index()].column.name())
                        + " changed";
            }
        }
        return null;
    }

    private static void scanTableUnlatched(TableStore store, RowVisitor visitor) {
        int end = store.highWater();
        for (int slot = 0; slot < end; slot++) {
            long version = store.version(slot);
            if (version != 0 && !visitor.visit(store.id(slot), version, store.chunk(slot), store.rowOffset(slot))) {
                return;
            }
        }
    }

    private void checkUnique(CommitRequest request) {
        int writes = request.writeCount();
        // Keys written by this transaction, per table and unique index, bucketed by their 64-bit key
        // (a string's prefix), so that checking them against each other stays linear.
        Map<Long, List<Integer>>[][] written = null;
        for (int i = 0; i < writes; i++) {
            ChangeKind kind = request.writeKind(i);
            if (kind == ChangeKind.DELETE) {
                continue;
            }
            int table = request.writeTable(i);
            UniqueIndex[] hashes = unique[table];
            for (int index = 0; index < hashes.length; index++) {
                if (hashes[index] == null) {
                    continue;
                }
                ColumnKeys keys = columns[table][index];
                MemorySegment row = request.writeSegment(i);
                long rowOffset = request.writeOffset(i);
                int slot = hashes[index].find(row, rowOffset);
                if (slot >= 0) {
                    long holder = tables[table].id(slot);
                    if (holder != request.writeId(i) && !movesAway(request, table, holder, keys, row, rowOffset)) {
                        throw duplicate(keys, request.writeId(i), holder);
                    }
                }
                if (writes <= SMALL_COMMIT) {
                    for (int j = 0; j < i; j++) {
                        if (request.writeTable(j) == table && request.writeKind(j) != ChangeKind.DELETE
                                && keys.compare(request.writeSegment(j), request.writeOffset(j), row, rowOffset) == 0) {
                            throw duplicate(keys, request.writeId(i), request.writeId(j));
                        }
                    }
                    continue;
                }
                if (written == null) {
                    @SuppressWarnings("unchecked")
                    Map<Long, List<Integer>>[][] fresh = new Map[tables.length][];
                    written = fresh;
                }
                if (written[table] == null) {
                    @SuppressWarnings("unchecked")
                    Map<Long, List<Integer>>[] perIndex = new Map[hashes.length];
                    written[table] = perIndex;
                }
                if (written[table][index] == null) {
                    written[table][index] = new HashMap<>();
                }
                List<Integer> bucket = written[table][index].computeIfAbsent(keys.bits(row, rowOffset),
                        k -> new ArrayList<>(1));
                for (int j : bucket) {
                    if (keys.compare(request.writeSegment(j), request.writeOffset(j), row, rowOffset) == 0) {
                        throw duplicate(keys, request.writeId(i), request.writeId(j));
                    }
                }
                bucket.add(i);
            }
        }
    }

    /** Whether the transaction deletes the row holding a key, or gives it another key. */
    private static boolean movesAway(CommitRequest request, int table, long holder, ColumnKeys keys, MemorySegment row,
            long rowOffset) {
        for (int j = 0; j < request.writeCount(); j++) {
            if (request.writeTable(j) == table && request.writeId(j) == holder) {
                return request.writeKind(j) == ChangeKind.DELETE
                        || keys.compare(request.writeSegment(j), request.writeOffset(j), row, rowOffset) != 0;
            }
        }
        return false;
    }

    private static UniqueViolationException duplicate(ColumnKeys keys, long writing, long holding) {
        return new UniqueViolationException(keys.table.descriptor.name() + "." + keys.column.name()
                + " is unique, but row " + writing + " would take the value row " + holding + " holds; "
                + "look the row up with getBy/upsert instead of inserting another");
    }

    private void apply(CommitRequest request, long commitSeq) {
        int writes = request.writeCount();
        boolean publish = !listeners.isEmpty();
        List<Change> changes = publish ? new ArrayList<>(writes) : null;
        long[] stamps = new long[tables.length];
        try {
            for (int i = 0; i < writes; i++) {
                int table = request.writeTable(i);
                TableStore store = tables[table];
                if (stamps[table] == 0) {
                    stamps[table] = store.latch.writeLock();
                }
                ChangeKind kind = request.writeKind(i);
                long id = request.writeId(i);
                int slot = (int) id;
                MemorySegment row = request.writeSegment(i);
                long rowOffset = request.writeOffset(i);
                MemorySegment before = publish && kind != ChangeKind.INSERT ? copy(store, slot) : null;
                switch (kind) {
                    case INSERT -> {
                        store.write(slot, commitSeq, row, rowOffset);
                        addToIndexes(table, slot);
                    }
                    case UPDATE -> {
                        boolean[] moved = movedKeys(table, slot, row, rowOffset);
                        for (int index = 0; index < moved.length; index++) {
                            if (moved[index]) {
                                removeFromIndex(table, index, slot);
                            }
                        }
                        store.write(slot, commitSeq, row, rowOffset);
                        for (int index = 0; index < moved.length; index++) {
                            if (moved[index]) {
                                addToIndex(table, index, slot);
                            }
                        }
                    }
                    case DELETE -> {
                        for (int index = 0; index < columns[table].length; index++) {
                            removeFromIndex(table, index, slot);
                        }
                        store.delete(slot);
                    }
                }
                if (publish) {
                    MemorySegment after = kind == ChangeKind.DELETE ? null : copy(store, slot);
                    changes.add(new Change(store.descriptor, table, kind, id, before, after));
                }
            }
        } finally {
            for (int table = 0; table < stamps.length; table++) {
                if (stamps[table] != 0) {
                    tables[table].latch.unlockWrite(stamps[table]);
                }
            }
        }
        if (publish) {
            unpublished.add(new ChangeSet(commitSeq, List.copyOf(changes), List.copyOf(request.attachments())));
        }
    }

    private boolean[] movedKeys(int table, int slot, MemorySegment row, long rowOffset) {
        ColumnKeys[] keys = columns[table];
        boolean[] moved = new boolean[keys.length];
        TableStore store = tables[table];
        for (int index = 0; index < keys.length; index++) {
            moved[index] = !keys[index].sameKey(store.chunk(slot), store.rowOffset(slot), row, rowOffset);
        }
        return moved;
    }

    private void addToIndexes(int table, int slot) {
        for (int index = 0; index < columns[table].length; index++) {
            addToIndex(table, index, slot);
        }
    }

    private void addToIndex(int table, int index, int slot) {
        if (unique[table][index] != null) {
            unique[table][index].add(slot);
        }
        ordered[table][index].add(slot);
    }

    private void removeFromIndex(int table, int index, int slot) {
        if (unique[table][index] != null) {
            unique[table][index].remove(slot);
        }
        ordered[table][index].remove(slot);
    }

    private static MemorySegment copy(TableStore store, int slot) {
        byte[] bytes = new byte[store.rowSize];
        MemorySegment.copy(store.chunk(slot), Layouts.I8, store.rowOffset(slot), bytes, 0, store.rowSize);
        return MemorySegment.ofArray(bytes).asReadOnly();
    }

    private void publishUpTo(long durableSeq) {
        publishing.lock();
        try {
            ChangeSet next;
            while ((next = unpublished.peek()) != null && next.seq() <= durableSeq) {
                unpublished.poll();
                for (ChangeListener listener : listeners) {
                    listener.onCommit(next);
                }
            }
        } finally {
            publishing.unlock();
        }
    }

    private UniqueIndex uniqueIndex(int table, int index) {
        UniqueIndex hash = unique[table][index];
        if (hash == null) {
            throw new IllegalArgumentException("index " + index + " of " + descriptors.get(table).name()
                    + " is not unique");
        }
        return hash;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the database is closed");
        }
    }

    /** Rows, bytes of row memory and bytes of index memory per table, for measurement. */
    public String memoryReport() {
        StringBuilder report = new StringBuilder();
        List<TableStats> stats = tableStats();
        for (int t = 0; t < tables.length; t++) {
            report.append(descriptors.get(t).name()).append(": rows=").append(stats.get(t).rows())
                    .append(" rowBytes=").append(stats.get(t).rowBytes())
                    .append(" indexBytes=").append(stats.get(t).indexBytes()).append('\n');
        }
        return report.toString();
    }

    @Override
    public List<TableStats> tableStats() {
        List<TableStats> stats = new ArrayList<>(tables.length);
        for (int t = 0; t < tables.length; t++) {
            long indexBytes = 0;
            for (int i = 0; i < columns[t].length; i++) {
                indexBytes += ordered[t][i].allocatedBytes();
                if (unique[t][i] != null) {
                    indexBytes += unique[t][i].allocatedBytes();
                }
            }
            stats.add(new TableStats(tables[t].liveRows(), tables[t].allocatedBytes(), indexBytes));
        }
        return stats;
    }

    /** Bytes of row and index memory allocated for all tables. */
    public long allocatedBytes() {
        long total = 0;
        for (int t = 0; t < tables.length; t++) {
            total += tables[t].allocatedBytes();
            for (int i = 0; i < columns[t].length; i++) {
                total += ordered[t][i].allocatedBytes();
                if (unique[t][i] != null) {
                    total += unique[t][i].allocatedBytes();
                }
            }
        }
        return total;
    }

    @Override
    public void close() {
        commitLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            commitLock.unlock();
        }
        if (snapshotter != null) {
            snapshotter.interrupt();
            try {
                snapshotter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            log.close();
        } finally {
            arena.close();
        }
    }
}
