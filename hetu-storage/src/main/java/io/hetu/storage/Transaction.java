package io.hetu.storage;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.Filter;
import io.hetu.schema.IndexRef;
import io.hetu.schema.Key;
import io.hetu.schema.KeyCodec;
import io.hetu.schema.KeyRange;
import io.hetu.schema.Layouts;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowKeys;
import io.hetu.schema.RowView;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.CommitRequest;
import io.hetu.storage.spi.IndexOrder;
import io.hetu.storage.spi.RowVisitor;
import io.hetu.storage.spi.ScanRead;
import io.hetu.system.ConflictException;
import io.hetu.system.Repository;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One serializable, optimistic transaction, and the repository API that server code uses.
 *
 * <p>Reads copy committed rows into transaction-local memory and record what they saw (the row
 * versions, the ids found by unique lookups, the rows an index scan returned). Writes change only
 * transaction-local copies. At commit the backend checks that every recorded read is still current
 * and applies all writes atomically; if a read changed, the commit fails with
 * {@link ConflictException} and the transaction can run again. Inside the transaction every read
 * sees its own writes.
 *
 * <p>Rows are returned as the component's generated flyweight. Views from {@code get},
 * {@code getBy} and {@code range} are read-only; change a row through {@code update},
 * {@code upsert} or {@code insert}, whose views are written back at commit. Views are valid until
 * the transaction ends.
 */
public final class Transaction implements Repository, CommitRequest {

    private static final int HEADER = 16;
    private static final int SLAB_BYTES = 64 * 1024;

    private final Database database;
    private final Backend backend;

    private final ArrayList<MemorySegment> slabs = new ArrayList<>();
    private final ArrayList<MemorySegment> readOnlySlabs = new ArrayList<>();
    private int slab = -1;
    private long slabUsed;
    private MemorySegment allocatedIn;
    private MemorySegment allocatedInReadOnly;

    private int pointCount;
    private int[] pointTable = new int[16];
    private long[] pointId = new long[16];
    private long[] pointVersion = new long[16];

    private int lookupCount;
    private int[] lookupTable = new int[4];
    private int[] lookupIndex = new int[4];
    private Key[] lookupKey = new Key[4];
    private long[] lookupResult = new long[4];

    private final ArrayList<ScanRead> scans = new ArrayList<>();

    /** Writes in the order made; a cancelled write (an insert deleted again) has a null kind. */
    private int writeSlots;
    private int[] writeTable = new int[16];
    private ChangeKind[] writeKind = new ChangeKind[16];
    private long[] writeId = new long[16];
    private MemorySegment[] writeSegment = new MemorySegment[16];
    private long[] writeOffset = new long[16];
    /** Open addressing from (table, id) to write position + 1. */
    private int[] writeIndex = new int[32];
    /** The positions of live writes, built at commit. */
    private int[] live = new int[16];
    private int liveCount;

    private boolean active;
    private final ArrayList<Object> attachments = new ArrayList<>();
    /** The reused view a zero-copy forEach is passing to its consumer, or null. */
    private RowView<?> visitingInPlace;
    /** The id and version of the row {@link #visitingInPlace} shows: backends need not keep them beside the row. */
    private long visitingId;
    private long visitingVersion;

    Transaction(Database database) {
        this.database = database;
        this.backend = database.backend();
    }

    void begin() {
        pointCount = 0;
        Arrays.fill(lookupKey, 0, lookupCount, null);
        lookupCount = 0;
        if (!scans.isEmpty()) {
            scans.clear();
        }
        if (writeSlots > 0) {
            Arrays.fill(writeSegment, 0, writeSlots, null);
            Arrays.fill(writeKind, 0, writeSlots, null);
            Arrays.fill(writeIndex, 0);
            writeSlots = 0;
        }
        liveCount = 0;
        if (!attachments.isEmpty()) {
            attachments.clear();
        }
        slab = -1;
        slabUsed = SLAB_BYTES;
        active = true;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public <R extends Record, V extends RowView<R>> V get(TableDescriptor<R, V> table, long id) {
        checkActive();
        int number = database.tableNumber(table);
        int write = findWrite(number, id);
        if (write >= 0) {
            return writeKind[write] == ChangeKind.DELETE ? null : readOnlyView(table, write);
        }
        long rowOffset = readCommitted(number, id, table.layout().size());
        return rowOffset < 0 ? null : wrap(table, allocatedInReadOnly, rowOffset);
    }

    /**
     * Reads the committed row {@code id} into the slab, with its header, and records the read: its
     * offset in {@code allocatedIn}, or -1 when there is no such row.
     */
    private long readCommitted(int number, long id, int rowSize) {
        long rowOffset = allocate(rowSize);
        long version = backend.read(number, id, allocatedIn, rowOffset);
        recordPoint(number, id, version);
        if (version == 0) {
            return -1;
        }
        writeHeader(allocatedIn, rowOffset, id, version);
        return rowOffset;
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, long key) {
        return getBy(index, Key.ofLong(index.column(), key));
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, double key) {
        return getBy(index, Key.ofDouble(index.column(), key));
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, String key) {
        return getBy(index, Key.ofString(index.column(), key));
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, Object key) {
        return getBy(index, Key.of(index.column(), key));
    }

    @Override
    public long id(RowView<?> view) {
        checkOwn(view);
        if (view == visitingInPlace) {
            return visitingId;
        }
        return view.segment().get(Layouts.I64, view.offset() - HEADER);
    }

    @Override
    public long version(RowView<?> view) {
        checkOwn(view);
        if (view == visitingInPlace) {
            return visitingVersion;
        }
        return view.segment().get(Layouts.I64, view.offset() - HEADER + 8);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> range(IndexRef<R, V> index, KeyRange range, int limit,
            boolean descending) {
        return range(index, range, null, limit, descending);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> range(IndexRef<R, V> index, KeyRange range, Filter filter,
            int limit, boolean descending) {
        List<V> rows = new ArrayList<>();
        visit(index.table(), index, range, filter, limit, descending, rows::add, true);
        return rows;
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> scan(TableDescriptor<R, V> table, Filter filter,
            int limit) {
        List<V> rows = new ArrayList<>();
        visit(table, null, KeyRange.all(), filter, limit, false, rows::add, true);
        return rows;
    }

    @Override
    public <R extends Record, V extends RowView<R>> void forEach(IndexRef<R, V> index, KeyRange range, int limit,
            boolean descending, Consumer<? super V> consumer) {
        visit(index.table(), index, range, null, limit, descending, consumer, false);
    }

    @Override
    public <R extends Record, V extends RowView<R>> void forEach(IndexRef<R, V> index, KeyRange range, Filter filter,
            int limit, boolean descending, Consumer<? super V> consumer) {
        visit(index.table(), index, range, filter, limit, descending, consumer, false);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table) {
        ListOperations.requireGeneric(table, "insert");
        return insertListRow(table);
    }

    /** A new, zeroed row of any table, without the check that keeps lists to {@link #append}. */
    <R extends Record, V extends RowView<R>> V insertListRow(TableDescriptor<R, V> table) {
        checkActive();
        int number = database.tableNumber(table);
        long id = backend.reserveId(number);
        long rowOffset = allocateZeroed(table.layout().size());
        writeHeader(allocatedIn, rowOffset, id, 0);
        addWrite(number, ChangeKind.INSERT, id, allocatedIn, rowOffset);
        return wrap(table, allocatedIn, rowOffset);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table, R record) {
        V row = insert(table);
        try {
            row.set(record);
        } catch (RuntimeException e) {
            delete(table, id(row));
            throw e;
        }
        return row;
    }

    @Override
    public <R extends Record, V extends RowView<R>> long[] insertAll(TableDescriptor<R, V> table,
            List<? extends R> records) {
        long[] ids = new long[records.size()];
        int done = 0;
        try {
            for (R record : records) {
                ids[done++] = id(insert(table, record));
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < done - 1; i++) {
                delete(table, ids[i]);
            }
            throw e;
        }
        return ids;
    }

    @Override
    public <R extends Record, V extends RowView<R>> V update(TableDescriptor<R, V> table, long id) {
        checkActive();
        int number = database.tableNumber(table);
        int write = findWrite(number, id);
        if (write >= 0) {
            return writeKind[write] == ChangeKind.DELETE ? null : wrap(table, writeSegment[write], writeOffset[write]);
        }
        long rowOffset = readCommitted(number, id, table.layout().size());
        if (rowOffset < 0) {
            return null;
        }
        addWrite(number, ChangeKind.UPDATE, id, allocatedIn, rowOffset);
        return wrap(table, allocatedIn, rowOffset);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, long key) {
        return upsert(index, Key.ofLong(index.column(), key));
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, double key) {
        return upsert(index, Key.ofDouble(index.column(), key));
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, String key) {
        return upsert(index, Key.ofString(index.column(), key));
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, Object key) {
        return upsert(index, Key.of(index.column(), key));
    }

    @Override
    public boolean delete(TableDescriptor<?, ?> table, long id) {
        checkActive();
        int number = database.tableNumber(table);
        int write = findWrite(number, id);
        if (write >= 0) {
            ChangeKind kind = writeKind[write];
            if (kind == ChangeKind.DELETE) {
                return false;
            }
            if (kind == ChangeKind.INSERT) {
                writeKind[write] = null;
                backend.releaseId(number, id);
            } else {
                writeKind[write] = ChangeKind.DELETE;
            }
            return true;
        }
        long rowOffset = allocate(table.layout().size());
        long version = backend.read(number, id, allocatedIn, rowOffset);
        recordPoint(number, id, version);
        if (version == 0) {
            return false;
        }
        addWrite(number, ChangeKind.DELETE, id, allocatedIn, rowOffset);
        return true;
    }

    // ---------------------------------------------------------------- lists

    @Override
    public <R extends Record, V extends RowView<R>> V append(ListRef<R, V> list, R record) {
        return ListOperations.append(this, list, record, null);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V appendDistinct(ListRef<R, V> list, R record,
            String distinctField) {
        if (distinctField == null) {
            throw new IllegalArgumentException("name the column that tells rows apart, or use append(...)");
        }
        return ListOperations.append(this, list, record, distinctField);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key) {
        return ListOperations.read(this, list, key, null, 0, Integer.MAX_VALUE);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key, int from,
            int count) {
        return ListOperations.read(this, list, key, null, from, count);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key, Filter filter,
            int limit) {
        return ListOperations.read(this, list, key, filter, 0, limit);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> head(ListRef<R, V> list, Object key, int count) {
        return ListOperations.read(this, list, key, null, 0, count);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> tail(ListRef<R, V> list, Object key, int count) {
        return ListOperations.tail(this, list, key, count);
    }

    @Override
    public int size(ListRef<?, ?> list, Object key) {
        return ListOperations.size(this, list, key);
    }

    @Override
    public int trim(ListRef<?, ?> list, Object key, int keep) {
        return ListOperations.trim(this, list, key, keep);
    }

    /** Whether the transaction has written anything so far; a row inserted and deleted again does not count. */
    public boolean hasWrites() {
        for (int i = 0; i < writeSlots; i++) {
            if (writeKind[i] != null) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- commit

    /** Validates and applies; returns the commit seq, or 0 for a read-only transaction. */
    long commit() {
        checkActive();
        active = false;
        liveCount = 0;
        for (int i = 0; i < writeSlots; i++) {
            if (writeKind[i] != null) {
                if (liveCount == live.length) {
                    live = Arrays.copyOf(live, live.length * 2);
                }
                live[liveCount++] = i;
            }
        }
        if (liveCount == 0 && attachments.isEmpty()) {
            boolean trivial = scans.isEmpty() && pointCount + lookupCount <= 1;
            if (!trivial && !backend.validateReadOnly(this)) {
                throw new ConflictException("a row this read-only transaction read changed before it finished");
            }
            return 0;
        }
        return backend.commit(this);
    }

    /** Gives back the ids of rows inserted by a transaction that did not commit. */
    void abort() {
        active = false;
        for (int i = 0; i < writeSlots; i++) {
            if (writeKind[i] == ChangeKind.INSERT) {
                backend.releaseId(writeTable[i], writeId[i]);
            }
        }
    }

    /**
     * Publishes {@code attachment} to change listeners together with this transaction's changes,
     * at its commit's seq. A transaction with an attachment commits (takes a seq) even if it wrote
     * nothing; a transaction that does not commit publishes nothing.
     */
    public void attach(Object attachment) {
        checkActive();
        attachments.add(attachment);
    }

    @Override
    public List<Object> attachments() {
        return attachments;
    }

    @Override
    public int pointReadCount() {
        return pointCount;
    }

    @Override
    public int pointReadTable(int i) {
        return pointTable[i];
    }

    @Override
    public long pointReadId(int i) {
        return pointId[i];
    }

    @Override
    public long pointReadVersion(int i) {
        return pointVersion[i];
    }

    @Override
    public int lookupCount() {
        return lookupCount;
    }

    @Override
    public int lookupTable(int i) {
        return lookupTable[i];
    }

    @Override
    public int lookupIndex(int i) {
        return lookupIndex[i];
    }

    @Override
    public Key lookupKey(int i) {
        return lookupKey[i];
    }

    @Override
    public long lookupResult(int i) {
        return lookupResult[i];
    }

    @Override
    public int scanCount() {
        return scans.size();
    }

    @Override
    public ScanRead scan(int i) {
        return scans.get(i);
    }

    @Override
    public int writeCount() {
        return liveCount;
    }

    @Override
    public int writeTable(int i) {
        return writeTable[live[i]];
    }

    @Override
    public ChangeKind writeKind(int i) {
        return writeKind[live[i]];
    }

    @Override
    public long writeId(int i) {
        return writeId[live[i]];
    }

    @Override
    public MemorySegment writeSegment(int i) {
        return writeSegment[live[i]];
    }

    @Override
    public long writeOffset(int i) {
        return writeOffset[live[i]];
    }

    // ---------------------------------------------------------------- internals

    private <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, Key key) {
        checkActive();
        requireUnique(index);
        TableDescriptor<R, V> table = index.table();
        int number = database.tableNumber(table);
        FieldLayout column = index.column();
        for (int i = 0; i < writeSlots; i++) {
            ChangeKind kind = writeKind[i];
            if (writeTable[i] == number && (kind == ChangeKind.INSERT || kind == ChangeKind.UPDATE)
                    && RowKeys.compare(column, writeSegment[i], writeOffset[i], key) == 0) {
                return readOnlyView(table, i);
            }
        }
        long id = backend.lookup(number, index.position(), key);
        recordLookup(number, index.position(), key, id);
        if (id == 0 || findWrite(number, id) >= 0) {
            // A row this transaction changed was checked against its new key above.
            return null;
        }
        return get(table, id);
    }

    private <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, Key key) {
        V existing = getBy(index, key);
        if (existing != null) {
            return update(index.table(), id(existing));
        }
        V row = insert(index.table());
        try {
            RowKeys.writeKey(index.column(), row.segment(), row.offset(), key);
        } catch (RuntimeException e) {
            // A key the column cannot hold: take back the row, or it would commit without its key.
            delete(index.table(), id(row));
            throw e;
        }
        return row;
    }

    /** Reads an index range, or the whole table when {@code index} is null, with the transaction's own writes merged in. */
    private <R extends Record, V extends RowView<R>> void visit(TableDescriptor<R, V> table, IndexRef<R, V> index,
            KeyRange range, Filter filter, int limit, boolean descending, Consumer<? super V> consumer, boolean copy) {
        checkActive();
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        int number = database.tableNumber(table);
        FieldLayout column = index == null ? null : index.column();
        Filter.Bound bound = filter == null ? null : filter.bind(table.layout());
        Key low = column == null ? null : range.low(column);
        Key high = column == null ? null : range.high(column);
        int ownWrites = 0;
        for (int i = 0; i < writeSlots; i++) {
            if (writeTable[i] == number && writeKind[i] != null) {
                ownWrites++;
            }
        }
        // Fetch enough committed rows that the window stays full after this transaction's own
        // changes remove some of them.
        int fetch = limit > Integer.MAX_VALUE - ownWrites ? Integer.MAX_VALUE : limit + ownWrites;
        int rowSize = table.layout().size();
        long[][] seen = {new long[8], new long[8]};
        int[] seenCount = {0};
        List<long[]> copies = ownWrites > 0 || copy ? new ArrayList<>() : null;
        V reused = ownWrites > 0 || copy ? null : table.newRow();
        RowVisitor visitor = (id, version, segment, rowOffset) -> {
            if (bound != null && !bound.test(segment, rowOffset)) {
                return true;
            }
            int n = seenCount[0]++;
            if (n == seen[0].length) {
                seen[0] = Arrays.copyOf(seen[0], n * 2);
                seen[1] = Arrays.copyOf(seen[1], n * 2);
            }
            seen[0][n] = id;
            seen[1][n] = version;
            if (copies == null) {
                if (n < limit) {
                    reused.wrap(segment, rowOffset);
                    visitingInPlace = reused;
                    visitingId = id;
                    visitingVersion = version;
                    try {
                        consumer.accept(reused);
                    } finally {
                        visitingInPlace = null;
                    }
                }
            } else if (findWrite(number, id) < 0) {
                long at = allocate(rowSize);
                MemorySegment.copy(segment, rowOffset, allocatedIn, at, rowSize);
                writeHeader(allocatedIn, at, id, version);
                copies.add(new long[] {slab, at});
            }
            return seenCount[0] < fetch;
        };
        if (fetch > 0) {
            if (index == null) {
                backend.scanTable(number, visitor);
            } else {
                backend.scan(number, index.position(), low, range.lowInclusive(), high, range.highInclusive(),
                        bound == null ? fetch : Integer.MAX_VALUE, descending, visitor);
            }
        }
        scans.add(new ScanRead(number, index == null ? -1 : index.position(), bound, low, range.lowInclusive(), high,
                range.highInclusive(), fetch, descending, seen[0], seen[1], seenCount[0]));
        if (copies == null) {
            return;
        }
        for (int i = 0; i < writeSlots; i++) {
            ChangeKind kind = writeKind[i];
            if (writeTable[i] == number && (kind == ChangeKind.INSERT || kind == ChangeKind.UPDATE)
                    && (column == null || range.contains(column, writeSegment[i], writeOffset[i], low, high))
                    && (bound == null || bound.test(writeSegment[i], writeOffset[i]))) {
                copies.add(new long[] {-1 - i, 0});
            }
        }
        List<V> rows = new ArrayList<>(copies.size());
        for (long[] copyAt : copies) {
            rows.add(copyAt[0] >= 0
                    ? wrap(table, readOnlySlabs.get((int) copyAt[0]), copyAt[1])
                    : readOnlyView(table, (int) (-1 - copyAt[0])));
        }
        if (column != null) {
            IndexOrder then = IndexOrder.of(table.layout(), table.indexes().get(index.position()));
            rows.sort((a, b) -> {
                int order = RowKeys.compare(column, a.segment(), a.offset(), b.segment(), b.offset());
                if (order == 0) {
                    order = then.compare(a.segment(), a.offset(), b.segment(), b.offset());
                }
                if (order == 0) {
                    order = Long.compare(id(a), id(b));
                }
                return descending ? -order : order;
            });
        }
        for (int i = 0; i < rows.size() && i < limit; i++) {
            consumer.accept(rows.get(i));
        }
    }

    private static void requireUnique(IndexRef<?, ?> index) {
        if (!index.unique()) {
            throw new IllegalArgumentException(index + " is not unique, so it cannot find one row; use range(...)");
        }
    }

    private <R extends Record, V extends RowView<R>> V readOnlyView(TableDescriptor<R, V> table, int write) {
        MemorySegment segment = writeSegment[write];
        int index = slabs.indexOf(segment);
        return wrap(table, index >= 0 ? readOnlySlabs.get(index) : segment.asReadOnly(), writeOffset[write]);
    }

    private static <R extends Record, V extends RowView<R>> V wrap(TableDescriptor<R, V> table, MemorySegment segment,
            long offset) {
        V view = table.newRow();
        view.wrap(segment, offset);
        return view;
    }

    private void checkOwn(RowView<?> view) {
        MemorySegment segment = view.segment();
        if (view == visitingInPlace) {
            // A forEach view over the backend's memory: its id and version are kept aside.
            return;
        }
        if (segment == null || (!slabs.contains(segment) && !readOnlySlabs.contains(segment))) {
            throw new IllegalArgumentException("this row view was not returned by this transaction");
        }
    }

    private void checkActive() {
        if (!active) {
            throw new IllegalStateException("this transaction has ended; rows and views from it are no longer valid");
        }
    }

    /** Reserves header and row space in the slab; returns the row's offset in {@link #allocatedIn}. */
    private long allocate(int rowSize) {
        long need = (HEADER + rowSize + 7) & ~7L;
        if (slab < 0 || slabUsed + need > slabs.get(slab).byteSize()) {
            slab++;
            if (slab == slabs.size() || slabs.get(slab).byteSize() < need) {
                MemorySegment fresh = MemorySegment.ofArray(new byte[(int) Math.max(SLAB_BYTES, need)]);
                if (slab == slabs.size()) {
                    slabs.add(fresh);
                    readOnlySlabs.add(fresh.asReadOnly());
                } else {
                    slabs.set(slab, fresh);
                    readOnlySlabs.set(slab, fresh.asReadOnly());
                }
            }
            slabUsed = 0;
        }
        allocatedIn = slabs.get(slab);
        allocatedInReadOnly = readOnlySlabs.get(slab);
        long at = slabUsed;
        slabUsed += need;
        return at + HEADER;
    }

    /** {@link #allocate} for a row that starts empty: zeroed, where a read overwrites it all anyway. */
    private long allocateZeroed(int rowSize) {
        long rowOffset = allocate(rowSize);
        allocatedIn.asSlice(rowOffset, rowSize).fill((byte) 0);
        return rowOffset;
    }

    private static void writeHeader(MemorySegment segment, long rowOffset, long id, long version) {
        segment.set(Layouts.I64, rowOffset - HEADER, id);
        segment.set(Layouts.I64, rowOffset - HEADER + 8, version);
    }

    private void recordPoint(int table, long id, long version) {
        if (pointCount == pointTable.length) {
            pointTable = Arrays.copyOf(pointTable, pointCount * 2);
            pointId = Arrays.copyOf(pointId, pointCount * 2);
            pointVersion = Arrays.copyOf(pointVersion, pointCount * 2);
        }
        pointTable[pointCount] = table;
        pointId[pointCount] = id;
        pointVersion[pointCount] = version;
        pointCount++;
    }

    private void recordLookup(int table, int index, Key key, long id) {
        if (lookupCount == lookupTable.length) {
            lookupTable = Arrays.copyOf(lookupTable, lookupCount * 2);
            lookupIndex = Arrays.copyOf(lookupIndex, lookupCount * 2);
            lookupKey = Arrays.copyOf(lookupKey, lookupCount * 2);
            lookupResult = Arrays.copyOf(lookupResult, lookupCount * 2);
        }
        lookupTable[lookupCount] = table;
        lookupIndex[lookupCount] = index;
        lookupKey[lookupCount] = key;
        lookupResult[lookupCount] = id;
        lookupCount++;
    }

    private void addWrite(int table, ChangeKind kind, long id, MemorySegment segment, long offset) {
        if (writeSlots == writeTable.length) {
            int size = writeSlots * 2;
            writeTable = Arrays.copyOf(writeTable, size);
            writeKind = Arrays.copyOf(writeKind, size);
            writeId = Arrays.copyOf(writeId, size);
            writeSegment = Arrays.copyOf(writeSegment, size);
            writeOffset = Arrays.copyOf(writeOffset, size);
        }
        int position = writeSlots++;
        writeTable[position] = table;
        writeKind[position] = kind;
        writeId[position] = id;
        writeSegment[position] = segment;
        writeOffset[position] = offset;
        if (writeSlots * 2 > writeIndex.length) {
            writeIndex = new int[writeIndex.length * 2];
            for (int i = 0; i < writeSlots; i++) {
                indexWrite(i);
            }
        } else {
            indexWrite(position);
        }
    }

    private void indexWrite(int position) {
        int mask = writeIndex.length - 1;
        int at = slotFor(writeTable[position], writeId[position]) & mask;
        while (writeIndex[at] != 0) {
            at = (at + 1) & mask;
        }
        writeIndex[at] = position + 1;
    }

    /** The position of this transaction's write to a row, or -1. Cancelled writes count. */
    private int findWrite(int table, long id) {
        if (writeSlots == 0) {
            return -1;
        }
        int mask = writeIndex.length - 1;
        int at = slotFor(table, id) & mask;
        while (writeIndex[at] != 0) {
            int position = writeIndex[at] - 1;
            if (writeId[position] == id && writeTable[position] == table) {
                return writeKind[position] == null ? -1 : position;
            }
            at = (at + 1) & mask;
        }
        return -1;
    }

    private static int slotFor(int table, long id) {
        return KeyCodec.hash(id * 31 + table);
    }
}
