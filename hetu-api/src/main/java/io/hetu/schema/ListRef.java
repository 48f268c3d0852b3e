package io.hetu.schema;

/**
 * A typed handle on the lists of a {@code LIST} or {@code SORTED_LIST} component, generated as the
 * {@code LIST} constant of its table descriptor (such as {@code MessageTable.LIST}), for the list
 * operations of a transaction.
 *
 * @param table the component's table
 * @param list how the component keeps its lists
 * @param <R> the component record
 * @param <V> the component's row flyweight
 */
public record ListRef<R extends Record, V extends RowView<R>>(TableDescriptor<R, V> table, ListDef list) {

    /** The ordered index over the lists, for range queries and subscriptions. */
    public IndexRef<R, V> index() {
        return new IndexRef<>(table, table.layout().field(list.key()), list.index(), false);
    }

    @Override
    public String toString() {
        return table.name() + " (" + list.kind() + " by " + list.key() + ")";
    }
}
