package io.hetu.system;

import io.hetu.schema.Filter;
import io.hetu.schema.IndexRef;
import io.hetu.schema.KeyRange;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowView;
import io.hetu.schema.TableDescriptor;
import java.util.List;
import java.util.function.Consumer;

/**
 * The rows a system reads and writes, inside the transaction its call runs in. Views returned here
 * are valid until the transaction ends; read-only views throw on a setter. Everything is checked
 * at commit: a call that read rows another commit changed runs again.
 */
public interface Repository {

    // ---------------------------------------------------------------- reads

    /** The row with this id as a read-only view, or null. */
    <R extends Record, V extends RowView<R>> V get(TableDescriptor<R, V> table, long id);

    /** The row whose unique column equals {@code key}, as a read-only view, or null. */
    <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, long key);

    /** {@link #getBy(IndexRef, long)} for a floating-point column. */
    <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, double key);

    /** {@link #getBy(IndexRef, long)} for a string column. */
    <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, String key);

    /** {@link #getBy(IndexRef, long)} for a column of any type (boxed). */
    <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, Object key);

    /** The id of the row behind a view this repository returned. */
    long id(RowView<?> view);

    /** The version (the seq of the commit that last wrote it) of the row behind a view; 0 for a new row. */
    long version(RowView<?> view);

    /**
     * Rows whose indexed column lies in {@code range}, in index order (by key, then id), at most
     * {@code limit}, as read-only views.
     */
    <R extends Record, V extends RowView<R>> List<V> range(IndexRef<R, V> index, KeyRange range, int limit,
            boolean descending);

    /**
     * Rows whose indexed column lies in {@code range} and that pass {@code filter}, in index order,
     * at most {@code limit} of them. Only matching rows count as read: a change to a row the filter
     * rejects does not conflict with this transaction.
     */
    <R extends Record, V extends RowView<R>> List<V> range(IndexRef<R, V> index, KeyRange range, Filter filter,
            int limit, boolean descending);

    /**
     * Rows of the whole table that pass {@code filter} (null: every row), at most {@code limit},
     * in no particular order. This reads the table row by row: prefer {@link #range} over an index
     * for large tables.
     */
    <R extends Record, V extends RowView<R>> List<V> scan(TableDescriptor<R, V> table, Filter filter, int limit);

    /**
     * Visits rows whose indexed column lies in {@code range}, in index order, at most
     * {@code limit}. When the transaction has not written the table, rows are visited in place
     * without copying and the view passed to the consumer is reused: it is valid only during the
     * call. The table's writers wait while the visit runs, so keep it short.
     */
    <R extends Record, V extends RowView<R>> void forEach(IndexRef<R, V> index, KeyRange range, int limit,
            boolean descending, Consumer<? super V> consumer);

    /** {@link #forEach(IndexRef, KeyRange, int, boolean, Consumer)} over the rows that pass {@code filter}. */
    <R extends Record, V extends RowView<R>> void forEach(IndexRef<R, V> index, KeyRange range, Filter filter,
            int limit, boolean descending, Consumer<? super V> consumer);

    // ---------------------------------------------------------------- writes

    /**
     * A new row with a fresh id and every column zero (null where nullable), to fill in. Rows of a
     * {@code LIST} or {@code SORTED_LIST} component are added with {@link #append} instead.
     */
    <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table);

    /** A new row holding the record's values. */
    <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table, R record);

    /**
     * Inserts many rows; returns their ids in the records' order. If any record cannot be stored
     * (a value too long, a null where none is allowed), none of them is inserted.
     */
    <R extends Record, V extends RowView<R>> long[] insertAll(TableDescriptor<R, V> table, List<? extends R> records);

    /** The row with this id, to change in place, or null when there is none. */
    <R extends Record, V extends RowView<R>> V update(TableDescriptor<R, V> table, long id);

    /**
     * The row whose unique column equals {@code key}, to change in place; when there is none, a
     * new row with that key.
     */
    <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, long key);

    /** {@link #upsert(IndexRef, long)} for a floating-point column. */
    <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, double key);

    /** {@link #upsert(IndexRef, long)} for a string column. */
    <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, String key);

    /** {@link #upsert(IndexRef, long)} for a column of any type (boxed). */
    <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, Object key);

    /** Deletes the row with this id; false when there is none. */
    boolean delete(TableDescriptor<?, ?> table, long id);

    // ---------------------------------------------------------------- lists

    /**
     * Appends a row to the list named by the record's {@code @ListKey} column: at the end of a
     * {@code LIST}, where it sorts in a {@code SORTED_LIST} (after the rows it ties with). When the
     * list then holds more than its capacity, rows are deleted from its eviction end in this same
     * transaction. The row gets the next {@code seq} of its list.
     *
     * @return the new row, to change in place; null when the row itself was evicted at once (a full
     *     list whose eviction end it sorts to)
     */
    <R extends Record, V extends RowView<R>> V append(ListRef<R, V> list, R record);

    /**
     * {@link #append}, de-duplicated: rows of the same list whose column {@code distinctField} holds
     * the record's value are deleted first, so the new row replaces them (taking its own place in
     * the list, with a new {@code seq}). A leaderboard keeps one row per player this way.
     *
     * @throws IllegalArgumentException when the component has no such column
     */
    <R extends Record, V extends RowView<R>> V appendDistinct(ListRef<R, V> list, R record, String distinctField);

    /** Every row of the list {@code key}, in list order, as read-only views. */
    <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key);

    /**
     * The rows of the list {@code key} at positions {@code from} to {@code from + count - 1} (0 is
     * the front), in list order.
     */
    <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key, int from, int count);

    /**
     * The rows of the list {@code key} that pass {@code filter}, in list order, at most {@code limit}:
     * for a range by sort column, such as {@code Filter.between("points", 100, 200)}. Only the rows
     * that pass count as read.
     */
    <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key, Filter filter, int limit);

    /** The first {@code count} rows of the list {@code key}: the oldest of a LIST, the top of a SORTED_LIST. */
    <R extends Record, V extends RowView<R>> List<V> head(ListRef<R, V> list, Object key, int count);

    /** The last {@code count} rows of the list {@code key}, in list order: the newest of a LIST. */
    <R extends Record, V extends RowView<R>> List<V> tail(ListRef<R, V> list, Object key, int count);

    /** How many rows the list {@code key} holds. */
    int size(ListRef<?, ?> list, Object key);

    /**
     * Deletes rows from the eviction end of the list {@code key} until at most {@code keep} remain
     * ({@code 0} empties it); returns how many were deleted. A single row goes with {@link #delete}.
     */
    int trim(ListRef<?, ?> list, Object key, int keep);
}
