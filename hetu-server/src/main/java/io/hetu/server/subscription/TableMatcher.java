package io.hetu.server.subscription;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.Change;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds the subscriptions of one table that a change may concern, without looking at the others:
 * selects by id in a map by id; per index, selects by unique key and single-key queries in a map by
 * key, and other ranges in an {@link RangeTree}. A change is looked up by its id and by its old and
 * new key on every index that has subscriptions.
 */
final class TableMatcher {

    private static final class IndexMatcher {
        final FieldLayout column;
        final Map<SortKey, List<RangeSubscription>> points = new HashMap<>();
        final RangeTree ranges = new RangeTree();
        int count;

        IndexMatcher(FieldLayout column) {
            this.column = column;
        }

        void candidates(SortKey key, Consumer<? super Subscription> out) {
            List<RangeSubscription> exact = points.get(key);
            if (exact != null) {
                exact.forEach(out);
            }
            if (ranges.size() > 0) {
                ranges.containing(key, out::accept);
            }
        }
    }

    private final Map<Long, List<SelectById>> byId = new HashMap<>();
    private final IndexMatcher[] indexes;
    private int count;

    TableMatcher(TableDescriptor<?, ?> table) {
        indexes = new IndexMatcher[table.indexes().size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = new IndexMatcher(table.layout().field(table.indexes().get(i).field()));
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    void add(Subscription subscription) {
        switch (subscription) {
            case SelectById select -> byId.computeIfAbsent(select.rowId, id -> new ArrayList<>(1)).add(select);
            case RangeSubscription range -> {
                IndexMatcher index = indexes[range.index];
                if (range.bounds().isPoint()) {
                    index.points.computeIfAbsent(range.bounds().low(), k -> new ArrayList<>(1)).add(range);
                } else {
                    index.ranges.add(range);
                }
                index.count++;
            }
        }
        count++;
    }

    void remove(Subscription subscription) {
        switch (subscription) {
            case SelectById select -> removeFrom(byId, select.rowId, select);
            case RangeSubscription range -> {
                IndexMatcher index = indexes[range.index];
                if (range.bounds().isPoint()) {
                    removeFrom(index.points, range.bounds().low(), range);
                } else {
                    index.ranges.remove(range);
                }
                index.count--;
            }
        }
        count--;
    }

    private static <K, V> void removeFrom(Map<K, List<V>> map, K key, V value) {
        List<V> list = map.get(key);
        list.remove(value);
        if (list.isEmpty()) {
            map.remove(key);
        }
    }

    /**
     * Passes every subscription the change may concern to {@code out}; one that matches both the old
     * and the new key is passed twice.
     */
    void candidates(Change change, Consumer<? super Subscription> out) {
        List<SelectById> selects = byId.get(change.id());
        if (selects != null) {
            selects.forEach(out);
        }
        for (IndexMatcher index : indexes) {
            if (index.count == 0) {
                continue;
            }
            SortKey before = key(index.column, change.before());
            SortKey after = key(index.column, change.after());
            if (before != null) {
                index.candidates(before, out);
            }
            if (after != null && !after.equals(before)) {
                index.candidates(after, out);
            }
        }
    }

    /** The work range lookups have done so far, in tree nodes visited. */
    long nodesVisited() {
        long visited = 0;
        for (IndexMatcher index : indexes) {
            visited += index.ranges.nodesVisited();
        }
        return visited;
    }

    private static SortKey key(FieldLayout column, MemorySegment row) {
        return row == null ? null : SortKey.of(column, row, 0);
    }
}
