package io.hetu.schema;

/**
 * An index over one column.
 *
 * @param field the indexed column
 * @param unique whether values are unique across the component's rows
 */
public record IndexDef(String field, boolean unique) {}
