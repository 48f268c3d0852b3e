package io.hetu.schema;

import java.util.List;

/**
 * The byte layout of one row: columns in declaration order at their natural alignment, then the
 * null bitmap, then padding up to a multiple of the largest alignment. Gaps are zero-filled
 * padding.
 *
 * @param size the row size in bytes
 * @param alignment the largest column alignment; the row size is a multiple of it
 * @param nullBitmapOffset the offset of the null bitmap (bit i is bit {@code i % 8} of byte
 *     {@code i / 8}; a set bit means the value is present)
 * @param nullBitmapSize the size of the null bitmap in bytes, 0 when no column is nullable
 * @param fields the columns in declaration order
 */
public record RowLayout(int size, int alignment, int nullBitmapOffset, int nullBitmapSize, List<FieldLayout> fields) {

    public RowLayout {
        fields = List.copyOf(fields);
    }

    /** The column with this name. */
    public FieldLayout field(String name) {
        for (FieldLayout field : fields) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        throw new IllegalArgumentException("no column '" + name + "' in this row layout");
    }
}
