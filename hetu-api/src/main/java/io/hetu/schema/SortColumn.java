package io.hetu.schema;

/**
 * A column that orders rows in a composite index or a sorted list.
 *
 * @param field the column name
 * @param descending whether larger values come first
 */
public record SortColumn(String field, boolean descending) {}
