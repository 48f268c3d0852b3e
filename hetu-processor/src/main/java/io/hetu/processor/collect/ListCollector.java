package io.hetu.processor.collect;

import static io.hetu.processor.collect.Annotations.mirror;

import com.palantir.javapoet.TypeName;
import io.hetu.annotations.Component;
import io.hetu.annotations.Eviction;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.SortBy;
import io.hetu.annotations.TableKind;
import io.hetu.processor.ErrorCode;
import io.hetu.processor.model.ColumnModel;
import io.hetu.processor.model.IndexKind;
import io.hetu.schema.FieldType;
import io.hetu.schema.ListDef;
import io.hetu.schema.SortColumn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;

/**
 * Reads and checks what makes a component a {@code LIST} or {@code SORTED_LIST}: its
 * {@link ListKey} column, its {@link SortBy} columns, its capacity and its eviction end; and that
 * none of them appears on a kind that has no use for it.
 */
final class ListCollector {

    /** The most sort columns a sorted list may declare. */
    static final int MAX_SORT_COLUMNS = 4;

    private final ErrorReporter reporter;
    private final TypeElement record;
    private final String name;
    private final Component component;
    private final List<ColumnModel> columns;
    private final Map<String, RecordComponentElement> elements;

    ListCollector(ErrorReporter reporter, TypeElement record, String name, Component component,
            List<ColumnModel> columns, Map<String, RecordComponentElement> elements) {
        this.reporter = reporter;
        this.record = record;
        this.name = name;
        this.component = component;
        this.columns = columns;
        this.elements = elements;
    }

    /** The declared columns followed by the list sequence column that every list row carries. */
    static List<ColumnModel> withSeq(List<ColumnModel> columns) {
        List<ColumnModel> all = new ArrayList<>(columns);
        all.add(new ColumnModel(ListDef.SEQ, FieldType.I64, TypeName.LONG, false, false, 0, IndexKind.NONE, null,
                List.of()));
        return all;
    }

    /**
     * The list definition, or null for a {@code GENERIC} component or after errors. With
     * {@code allColumnsValid} false some columns were already reported, so checks that need every
     * column are skipped rather than reported twice.
     */
    ListDef collect(boolean allColumnsValid) {
        TableKind kind = component.kind();
        List<RecordComponentElement> keys = elements.values().stream()
                .filter(e -> e.getAnnotation(ListKey.class) != null).toList();
        List<RecordComponentElement> sorts = elements.values().stream()
                .filter(e -> e.getAnnotation(SortBy.class) != null).toList();
        AnnotationMirror componentMirror = mirror(record, Component.class);
        if (kind == TableKind.GENERIC) {
            genericHasNoListOptions(keys, sorts, componentMirror);
            return null;
        }
        int errorsBefore = reporter.count();
        RecordComponentElement seq = elements.get(ListDef.SEQ);
        if (seq != null) {
            reporter.error(ErrorCode.RESERVED_NAME, seq, "column name '" + ListDef.SEQ + "' is reserved in a "
                    + kind + " component: every list row already has an engine-assigned seq (its place in "
                    + "append order); rename the column, such as 'seqValue'");
        }
        int capacity = component.capacity();
        if (capacity < 1 || capacity > ListDef.MAX_CAPACITY) {
            reporter.error(ErrorCode.BAD_CAPACITY, record, componentMirror, "component " + name + " is a " + kind
                    + (capacity == 0 ? " without a capacity" : " with capacity " + capacity) + "; set capacity = n "
                    + "with n from 1 to " + ListDef.MAX_CAPACITY + ", the most rows one list holds");
        }
        String key = listKey(kind, keys, componentMirror);
        List<SortColumn> sort = sortColumns(kind, sorts, componentMirror, allColumnsValid);
        if (reporter.count() != errorsBefore || key == null) {
            return null;
        }
        int position = (int) columns.stream().filter(c -> c.index() != IndexKind.NONE).count();
        return new ListDef(kind, key, sort, capacity, ListDef.resolve(kind, component.evict()), position);
    }

    private void genericHasNoListOptions(List<RecordComponentElement> keys, List<RecordComponentElement> sorts,
            AnnotationMirror componentMirror) {
        String fix = "; set kind = TableKind.LIST or TableKind.SORTED_LIST, or remove it";
        if (component.capacity() != 0) {
            reporter.error(ErrorCode.LIST_OPTION_ON_GENERIC, record, componentMirror, "component " + name
                    + " is GENERIC but declares capacity = " + component.capacity() + ", which only lists have"
                    + fix);
        }
        if (component.evict() != Eviction.DEFAULT) {
            reporter.error(ErrorCode.LIST_OPTION_ON_GENERIC, record, componentMirror, "component " + name
                    + " is GENERIC but declares evict = " + component.evict() + ", which only lists have" + fix);
        }
        for (RecordComponentElement key : keys) {
            reporter.error(ErrorCode.LIST_OPTION_ON_GENERIC, key, mirror(key, ListKey.class), "column " + name + "."
                    + key.getSimpleName() + " is marked @ListKey but component " + name + " is GENERIC" + fix);
        }
        for (RecordComponentElement sort : sorts) {
            reporter.error(ErrorCode.LIST_OPTION_ON_GENERIC, sort, mirror(sort, SortBy.class), "column " + name
                    + "." + sort.getSimpleName() + " is marked @SortBy but component " + name + " is GENERIC; "
                    + "set kind = TableKind.SORTED_LIST, or remove it");
        }
    }

    private String listKey(TableKind kind, List<RecordComponentElement> keys, AnnotationMirror componentMirror) {
        if (keys.isEmpty()) {
            reporter.error(ErrorCode.LIST_WITHOUT_KEY, record, componentMirror, "component " + name + " is a "
                    + kind + " but no column is marked @ListKey; mark the column whose value names a list, such as "
                    + "'@ListKey long room'");
            return null;
        }
        for (RecordComponentElement extra : keys.subList(1, keys.size())) {
            reporter.error(ErrorCode.SEVERAL_LIST_KEYS, extra, mirror(extra, ListKey.class), "component " + name
                    + " marks both " + keys.getFirst().getSimpleName() + " and " + extra.getSimpleName()
                    + " @ListKey; a list has one key column, so keep one (combine values into one column if needed)");
        }
        RecordComponentElement element = keys.getFirst();
        ColumnModel column = column(element);
        if (column == null) {
            return null;
        }
        if (!column.type().isOrderable() || column.nullable()) {
            reporter.error(ErrorCode.LIST_KEY_NOT_INDEXABLE, element, mirror(element, ListKey.class), "list key "
                    + name + "." + column.name() + " is " + (column.nullable() ? "nullable" : "a " + column.javaType()
                    + ", which has no order") + ", so it cannot be indexed; use a non-null number, enum, String, "
                    + "Instant or Duration column");
        }
        return column.name();
    }

    private List<SortColumn> sortColumns(TableKind kind, List<RecordComponentElement> sorts,
            AnnotationMirror componentMirror, boolean allColumnsValid) {
        if (kind == TableKind.LIST) {
            for (RecordComponentElement sort : sorts) {
                reporter.error(ErrorCode.SORT_BY_ON_LIST, sort, mirror(sort, SortBy.class), "column " + name + "."
                        + sort.getSimpleName() + " is marked @SortBy but component " + name + " is a LIST, which "
                        + "keeps append order; set kind = TableKind.SORTED_LIST, or remove @SortBy");
            }
            return List.of();
        }
        if (sorts.isEmpty()) {
            reporter.error(ErrorCode.SORTED_LIST_WITHOUT_SORT, record, componentMirror, "component " + name
                    + " is a SORTED_LIST but no column is marked @SortBy; mark up to " + MAX_SORT_COLUMNS
                    + " columns, such as '@SortBy(desc = true) long points'");
            return List.of();
        }
        if (sorts.size() > MAX_SORT_COLUMNS) {
            for (RecordComponentElement extra : sorts.subList(MAX_SORT_COLUMNS, sorts.size())) {
                reporter.error(ErrorCode.TOO_MANY_SORT_COLUMNS, extra, mirror(extra, SortBy.class), "component "
                        + name + " has " + sorts.size() + " @SortBy columns; a sorted list orders by at most "
                        + MAX_SORT_COLUMNS + ", so remove @SortBy from " + extra.getSimpleName());
            }
        }
        List<RecordComponentElement> seenOrders = new ArrayList<>();
        for (RecordComponentElement sort : sorts) {
            SortBy annotation = sort.getAnnotation(SortBy.class);
            if (sort.getAnnotation(ListKey.class) != null) {
                reporter.error(ErrorCode.SORT_BY_ON_LIST_KEY, sort, mirror(sort, SortBy.class), "column " + name
                        + "." + sort.getSimpleName() + " is both the @ListKey and a @SortBy column; every row of a "
                        + "list has the same key, so sorting by it does nothing: remove @SortBy");
            }
            if (annotation.order() != 0) {
                for (RecordComponentElement earlier : seenOrders) {
                    if (earlier.getAnnotation(SortBy.class).order() == annotation.order()) {
                        reporter.error(ErrorCode.DUPLICATE_SORT_ORDER, sort, mirror(sort, SortBy.class), "columns "
                                + earlier.getSimpleName() + " and " + sort.getSimpleName() + " of " + name
                                + " both declare @SortBy(order = " + annotation.order() + "); give each sort column "
                                + "its own order");
                    }
                }
                seenOrders.add(sort);
            }
            ColumnModel column = column(sort);
            if (column != null && (!column.type().isOrderable() || column.nullable())) {
                reporter.error(ErrorCode.SORT_NOT_ORDERABLE, sort, mirror(sort, SortBy.class), "sort column " + name
                        + "." + column.name() + " is " + (column.nullable() ? "nullable" : "a " + column.javaType()
                        + ", which has no order") + "; sort by a non-null number, enum, String, Instant or Duration "
                        + "column");
            }
        }
        if (!allColumnsValid) {
            return List.of();
        }
        return sorts.stream()
                .sorted(Comparator.comparingInt(ListCollector::rank))
                .map(e -> new SortColumn(e.getSimpleName().toString(), e.getAnnotation(SortBy.class).desc()))
                .toList();
    }

    /** Where a sort column ranks: by its order, columns without one after all that have one. */
    private static int rank(RecordComponentElement element) {
        int order = element.getAnnotation(SortBy.class).order();
        return order == 0 ? Integer.MAX_VALUE : order;
    }

    /** The validated column of an element, or null when the column itself had errors. */
    private ColumnModel column(RecordComponentElement element) {
        String column = element.getSimpleName().toString();
        return columns.stream().filter(c -> c.name().equals(column)).findFirst().orElse(null);
    }
}
