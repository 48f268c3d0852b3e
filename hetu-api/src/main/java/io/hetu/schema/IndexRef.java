package io.hetu.schema;

/**
 * A typed handle on one indexed column, generated as a constant on each table descriptor (such as
 * {@code PositionTable.OWNER}), so that lookups and ranges name their column without strings.
 *
 * @param table the component's table
 * @param column the indexed column's layout
 * @param position the index's position in {@link TableDescriptor#indexes()}
 * @param unique whether values are unique, which allows lookups and upserts by this column
 * @param <R> the component record
 * @param <V> the component's row flyweight
 */
public record IndexRef<R extends Record, V extends RowView<R>>(
        TableDescriptor<R, V> table, FieldLayout column, int position, boolean unique) {

    @Override
    public String toString() {
        return table.name() + "." + column.name();
    }
}
