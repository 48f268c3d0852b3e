package io.hetu.server.subscription;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.Key;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.IndexOrder;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A query over an index range, ordered by key then id (both reversed when descending), at most
 * {@code limit} rows; also a select by unique key (the range of one key, limit 1).
 *
 * <p>Besides the window it sends, it keeps up to {@link #RESERVE} of the rows that come next (ids,
 * keys and versions; no row bytes), so that when a row leaves a full window the next one can
 * usually move in without reading storage. The reserve is kept exact by the same changes that
 * move the window; once it runs out while rows beyond it may exist, the window is re-read.
 */
final class RangeSubscription extends Subscription {

    /** The most rows kept in reserve beyond a window. */
    static final int RESERVE = 32;

    private static final class Entry {
        final SortKey key;
        final long id;
        long version;
        boolean inWindow;

        Entry(SortKey key, long id, long version) {
            this.key = key;
            this.id = id;
            this.version = version;
        }
    }

    private static final Comparator<Entry> ASCENDING =
            Comparator.<Entry, SortKey>comparing(e -> e.key).thenComparingLong(e -> e.id);

    final int index;
    final FieldLayout column;
    /** The further columns of a composite index, which order the rows of one leading value. */
    private final IndexOrder then;
    private final KeyBounds bounds;
    private final Key low;
    private final Key high;
    final int limit;
    final boolean descending;
    private final int reserveSize;
    private final long serial;
    private final Comparator<Entry> order;

    private final TreeSet<Entry> window;
    private final TreeSet<Entry> reserve;
    private final LongMap<Entry> byId = new LongMap<>();
    /** Whether no matching row lies beyond the window and its reserve. */
    private boolean exhaustive;

    RangeSubscription(SubscriberState owner, int id, int requestId, int table, TableDescriptor<?, ?> descriptor,
            ReadFilter filter, int index, FieldLayout column, Key low, boolean lowInclusive, Key high,
            boolean highInclusive, int limit, boolean descending, long serial) {
        super(owner, id, requestId, table, descriptor, filter);
        this.index = index;
        this.column = column;
        this.then = IndexOrder.of(descriptor.layout(), descriptor.indexes().get(index));
        this.low = low;
        this.high = high;
        this.bounds = new KeyBounds(low == null ? null : SortKey.of(low), lowInclusive,
                high == null ? null : SortKey.of(high), highInclusive);
        this.limit = limit;
        this.descending = descending;
        this.reserveSize = Math.min(limit, RESERVE);
        this.serial = serial;
        this.order = descending ? ASCENDING.reversed() : ASCENDING;
        this.window = new TreeSet<>(order);
        this.reserve = new TreeSet<>(order);
    }

    KeyBounds bounds() {
        return bounds;
    }

    long serial() {
        return serial;
    }

    @Override
    boolean holds(long rowId) {
        Entry entry = byId.get(rowId);
        return entry != null && entry.inWindow;
    }

    @Override
    long heldVersion(long rowId) {
        return byId.get(rowId).version;
    }

    @Override
    int rows() {
        return window.size();
    }

    @Override
    Iterable<Long> heldIds() {
        List<Long> ids = new ArrayList<>(window.size());
        for (Entry entry : window) {
            ids.add(entry.id);
        }
        return ids;
    }

    @Override
    void apply(Change change, long seq) {
        long rowId = change.id();
        touch(rowId);
        Entry old = byId.get(rowId);
        MemorySegment after = change.after();
        SortKey key = after == null ? null : SortKey.of(column, then, after, 0);
        if (old != null && key != null && key.equals(old.key) && filter.test(after, 0)) {
            // The common move: the row changes but keeps its place in the order (and stays readable).
            old.version = seq;
            changed(rowId, after);
            return;
        }
        if (old != null) {
            remove(old);
        }
        if (key != null && bounds.contains(key) && filter.test(after, 0)) {
            place(new Entry(key, rowId, seq));
        }
        changed(rowId, after);
    }

    private void remove(Entry entry) {
        byId.remove(entry.id);
        if (!entry.inWindow) {
            reserve.remove(entry);
            return;
        }
        window.remove(entry);
        if (!reserve.isEmpty()) {
            Entry next = reserve.pollFirst();
            touch(next.id);
            next.inWindow = true;
            window.add(next);
        }
    }

    /** Adds a matching row where it sorts, if that is within what is known; drops it otherwise. */
    private void place(Entry entry) {
        if (window.size() < limit) {
            // The reserve is empty. Rows past the window are unknown unless the range is exhausted.
            if (exhaustive || (!window.isEmpty() && order.compare(entry, window.last()) < 0)) {
                addToWindow(entry);
            }
            return;
        }
        if (order.compare(entry, window.last()) < 0) {
            addToWindow(entry);
            Entry pushed = window.pollLast();
            touch(pushed.id);
            pushed.inWindow = false;
            reserve.add(pushed);
        } else if (exhaustive || (!reserve.isEmpty() && order.compare(entry, reserve.last()) < 0)) {
            byId.put(entry.id, entry);
            reserve.add(entry);
        } else {
            return;
        }
        if (reserve.size() > reserveSize) {
            byId.remove(reserve.pollLast().id);
            exhaustive = false;
        }
    }

    private void addToWindow(Entry entry) {
        entry.inWindow = true;
        byId.put(entry.id, entry);
        window.add(entry);
    }

    @Override
    boolean complete() {
        return exhaustive || window.size() >= limit;
    }

    @Override
    void evict(long rowId) {
        Entry entry = byId.remove(rowId);
        window.remove(entry);
        exhaustive = false;
    }

    @Override
    Reading read(Backend backend) {
        List<ReadRow> rows = new ArrayList<>();
        long wanted = (long) limit + reserveSize;
        if (filter.none() || wanted == 0) {
            return new Reading(rows, 0, true);
        }
        backend.scan(table, index, low, bounds.lowInclusive(), high, bounds.highInclusive(), Integer.MAX_VALUE,
                descending, (rowId, version, segment, rowOffset) -> {
                    if (!filter.test(segment, rowOffset)) {
                        return true;
                    }
                    byte[] bytes = rows.size() < limit && needsBytes(rowId, version)
                            ? copyRow(segment, rowOffset, rowSize) : null;
                    rows.add(new ReadRow(rowId, version, SortKey.of(column, then, segment, rowOffset), bytes));
                    return rows.size() < wanted;
                });
        return new Reading(rows, (int) Math.min(rows.size(), limit), rows.size() < wanted);
    }

    @Override
    void adopt(Reading reading) {
        window.clear();
        reserve.clear();
        byId.clear();
        List<ReadRow> rows = reading.rows();
        for (int i = 0; i < rows.size(); i++) {
            ReadRow row = rows.get(i);
            Entry entry = new Entry(row.key(), row.id(), row.version());
            byId.put(entry.id, entry);
            if (i < reading.resultCount()) {
                entry.inWindow = true;
                window.add(entry);
            } else {
                reserve.add(entry);
            }
        }
        exhaustive = reading.exhaustive();
    }
}
