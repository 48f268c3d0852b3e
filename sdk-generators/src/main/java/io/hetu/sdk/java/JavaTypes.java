package io.hetu.sdk.java;

import io.hetu.manifest.SchemaManifest.TypeRef;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Value types (docs/MANIFEST.md, "A type") as Java: the declared type, the statements that encode a value with
 * hetu-api's {@code WireWriter} and the expressions that decode one with its {@code WireReader}. What they use from
 * outside the package is collected in {@link #imports}, so that the caller imports exactly that.
 */
final class JavaTypes {

    /** Java names of the records and enums, by manifest name (a column's own enum by its own name). */
    private final Map<String, String> names;
    /** Qualified names to import. */
    final Set<String> imports = new TreeSet<>();

    JavaTypes(Map<String, String> names) {
        this.names = names;
    }

    private static TypeRef present(TypeRef type) {
        return new TypeRef(type.type(), false, type.name(), type.element());
    }

    String named(TypeRef type) {
        String name = names.get(type.name());
        if (name == null) {
            throw new IllegalArgumentException("the manifest names " + type.type() + " '" + type.name()
                    + "', which is none of its types or enums; the manifest is inconsistent, rebuild the app");
        }
        return name;
    }

    /** Whether values of the type are Java primitives (when not nullable). */
    static boolean primitive(TypeRef type) {
        return switch (type.type()) {
            case "bool", "i8", "i16", "i32", "i64", "f32", "f64", "char" -> true;
            default -> false;
        };
    }

    /** The declared type: a primitive where the value cannot be null, its box where it can. */
    String declared(TypeRef type) {
        if (type.nullable()) {
            return boxed(present(type));
        }
        return switch (type.type()) {
            case "bool" -> "boolean";
            case "i8" -> "byte";
            case "i16" -> "short";
            case "i32" -> "int";
            case "i64" -> "long";
            case "f32" -> "float";
            case "f64" -> "double";
            case "char" -> "char";
            case "string" -> "String";
            case "bytes" -> "byte[]";
            case "instant" -> use("java.time.Instant", "Instant");
            case "duration" -> use("java.time.Duration", "Duration");
            case "enum8", "enum16", "record" -> named(type);
            case "list" -> use("java.util.List", "List") + "<" + boxed(type.element()) + ">";
            case "void" -> "Void";
            default -> throw unknown(type.type());
        };
    }

    /** The declared type as a reference type, for type arguments: {@code Long} for {@code i64}. */
    String boxed(TypeRef type) {
        if (type.nullable()) {
            return boxed(present(type));
        }
        return switch (type.type()) {
            case "bool" -> "Boolean";
            case "i8" -> "Byte";
            case "i16" -> "Short";
            case "i32" -> "Integer";
            case "i64" -> "Long";
            case "f32" -> "Float";
            case "f64" -> "Double";
            case "char" -> "Character";
            default -> declared(type);
        };
    }

    private String use(String qualified, String simple) {
        imports.add(qualified);
        return simple;
    }

    /**
     * Statements that write {@code value} with {@code writer}. {@code reference} says the Java value is a reference
     * (so possibly null) even where the type is primitive: a list element, a nullable's value. A null where the type
     * allows none fails with a message naming {@code what}. Loop variables take e0, e1, ... by depth.
     */
    void write(JavaCode code, TypeRef type, String value, String what, boolean reference, int depth) {
        if (type.nullable()) {
            code.open("if (" + value + " == null)");
            code.line("writer.writePresent(false);");
            code.close("} else {");
            code.depthIn();
            code.line("writer.writePresent(true);");
            write(code, present(type), value, what, false, depth);
            code.close();
            return;
        }
        if (reference || !primitive(type)) {
            code.line(use("java.util.Objects", "Objects") + ".requireNonNull(" + value + ", "
                    + JavaCode.literal(what + " is null, and it is not nullable") + ");");
        }
        switch (type.type()) {
            case "bool" -> code.line("writer.writeBool(" + value + ");");
            case "i8" -> code.line("writer.writeI8(" + value + ");");
            case "i16" -> code.line("writer.writeI16(" + value + ");");
            case "i32" -> code.line("writer.writeI32(" + value + ");");
            case "i64" -> code.line("writer.writeI64(" + value + ");");
            case "f32" -> code.line("writer.writeF32(" + value + ");");
            case "f64" -> code.line("writer.writeF64(" + value + ");");
            case "char" -> code.line("writer.writeChar(" + value + ");");
            case "string" -> code.line("writer.writeString(" + value + ");");
            case "bytes" -> code.line("writer.writeBytes(" + value + ");");
            case "instant" -> code.line("writer.writeInstant(" + value + ");");
            case "duration" -> code.line("writer.writeDuration(" + value + ");");
            case "enum8", "enum16" -> code.line("writer.writeOrdinal(" + type.type().equals("enum16") + ", " + value
                    + ".ordinal());");
            case "record" -> code.line(named(type) + ".write(writer, " + value + ");");
            case "list" -> {
                String element = "e" + depth;
                code.line("writer.writeCount(" + value + ".size());");
                code.open("for (" + boxed(type.element()) + " " + element + " : " + value + ")");
                write(code, type.element(), element, "an element of " + what, true, depth + 1);
                code.close();
            }
            default -> throw unknown(type.type());
        }
    }

    /** An expression that reads a value with {@code reader}; lambdas take r0, r1, ... by depth. */
    String read(TypeRef type, String reader, String what, int depth) {
        String what_ = JavaCode.literal(what);
        if (type.nullable()) {
            String lambda = "r" + depth;
            return "HetuValues.nullable(" + reader + ", " + what_ + ", " + lambda + " -> "
                    + read(present(type), lambda, what, depth + 1) + ")";
        }
        return switch (type.type()) {
            case "bool" -> reader + ".readBool(" + what_ + ")";
            case "i8" -> reader + ".readI8(" + what_ + ")";
            case "i16" -> reader + ".readI16(" + what_ + ")";
            case "i32" -> reader + ".readI32(" + what_ + ")";
            case "i64" -> reader + ".readI64(" + what_ + ")";
            case "f32" -> reader + ".readF32(" + what_ + ")";
            case "f64" -> reader + ".readF64(" + what_ + ")";
            case "char" -> reader + ".readChar(" + what_ + ")";
            case "string" -> reader + ".readString(" + what_ + ")";
            case "bytes" -> reader + ".readBytes(" + what_ + ")";
            case "instant" -> reader + ".readInstant(" + what_ + ")";
            case "duration" -> reader + ".readDuration(" + what_ + ")";
            case "enum8" -> named(type) + ".fromOrdinal(" + reader + ".readU8(" + what_ + "))";
            case "enum16" -> named(type) + ".fromOrdinal(" + reader + ".readU16(" + what_ + "))";
            case "record" -> named(type) + ".read(" + reader + ")";
            case "list" -> {
                String lambda = "r" + depth;
                yield "HetuValues.list(" + reader + ", " + what_ + ", " + lambda + " -> "
                        + read(type.element(), lambda, "an element of " + what, depth + 1) + ")";
            }
            default -> throw unknown(type.type());
        };
    }

    static IllegalArgumentException unknown(String type) {
        return new IllegalArgumentException("type '" + type + "' is not a type of manifest format 1; "
                + "this SDK generator is older than the manifest's producer");
    }
}
