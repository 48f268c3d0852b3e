package io.hetu.schema;

import io.hetu.annotations.Eviction;
import io.hetu.annotations.TableKind;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@code LIST} or {@code SORTED_LIST} component keeps its lists. The engine stores list rows
 * as ordinary rows with one extra column, {@value #SEQ}, the row's place in its list's append order
 * (larger is newer), and orders each list through a composite index: {@code (key, seq)} for a
 * {@code LIST}, {@code (key, sort columns..., seq)} for a {@code SORTED_LIST}.
 *
 * @param kind {@code LIST} or {@code SORTED_LIST}
 * @param key the column whose value names a list
 * @param sort the sort columns, primary first; empty for a {@code LIST}
 * @param capacity the most rows a list holds, 1 to {@value #MAX_CAPACITY}
 * @param eviction {@code FIRST} or {@code LAST}: the end a full list loses rows from
 * @param index the position of the list's composite index in {@link TableDescriptor#indexes()}
 */
public record ListDef(TableKind kind, String key, List<SortColumn> sort, int capacity, Eviction eviction, int index) {

    /** The name of the column that holds a list row's append sequence. */
    public static final String SEQ = "seq";

    /** The largest capacity a list may declare. */
    public static final int MAX_CAPACITY = 10_000;

    public ListDef {
        sort = List.copyOf(sort);
        if (kind == TableKind.GENERIC) {
            throw new IllegalArgumentException("a GENERIC component has no list");
        }
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity " + capacity + " is outside 1.." + MAX_CAPACITY);
        }
        if (eviction == Eviction.DEFAULT) {
            throw new IllegalArgumentException("a list definition names FIRST or LAST, not DEFAULT");
        }
    }

    /** The eviction end that {@link Eviction#DEFAULT} means for a kind. */
    public static Eviction resolve(TableKind kind, Eviction eviction) {
        if (eviction != Eviction.DEFAULT) {
            return eviction;
        }
        return kind == TableKind.SORTED_LIST ? Eviction.LAST : Eviction.FIRST;
    }

    /** The composite index that orders the lists. */
    public IndexDef indexDef() {
        List<SortColumn> then = new ArrayList<>(sort);
        then.add(new SortColumn(SEQ, false));
        return new IndexDef(key, false, then);
    }
}
