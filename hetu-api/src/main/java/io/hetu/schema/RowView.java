package io.hetu.schema;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight over one row's bytes: it holds a segment and an offset and reads and writes the
 * columns in place. One view can be re-pointed at any number of rows with {@link #wrap}.
 *
 * @param <R> the component record
 */
public interface RowView<R extends Record> {

    /** Points this view at the row that starts at {@code offset} in {@code segment}. */
    RowView<R> wrap(MemorySegment segment, long offset);

    /** The segment of the row this view points at. */
    MemorySegment segment();

    /** The offset of the row this view points at. */
    long offset();

    /** Copies the row into a new record. */
    R toRecord();

    /** Writes every column of the record into the row. */
    RowView<R> set(R record);
}
