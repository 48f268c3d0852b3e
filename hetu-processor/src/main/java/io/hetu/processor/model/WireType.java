package io.hetu.processor.model;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import io.hetu.schema.FieldType;
import java.util.List;

/**
 * The type of a system's parameter or result, of a record component or of a list element, as it
 * travels on the wire (docs/PROTOCOL.md, "Encoding"). Built only from types the processor
 * validated, so generators can switch over it exhaustively.
 */
public sealed interface WireType {

    /** Whether the value may be null, so that it travels behind a presence flag. */
    boolean nullable();

    /** The Java type the system declares, without annotations. */
    TypeName javaType();

    /**
     * A primitive, a boxed primitive, {@code String}, {@code byte[]}, {@code Instant} or
     * {@code Duration}: one value of a manifest type other than an enum.
     */
    record Scalar(FieldType type, TypeName javaType, boolean nullable) implements WireType {

        /** A primitive or boxed type: written without a null check once known to be present. */
        public boolean primitive() {
            return javaType.isPrimitive() || javaType.isBoxedPrimitive();
        }
    }

    /** An enum, sent as its ordinal: one byte up to 256 constants, else two. */
    record EnumType(ClassName enumClass, List<String> constants, boolean nullable) implements WireType {

        public EnumType {
            constants = List.copyOf(constants);
        }

        public boolean wide() {
            return constants.size() > 256;
        }

        public FieldType type() {
            return wide() ? FieldType.ENUM16 : FieldType.ENUM8;
        }

        @Override
        public TypeName javaType() {
            return enumClass;
        }
    }

    /** A record, sent as its components in declaration order. */
    record RecordType(ClassName recordClass, List<Named> fields, boolean nullable) implements WireType {

        public RecordType {
            fields = List.copyOf(fields);
        }

        @Override
        public TypeName javaType() {
            return recordClass;
        }
    }

    /** A record component or a system parameter: a name and its type. */
    record Named(String name, WireType type) {}

    /** A {@code List<T>} or an array {@code T[]}: a count, then the elements. */
    record ListType(WireType element, boolean array, boolean nullable) implements WireType {

        @Override
        public TypeName javaType() {
            return array ? ArrayTypeName.of(element.javaType())
                    : ParameterizedTypeName.get(ClassName.get(List.class), element.javaType().box());
        }
    }

    /** The result of a {@code void} system: nothing on the wire. */
    record VoidType() implements WireType {

        @Override
        public boolean nullable() {
            return false;
        }

        @Override
        public TypeName javaType() {
            return TypeName.VOID;
        }
    }

    /** The same type, with nullability as given. */
    default WireType withNullable(boolean nullable) {
        return switch (this) {
            case Scalar s -> new Scalar(s.type(), s.javaType(), nullable);
            case EnumType e -> new EnumType(e.enumClass(), e.constants(), nullable);
            case RecordType r -> new RecordType(r.recordClass(), r.fields(), nullable);
            case ListType l -> new ListType(l.element(), l.array(), nullable);
            case VoidType v -> v;
        };
    }
}
