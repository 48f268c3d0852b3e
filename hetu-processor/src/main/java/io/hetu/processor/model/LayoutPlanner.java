package io.hetu.processor.model;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.RowLayout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Places columns in a row: declaration order, each at its natural alignment, then a null bitmap
 * with one bit per nullable column, then padding so that the row size is a multiple of the
 * largest alignment (rows packed back to back stay aligned).
 */
public final class LayoutPlanner {

    private LayoutPlanner() {}

    public static RowLayout plan(List<ColumnModel> columns) {
        List<FieldLayout> fields = new ArrayList<>(columns.size());
        int offset = 0;
        int maxAlignment = 1;
        int nullBits = 0;
        for (ColumnModel column : columns) {
            int alignment = column.type().alignment();
            maxAlignment = Math.max(maxAlignment, alignment);
            offset = alignUp(offset, alignment);
            int nullBit = column.nullable() ? nullBits++ : -1;
            fields.add(new FieldLayout(column.name(), column.type(), offset, column.size(), nullBit,
                    column.maxLength(), column.enumConstants()));
            offset += column.size();
        }
        int nullBitmapOffset = offset;
        int nullBitmapSize = (nullBits + 7) / 8;
        int size = alignUp(nullBitmapOffset + nullBitmapSize, maxAlignment);
        return new RowLayout(size, maxAlignment, nullBitmapOffset, nullBitmapSize, fields);
    }

    /**
     * A hash of everything that decides how stored rows are read: the component's qualified name
     * and every column's name, type, place, nullability, maximum length and enum constants.
     */
    public static String layoutHash(String namespace, String name, RowLayout layout) {
        StringBuilder canonical = new StringBuilder()
                .append(namespace).append('.').append(name)
                .append('|').append(layout.size())
                .append('|').append(layout.alignment())
                .append('|').append(layout.nullBitmapOffset())
                .append('|').append(layout.nullBitmapSize());
        for (FieldLayout field : layout.fields()) {
            canonical.append('|').append(field.name())
                    .append(':').append(field.type().wireName())
                    .append(':').append(field.offset())
                    .append(':').append(field.size())
                    .append(':').append(field.nullBit())
                    .append(':').append(field.maxLength())
                    .append(':').append(String.join(",", field.enumConstants()));
        }
        return sha256Prefix(canonical.toString());
    }

    /** The first 8 bytes of the SHA-256 of the text, as 16 lower-case hex digits. */
    public static String sha256Prefix(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static int alignUp(int value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
