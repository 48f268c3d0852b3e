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
 * A {@link Repository} that passes every call to another one: the base of contexts that add
 * something around the rows (who is calling, the session) without copying the repository's methods.
 */
public abstract class ForwardingRepository implements Repository {

    /** Where the calls go; may change between calls (a new transaction per attempt). */
    protected abstract Repository repository();

    @Override
    public <R extends Record, V extends RowView<R>> V get(TableDescriptor<R, V> table, long id) {
        return repository().get(table, id);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, long key) {
        return repository().getBy(index, key);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, double key) {
        return repository().getBy(index, key);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, String key) {
        return repository().getBy(index, key);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, Object key) {
        return repository().getBy(index, key);
    }

    @Override
    public long id(RowView<?> view) {
        return repository().id(view);
    }

    @Override
    public long version(RowView<?> view) {
        return repository().version(view);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> range(IndexRef<R, V> index, KeyRange range, int limit, boolean descending) {
        return repository().range(index, range, limit, descending);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> range(IndexRef<R, V> index, KeyRange range, Filter filter, int limit, boolean descending) {
        return repository().range(index, range, filter, limit, descending);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> scan(TableDescriptor<R, V> table, Filter filter, int limit) {
        return repository().scan(table, filter, limit);
    }

    @Override
    public <R extends Record, V extends RowView<R>> void forEach(IndexRef<R, V> index, KeyRange range, int limit, boolean descending, Consumer<? super V> consumer) {
        repository().forEach(index, range, limit, descending, consumer);
    }

    @Override
    public <R extends Record, V extends RowView<R>> void forEach(IndexRef<R, V> index, KeyRange range, Filter filter, int limit, boolean descending, Consumer<? super V> consumer) {
        repository().forEach(index, range, filter, limit, descending, consumer);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table) {
        return repository().insert(table);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table, R record) {
        return repository().insert(table, record);
    }

    @Override
    public <R extends Record, V extends RowView<R>> long[] insertAll(TableDescriptor<R, V> table, List<? extends R> records) {
        return repository().insertAll(table, records);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V update(TableDescriptor<R, V> table, long id) {
        return repository().update(table, id);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, long key) {
        return repository().upsert(index, key);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, double key) {
        return repository().upsert(index, key);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, String key) {
        return repository().upsert(index, key);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, Object key) {
        return repository().upsert(index, key);
    }

    @Override
    public boolean delete(TableDescriptor<?, ?> table, long id) {
        return repository().delete(table, id);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V append(ListRef<R, V> list, R record) {
        return repository().append(list, record);
    }

    @Override
    public <R extends Record, V extends RowView<R>> V appendDistinct(ListRef<R, V> list, R record, String distinctField) {
        return repository().appendDistinct(list, record, distinctField);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key) {
        return repository().list(list, key);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key, int from, int count) {
        return repository().list(list, key, from, count);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key, Filter filter, int limit) {
        return repository().list(list, key, filter, limit);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> head(ListRef<R, V> list, Object key, int count) {
        return repository().head(list, key, count);
    }

    @Override
    public <R extends Record, V extends RowView<R>> List<V> tail(ListRef<R, V> list, Object key, int count) {
        return repository().tail(list, key, count);
    }

    @Override
    public int size(ListRef<?, ?> list, Object key) {
        return repository().size(list, key);
    }

    @Override
    public int trim(ListRef<?, ?> list, Object key, int keep) {
        return repository().trim(list, key, keep);
    }
}
