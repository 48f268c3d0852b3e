package io.hetu.storage;

import io.hetu.annotations.Eviction;
import io.hetu.annotations.TableKind;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.Filter;
import io.hetu.schema.IndexDef;
import io.hetu.schema.Key;
import io.hetu.schema.KeyRange;
import io.hetu.schema.Layouts;
import io.hetu.schema.ListDef;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowLayout;
import io.hetu.schema.RowView;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.IndexOrder;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The list operations of a transaction, built from its ordinary reads and writes: a list is the
 * range of one key in the component's composite list index, so appends, evictions and reads are
 * validated, logged, recovered and pushed to subscribers like any other rows, on every backend.
 *
 * <p>An append reads the whole list it joins (at most its capacity), so two transactions appending
 * to the same list conflict and one of them retries: capacity and append order hold under
 * concurrency. Appends to different lists do not conflict.
 */
final class ListOperations {

    private ListOperations() {}

    /** What an append needs to know of each row already in the list, in list order. */
    private static final class Scan {
        long[] ids = new long[16];
        /** Whether the row sorts after the appended one (only for a sorted list). */
        boolean[] after = new boolean[16];
        boolean[] duplicate = new boolean[16];
        int count;
        long maxSeq;

        void add(long id, boolean sortsAfter, boolean same) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
                after = Arrays.copyOf(after, count * 2);
                duplicate = Arrays.copyOf(duplicate, count * 2);
            }
            ids[count] = id;
            after[count] = sortsAfter;
            duplicate[count] = same;
            count++;
        }
    }

    static <R extends Record, V extends RowView<R>> V append(Transaction tx, ListRef<R, V> ref, R record,
            String distinctField) {
        TableDescriptor<R, V> table = ref.table();
        ListDef list = ref.list();
        FieldLayout distinct = distinctField == null ? null : distinctColumn(ref, distinctField);
        // The new row in scratch memory first: a value the row cannot hold fails before anything changes.
        int rowSize = table.layout().size();
        MemorySegment fresh = MemorySegment.ofArray(new byte[rowSize]);
        table.newRow().wrap(fresh, 0).set(record);
        FieldLayout keyColumn = table.layout().field(list.key());
        Key key = Key.ofRow(keyColumn, fresh, 0);
        IndexOrder sort = sortOrder(table, list);
        long seqOffset = table.layout().field(ListDef.SEQ).offset();

        Scan scan = new Scan();
        tx.forEach(ref.index(), KeyRange.equalTo(key), Integer.MAX_VALUE, false, row -> {
            MemorySegment segment = row.segment();
            long offset = row.offset();
            scan.maxSeq = Math.max(scan.maxSeq, segment.get(Layouts.I64, offset + seqOffset));
            boolean sortsAfter = sort != null && sort.compare(segment, offset, fresh, 0) > 0;
            boolean same = distinct != null && sameValue(table.layout(), distinct, segment, offset, fresh, 0);
            scan.add(tx.id(row), sortsAfter, same);
        });

        // The list after the append, as positions into the scan with -1 for the new row.
        List<Integer> order = new ArrayList<>(scan.count + 1);
        boolean placed = false;
        for (int i = 0; i < scan.count; i++) {
            if (scan.duplicate[i]) {
                tx.delete(table, scan.ids[i]);
                continue;
            }
            if (!placed && scan.after[i]) {
                order.add(-1);
                placed = true;
            }
            order.add(i);
        }
        if (!placed) {
            order.add(-1);
        }
        boolean evictedItself = false;
        int excess = order.size() - list.capacity();
        for (int n = 0; n < excess; n++) {
            int victim = list.eviction() == Eviction.FIRST ? order.get(n) : order.get(order.size() - 1 - n);
            if (victim < 0) {
                evictedItself = true;
            } else {
                tx.delete(table, scan.ids[victim]);
            }
        }
        if (evictedItself) {
            return null;
        }
        V row = tx.insertListRow(table);
        row.set(record);
        row.segment().set(Layouts.I64, row.offset() + seqOffset, scan.maxSeq + 1);
        return row;
    }

    /** Rows of one list that pass {@code filter} (null: all), in list order, skipping {@code from}, at most {@code count}. */
    static <R extends Record, V extends RowView<R>> List<V> read(Transaction tx, ListRef<R, V> ref, Object key,
            Filter filter, int from, int count) {
        if (from < 0 || count < 0) {
            throw new IllegalArgumentException("from and count must not be negative, were " + from + " and " + count);
        }
        int limit = (int) Math.min(Integer.MAX_VALUE, (long) from + count);
        List<V> rows = tx.range(ref.index(), KeyRange.equalTo(keyOf(ref, key)), filter, limit, false);
        return from == 0 ? rows : rows.subList(Math.min(from, rows.size()), rows.size());
    }

    /** The last {@code count} rows of one list, in list order. */
    static <R extends Record, V extends RowView<R>> List<V> tail(Transaction tx, ListRef<R, V> ref, Object key,
            int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        List<V> rows = new ArrayList<>(tx.range(ref.index(), KeyRange.equalTo(keyOf(ref, key)), count, true));
        Collections.reverse(rows);
        return rows;
    }

    static int size(Transaction tx, ListRef<?, ?> ref, Object key) {
        int[] size = {0};
        tx.forEach(ref.index(), KeyRange.equalTo(keyOf(ref, key)), Integer.MAX_VALUE, false, row -> size[0]++);
        return size[0];
    }

    /** Removes rows from the list's eviction end until at most {@code keep} remain; returns how many went. */
    static int trim(Transaction tx, ListRef<?, ?> ref, Object key, int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative, was " + keep);
        }
        List<Long> ids = new ArrayList<>();
        tx.forEach(ref.index(), KeyRange.equalTo(keyOf(ref, key)), Integer.MAX_VALUE, false,
                row -> ids.add(tx.id(row)));
        int excess = ids.size() - keep;
        if (excess <= 0) {
            return 0;
        }
        boolean fromFront = ref.list().eviction() == Eviction.FIRST;
        for (int n = 0; n < excess; n++) {
            tx.delete(ref.table(), ids.get(fromFront ? n : ids.size() - 1 - n));
        }
        return excess;
    }

    /** Refuses a row write that would bypass a list's capacity and append order. */
    static void requireGeneric(TableDescriptor<?, ?> table, String operation) {
        if (table.list() != null) {
            throw new IllegalArgumentException(table.name() + " is a " + table.kind() + ", so " + operation
                    + " cannot add its rows; use append(" + table.name() + "Table.LIST, ...), which keeps the "
                    + "list's order and capacity");
        }
    }

    private static Key keyOf(ListRef<?, ?> ref, Object key) {
        return Key.of(ref.table().layout().field(ref.list().key()), key);
    }

    /** The order of a sorted list's sort columns, without the sequence that breaks their ties; null for a LIST. */
    private static IndexOrder sortOrder(TableDescriptor<?, ?> table, ListDef list) {
        if (list.kind() != TableKind.SORTED_LIST) {
            return null;
        }
        return IndexOrder.of(table.layout(), new IndexDef(list.key(), false, list.sort()));
    }

    private static FieldLayout distinctColumn(ListRef<?, ?> ref, String field) {
        TableDescriptor<?, ?> table = ref.table();
        for (FieldLayout column : table.layout().fields()) {
            if (column.name().equals(field) && !field.equals(ListDef.SEQ)) {
                return column;
            }
        }
        throw new IllegalArgumentException(table.name() + " has no column '" + field + "' to tell rows apart; name "
                + "one of " + table.layout().fields().stream().map(FieldLayout::name)
                        .filter(name -> !name.equals(ListDef.SEQ)).toList());
    }

    /** Whether two rows store the same value in a column: the same bytes and the same presence. */
    private static boolean sameValue(RowLayout layout, FieldLayout column, MemorySegment a, long aRow,
            MemorySegment b, long bRow) {
        if (column.nullable()) {
            boolean aPresent = present(layout, column, a, aRow);
            if (aPresent != present(layout, column, b, bRow)) {
                return false;
            }
            if (!aPresent) {
                return true;
            }
        }
        long at = column.offset();
        return MemorySegment.mismatch(a, aRow + at, aRow + at + column.size(), b, bRow + at, bRow + at + column.size())
                < 0;
    }

    private static boolean present(RowLayout layout, FieldLayout column, MemorySegment row, long rowOffset) {
        int bit = column.nullBit();
        byte bits = row.get(Layouts.I8, rowOffset + layout.nullBitmapOffset() + bit / 8);
        return (bits & (1 << (bit % 8))) != 0;
    }
}
