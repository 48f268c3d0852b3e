package io.hetu.schema;

import java.util.List;

/**
 * An index over one column, or a composite index: a leading column and then more columns that
 * order the rows sharing a leading value. Ranges and subscriptions bound the leading column only;
 * rows within a range come in the order of all the columns, then by id. The list tables use a
 * composite index (their key column, then their sort columns, then their append sequence).
 *
 * @param field the indexed column, the leading one of a composite index, always ascending
 * @param unique whether values of {@code field} are unique across the component's rows
 * @param then the columns after {@code field} that order rows with equal leading values; empty for
 *     an index over one column
 */
public record IndexDef(String field, boolean unique, List<SortColumn> then) {

    public IndexDef {
        then = List.copyOf(then);
        if (unique && !then.isEmpty()) {
            throw new IllegalArgumentException("a composite index cannot be unique");
        }
    }

    /** An index over one column. */
    public IndexDef(String field, boolean unique) {
        this(field, unique, List.of());
    }

    public boolean composite() {
        return !then.isEmpty();
    }
}
