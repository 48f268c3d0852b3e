package io.hetu.storage;

import io.hetu.annotations.Eviction;
import io.hetu.schema.Layouts;
import io.hetu.schema.ListDef;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowView;
import io.hetu.schema.SortColumn;
import java.lang.reflect.RecordComponent;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The rules of list tables in their simplest form, over plain Java lists of records: what tests of
 * the list operations check the engine against.
 */
final class ListOracle {

    private ListOracle() {}

    /** A row of a list: its values and its append sequence. */
    record Entry<R>(R record, long seq) {}

    /** What an append did. */
    record Appended(long seq, int replaced, int evicted, boolean evictedItself) {}

    /**
     * Appends as the engine must: the next seq of the list, rows equal in {@code distinct} (when not
     * null) removed first, the row placed in list order, then rows removed from the eviction end
     * while the list is over capacity.
     */
    static <R extends Record> Appended append(List<Entry<R>> list, ListDef def, R record, String distinct) {
        long seq = list.stream().mapToLong(Entry::seq).max().orElse(0) + 1;
        int before = list.size();
        if (distinct != null) {
            list.removeIf(e -> Objects.equals(value(e.record(), distinct), value(record, distinct)));
        }
        int replaced = before - list.size();
        Entry<R> added = new Entry<>(record, seq);
        list.add(added);
        list.sort(order(def));
        int evicted = 0;
        boolean itself = false;
        while (list.size() > def.capacity()) {
            Entry<R> victim = list.remove(def.eviction() == Eviction.FIRST ? 0 : list.size() - 1);
            itself |= victim == added;
            evicted++;
        }
        return new Appended(seq, replaced, evicted, itself);
    }

    /** The list order: the sort columns (none for a LIST), then the append sequence. */
    static <R extends Record> Comparator<Entry<R>> order(ListDef def) {
        Comparator<Entry<R>> order = (a, b) -> 0;
        for (SortColumn column : def.sort()) {
            Comparator<Entry<R>> byColumn = (a, b) -> compareValues(value(a.record(), column.field()),
                    value(b.record(), column.field()));
            order = order.thenComparing(column.descending() ? byColumn.reversed() : byColumn);
        }
        return order.thenComparingLong(Entry::seq);
    }

    /** A list as the engine holds it: records and seqs, in list order. */
    static <R extends Record, V extends RowView<R>> List<Entry<R>> read(Transaction tx, ListRef<R, V> ref, Object key) {
        long seqOffset = ref.table().layout().field(ListDef.SEQ).offset();
        return tx.list(ref, key).stream()
                .map(v -> new Entry<>(v.toRecord(), v.segment().get(Layouts.I64, v.offset() + seqOffset)))
                .toList();
    }

    static Object value(Record record, String field) {
        try {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                if (component.getName().equals(field)) {
                    return component.getAccessor().invoke(record);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no field " + field);
    }

    @SuppressWarnings("unchecked")
    private static int compareValues(Object a, Object b) {
        return ((Comparable<Object>) a).compareTo(b);
    }
}
