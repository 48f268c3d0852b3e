package io.hetu.schema;

import java.util.List;

/**
 * Where one column lives in a row.
 *
 * @param name the column name, as declared in the record
 * @param type the storage type
 * @param offset the byte offset from the start of the row
 * @param size the number of bytes the column occupies, including a length prefix
 * @param nullBit the column's bit in the row's null bitmap, or -1 when the column is not nullable
 * @param maxLength the declared maximum length of a {@code STRING} or {@code BYTES} column, else 0
 * @param enumConstants the enum constant names in ordinal order, empty unless the column is an enum
 */
public record FieldLayout(
        String name, FieldType type, int offset, int size, int nullBit, int maxLength, List<String> enumConstants) {

    public FieldLayout {
        enumConstants = List.copyOf(enumConstants);
    }

    public boolean nullable() {
        return nullBit >= 0;
    }
}
