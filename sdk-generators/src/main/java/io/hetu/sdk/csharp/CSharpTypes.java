package io.hetu.sdk.csharp;

import io.hetu.manifest.SchemaManifest.TypeRef;
import java.util.Map;

/**
 * Maps manifest types to C# types and writes the C# expressions that encode and decode them as
 * values (docs/PROTOCOL.md, "Encoding"). Instants and durations are {@code long} nanoseconds.
 */
final class CSharpTypes {

    private final Map<String, String> recordClasses;
    private final Map<String, String> enumClasses;

    /** @param recordClasses and enumClasses: manifest name → C# type name */
    CSharpTypes(Map<String, String> recordClasses, Map<String, String> enumClasses) {
        this.recordClasses = recordClasses;
        this.enumClasses = enumClasses;
    }

    /** The C# type of a value, with {@code ?} for a nullable value type. */
    String type(TypeRef type) {
        String base = switch (type.type()) {
            case "bool" -> "bool";
            case "i8" -> "sbyte";
            case "i16" -> "short";
            case "i32" -> "int";
            case "i64", "instant", "duration" -> "long";
            case "f32" -> "float";
            case "f64" -> "double";
            case "char" -> "char";
            case "enum8", "enum16" -> enumClass(type);
            case "string" -> "string";
            case "bytes" -> "byte[]";
            case "record" -> recordClass(type);
            case "list" -> "List<" + type(type.element()) + ">";
            case "void" -> "object";
            default -> throw unknown(type.type());
        };
        return type.nullable() && isValueType(type) ? base + "?" : base;
    }

    /** Whether the C# type is a struct (so nullable means {@code T?}), not a class. */
    static boolean isValueType(TypeRef type) {
        return switch (type.type()) {
            case "string", "bytes", "record", "list", "void" -> false;
            default -> true;
        };
    }

    /** An expression that reads a value from the {@code HetuReader} named {@code reader}. */
    String read(TypeRef type, String reader, int depth) {
        String plain = switch (type.type()) {
            case "bool" -> reader + ".ReadBool()";
            case "i8" -> reader + ".ReadI8()";
            case "i16" -> reader + ".ReadI16()";
            case "i32" -> reader + ".ReadI32()";
            case "i64", "instant", "duration" -> reader + ".ReadI64()";
            case "f32" -> reader + ".ReadF32()";
            case "f64" -> reader + ".ReadF64()";
            case "char" -> reader + ".ReadChar()";
            case "enum8" -> "(" + enumClass(type) + ")" + reader + ".ReadU8()";
            case "enum16" -> "(" + enumClass(type) + ")" + reader + ".ReadU16()";
            case "string" -> reader + ".ReadString()";
            case "bytes" -> reader + ".ReadBytes()";
            case "record" -> recordClass(type) + ".Read(" + reader + ")";
            case "list" -> {
                String element = "__r" + (depth + 1);
                yield reader + ".ReadList(" + element + " => " + read(type.element(), element, depth + 1) + ")";
            }
            default -> throw unknown(type.type());
        };
        if (!type.nullable()) {
            return plain;
        }
        String present = reader + ".ReadPresent() ? ";
        return isValueType(type) ? "(" + present + "(" + type(type) + ")" + plain + " : null)"
                : "(" + present + plain + " : null)";
    }

    /** A statement expression (no semicolon) that writes {@code value} to the {@code HetuWriter} named {@code writer}. */
    String write(TypeRef type, String writer, String value, int depth) {
        if (type.nullable()) {
            String w = "__w" + (depth + 1);
            String v = "__v" + (depth + 1);
            TypeRef present = new TypeRef(type.type(), false, type.name(), type.element());
            return writer + (isValueType(type) ? ".WriteNullable(" : ".WriteOptional(") + value + ", (" + w + ", " + v
                    + ") => " + write(present, w, v, depth + 1) + ")";
        }
        return switch (type.type()) {
            case "bool" -> writer + ".WriteBool(" + value + ")";
            case "i8" -> writer + ".WriteI8(" + value + ")";
            case "i16" -> writer + ".WriteI16(" + value + ")";
            case "i32" -> writer + ".WriteI32(" + value + ")";
            case "i64", "instant", "duration" -> writer + ".WriteI64(" + value + ")";
            case "f32" -> writer + ".WriteF32(" + value + ")";
            case "f64" -> writer + ".WriteF64(" + value + ")";
            case "char" -> writer + ".WriteChar(" + value + ")";
            case "enum8" -> writer + ".WriteU8((byte)" + value + ")";
            case "enum16" -> writer + ".WriteU16((ushort)" + value + ")";
            case "string" -> writer + ".WriteString(" + value + ")";
            case "bytes" -> writer + ".WriteBytes(" + value + ")";
            case "record" -> recordClass(type) + ".Write(" + writer + ", " + value + ")";
            case "list" -> {
                String w = "__w" + (depth + 1);
                String v = "__v" + (depth + 1);
                yield writer + ".WriteList(" + value + ", (" + w + ", " + v + ") => "
                        + write(type.element(), w, v, depth + 1) + ")";
            }
            default -> throw unknown(type.type());
        };
    }

    /** The C# type offered as a view of a nanosecond value ({@code DateTime}, {@code TimeSpan}), else null. */
    static String timeView(String wireType) {
        return switch (wireType) {
            case "instant" -> "DateTime";
            case "duration" -> "TimeSpan";
            default -> null;
        };
    }

    private String enumClass(TypeRef type) {
        String name = enumClasses.get(type.name());
        if (name == null) {
            throw new IllegalArgumentException("the manifest uses enum '" + type.name() + "' but does not define it");
        }
        return name;
    }

    private String recordClass(TypeRef type) {
        String name = recordClasses.get(type.name());
        if (name == null) {
            throw new IllegalArgumentException("the manifest uses record '" + type.name() + "' but does not define it");
        }
        return name;
    }

    private static IllegalArgumentException unknown(String type) {
        return new IllegalArgumentException("unknown manifest type '" + type + "'; this generator reads format 1");
    }
}
