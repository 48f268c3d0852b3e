package io.hetu.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import io.hetu.schema.FieldType;
import java.util.List;

/**
 * One validated column of a component.
 *
 * @param name the record component name
 * @param type the storage type
 * @param javaType the declared Java type
 * @param boxed whether the Java type is a boxed primitive (so the column is nullable)
 * @param nullable whether null can be stored
 * @param maxLength the declared maximum length of a string or byte-array column, else 0
 * @param index how the column is indexed
 * @param enumType the enum class of an enum column, else null
 * @param enumConstants the enum constants in ordinal order, empty unless an enum column
 */
public record ColumnModel(
        String name,
        FieldType type,
        TypeName javaType,
        boolean boxed,
        boolean nullable,
        int maxLength,
        IndexKind index,
        ClassName enumType,
        List<String> enumConstants) {

    public ColumnModel {
        enumConstants = List.copyOf(enumConstants);
    }

    /** The bytes the column occupies in a row. */
    public int size() {
        return switch (type) {
            case BOOL, I8, ENUM8 -> 1;
            case I16, CHAR, ENUM16 -> 2;
            case I32, F32 -> 4;
            case I64, F64, INSTANT, DURATION -> 8;
            case STRING, BYTES -> 2 + maxLength;
        };
    }

    /** The primitive type a boxed column holds, or the Java type itself. */
    public TypeName valueType() {
        return boxed ? javaType.unbox() : javaType;
    }
}
