package io.hetu.storage.spi;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.IndexDef;
import io.hetu.schema.RowKeys;
import io.hetu.schema.RowLayout;
import io.hetu.schema.SortColumn;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * How a composite index orders rows whose leading column values are equal: by its further columns,
 * each ascending or descending, in the same order-preserving encoding as single-column keys. An
 * index over one column has no further columns and leaves such rows to be ordered by id. Every
 * backend orders its ordered indexes with this, so list tables behave the same on all of them.
 */
public final class IndexOrder {

    private static final IndexOrder NONE = new IndexOrder(new FieldLayout[0], new boolean[0]);

    private final FieldLayout[] columns;
    private final boolean[] descending;

    private IndexOrder(FieldLayout[] columns, boolean[] descending) {
        this.columns = columns;
        this.descending = descending;
    }

    /** The order of the columns after an index's leading column. */
    public static IndexOrder of(RowLayout layout, IndexDef index) {
        List<SortColumn> then = index.then();
        if (then.isEmpty()) {
            return NONE;
        }
        FieldLayout[] columns = new FieldLayout[then.size()];
        boolean[] descending = new boolean[then.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = layout.field(then.get(i).field());
            descending[i] = then.get(i).descending();
        }
        return new IndexOrder(columns, descending);
    }

    /** Whether there are no further columns (an index over one column). */
    public boolean isEmpty() {
        return columns.length == 0;
    }

    public int size() {
        return columns.length;
    }

    public FieldLayout column(int i) {
        return columns[i];
    }

    public boolean descending(int i) {
        return descending[i];
    }

    /** Compares two rows, held anywhere, by the further columns only. */
    public int compare(MemorySegment a, long aRow, MemorySegment b, long bRow) {
        for (int i = 0; i < columns.length; i++) {
            int order = RowKeys.compare(columns[i], a, aRow, b, bRow);
            if (order != 0) {
                return descending[i] ? -order : order;
            }
        }
        return 0;
    }
}
