package io.hetu.processor.collect;

import io.hetu.schema.FieldType;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;

/** The Java types that hold one manifest value, shared by columns and system types. */
final class ValueTypes {

    /** The boxed primitives by qualified name: nullable forms of the primitive types. */
    static final Map<String, FieldType> BOXED = Map.of(
            "java.lang.Boolean", FieldType.BOOL,
            "java.lang.Byte", FieldType.I8,
            "java.lang.Short", FieldType.I16,
            "java.lang.Integer", FieldType.I32,
            "java.lang.Long", FieldType.I64,
            "java.lang.Float", FieldType.F32,
            "java.lang.Double", FieldType.F64,
            "java.lang.Character", FieldType.CHAR);

    /** The classes other than boxed primitives that hold one value, by qualified name. */
    static final Map<String, FieldType> VALUE_CLASSES = Map.of(
            "java.lang.String", FieldType.STRING,
            "java.time.Instant", FieldType.INSTANT,
            "java.time.Duration", FieldType.DURATION);

    private ValueTypes() {}

    /** The type of a primitive, or null for any other kind. */
    static FieldType primitive(TypeKind kind) {
        return switch (kind) {
            case BOOLEAN -> FieldType.BOOL;
            case BYTE -> FieldType.I8;
            case SHORT -> FieldType.I16;
            case INT -> FieldType.I32;
            case LONG -> FieldType.I64;
            case FLOAT -> FieldType.F32;
            case DOUBLE -> FieldType.F64;
            case CHAR -> FieldType.CHAR;
            default -> null;
        };
    }

    /** An enum's constant names in ordinal order. */
    static List<String> enumConstants(TypeElement enumType) {
        return enumType.getEnclosedElements().stream()
                .filter(e -> e.getKind() == ElementKind.ENUM_CONSTANT)
                .map(e -> e.getSimpleName().toString())
                .toList();
    }
}
