package io.hetu.sdk.typescript;

import io.hetu.manifest.SchemaManifest.TypeRef;
import io.hetu.sdk.Names;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Value types (docs/MANIFEST.md, "A type") as TypeScript: the declared type, and the expressions that encode and
 * decode a value with the runtime's {@code Writer} and {@code Reader}. What the expressions and declarations use of
 * each record and enum is collected in {@link #records} and {@link #enums}, so that the caller imports exactly that
 * (the generated package compiles under {@code noUnusedLocals}: a record that is only a result needs no writer).
 */
final class TsTypes {

    /** TypeScript names of the manifest's records and enums, by manifest name. */
    private final Map<String, String> names;
    /** Value imports first, then {@code type} imports, each alphabetically: {@code readVec, writeVec, type Vec}. */
    private static final Comparator<String> IMPORT_ORDER =
            Comparator.comparing((String name) -> name.startsWith("type ")).thenComparing(Comparator.naturalOrder());

    /** By record name: the names used from its file ({@code readVec}, {@code writeVec}, {@code type Vec}). */
    final Map<String, Set<String>> records = new TreeMap<>();
    /** By enum name: the names used from its file ({@code MOOD_CONSTANTS}, {@code type Mood}). */
    final Map<String, Set<String>> enums = new TreeMap<>();

    TsTypes(Map<String, String> names) {
        this.names = names;
    }

    private static TypeRef present(TypeRef type) {
        return new TypeRef(type.type(), false, type.name(), type.element());
    }

    /** The TypeScript name of a record or enum, noting that {@code use} of it (given its name) is imported. */
    private String named(TypeRef type, Map<String, Set<String>> into, UnaryOperator<String> use) {
        String name = names.get(type.name());
        if (name == null) {
            throw new IllegalArgumentException("the manifest names " + type.type() + " '" + type.name()
                    + "', which is none of its types or enums; the manifest is inconsistent, rebuild the app");
        }
        into.computeIfAbsent(name, n -> new TreeSet<>(IMPORT_ORDER)).add(use.apply(name));
        return name;
    }

    String declared(TypeRef type) {
        if (type.nullable()) {
            return declared(present(type)) + " | null";
        }
        return switch (type.type()) {
            case "bool" -> "boolean";
            case "i8", "i16", "i32", "f32", "f64" -> "number";
            case "i64", "instant", "duration" -> "bigint";
            case "char", "string" -> "string";
            case "bytes" -> "Uint8Array";
            case "enum8", "enum16" -> named(type, enums, name -> "type " + name);
            case "record" -> named(type, records, name -> "type " + name);
            case "list" -> {
                String element = declared(type.element());
                yield element.contains(" ") ? "Array<" + element + ">" : element + "[]";
            }
            case "void" -> "void";
            default -> throw unknown(type.type());
        };
    }

    /** An expression that writes {@code value} with {@code writer}; nested lambdas take v0, v1, ... by depth. */
    String write(TypeRef type, String value, String writer, int depth) {
        String lambda = "v" + depth;
        if (type.nullable()) {
            return writer + ".nullable(" + value + ", (" + lambda + ") => " + write(present(type), lambda, writer,
                    depth + 1) + ")";
        }
        return switch (type.type()) {
            case "bool", "i8", "i16", "i32", "f32", "f64", "char", "string", "bytes", "i64" ->
                    writer + "." + type.type() + "(" + value + ")";
            case "instant", "duration" -> writer + ".i64(" + value + ")";
            case "enum8", "enum16" -> writer + ".ordinal(" + constants(named(type, enums, TsTypes::constants)) + ", "
                    + value + ", " + type.type().equals("enum16") + ")";
            case "record" -> "write" + named(type, records, name -> "write" + name) + "(" + writer + ", " + value + ")";
            case "list" -> writer + ".list(" + value + ", (" + lambda + ") => " + write(type.element(), lambda, writer,
                    depth + 1) + ")";
            default -> throw unknown(type.type());
        };
    }

    /** An expression that reads a value with {@code reader}. */
    String read(TypeRef type, String reader) {
        if (type.nullable()) {
            return reader + ".nullable(() => " + read(present(type), reader) + ")";
        }
        return switch (type.type()) {
            case "bool", "i8", "i16", "i32", "f32", "f64", "char", "string", "bytes", "i64" ->
                    reader + "." + type.type() + "()";
            case "instant", "duration" -> reader + ".i64()";
            case "enum8", "enum16" -> reader + ".ordinal(" + constants(named(type, enums, TsTypes::constants)) + ", "
                    + type.type().equals("enum16") + ")";
            case "record" -> "read" + named(type, records, name -> "read" + name) + "(" + reader + ")";
            case "list" -> reader + ".list(() => " + read(type.element(), reader) + ")";
            default -> throw unknown(type.type());
        };
    }

    /** The constant holding an enum's names in ordinal order. */
    static String constants(String enumName) {
        return Names.constant(enumName) + "_CONSTANTS";
    }

    static IllegalArgumentException unknown(String type) {
        return new IllegalArgumentException("type '" + type + "' is not a type of manifest format 1; "
                + "this SDK generator is older than the manifest's producer");
    }
}
