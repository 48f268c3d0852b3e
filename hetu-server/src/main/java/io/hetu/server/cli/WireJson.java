package io.hetu.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.manifest.SchemaManifest;
import io.hetu.manifest.SchemaManifest.FieldDef;
import io.hetu.manifest.SchemaManifest.ParamDef;
import io.hetu.manifest.SchemaManifest.TypeRef;
import io.hetu.schema.RowCodec;
import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;

/**
 * Values of a manifest's types as JSON, for the operator's commands (docs/PROTOCOL.md, Encoding):
 * what {@code hetu call} encodes from its arguments and decodes from a RESULT, and how
 * {@code hetu query} prints rows. Instants and durations are ISO-8601 text, bytes base64, enums
 * their constant names, {@code i64} a JSON number (exact: Jackson keeps longs).
 */
final class WireJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SchemaManifest manifest;

    WireJson(SchemaManifest manifest) {
        this.manifest = manifest;
    }

    /**
     * The JSON of a command-line argument for a value of {@code type}: a string parameter takes the
     * text as it is (no quotes needed), anything else is JSON ({@code 42}, {@code true}, {@code null},
     * {@code {"x": 1}}), and an instant, duration, enum or bytes value may be given bare.
     */
    JsonNode argument(String text, TypeRef type, String what) {
        if (type.nullable() && text.equals("null")) {
            return NODES.nullNode();
        }
        switch (type.type()) {
            case "string", "char", "instant", "duration", "enum8", "enum16", "bytes" -> {
                if (!text.startsWith("\"")) {
                    return NODES.textNode(text);
                }
            }
            default -> { }
        }
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a " + describe(type)
                    + " (give JSON: a number, true/false, a \"string\", {\"field\": ...} or [...])");
        }
    }

    /** Writes {@code value} as a value of {@code type}. */
    void write(WireWriter out, TypeRef type, JsonNode value, String what) {
        if (type.nullable()) {
            out.writePresent(!value.isNull());
            if (value.isNull()) {
                return;
            }
        } else if (value.isNull()) {
            throw new IllegalArgumentException(what + " may not be null");
        }
        switch (type.type()) {
            case "bool" -> {
                requireThat(value.isBoolean(), what, "true or false", value);
                out.writeBool(value.booleanValue());
            }
            case "i8" -> out.writeI8((byte) integer(value, Byte.MIN_VALUE, Byte.MAX_VALUE, what));
            case "i16" -> out.writeI16((short) integer(value, Short.MIN_VALUE, Short.MAX_VALUE, what));
            case "i32" -> out.writeI32((int) integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE, what));
            case "i64" -> out.writeI64(integer(value, Long.MIN_VALUE, Long.MAX_VALUE, what));
            case "f32" -> {
                requireThat(value.isNumber(), what, "a number", value);
                out.writeF32(value.floatValue());
            }
            case "f64" -> {
                requireThat(value.isNumber(), what, "a number", value);
                out.writeF64(value.doubleValue());
            }
            case "char" -> {
                requireThat(value.isTextual() && value.textValue().length() == 1, what, "one character", value);
                out.writeChar(value.textValue().charAt(0));
            }
            case "string" -> {
                requireThat(value.isTextual(), what, "a string", value);
                out.writeString(value.textValue());
            }
            case "bytes" -> {
                requireThat(value.isTextual(), what, "base64 text", value);
                try {
                    out.writeBytes(Base64.getDecoder().decode(value.textValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(what + ": '" + value.textValue() + "' is not base64");
                }
            }
            case "instant" -> out.writeInstant(instant(value, what));
            case "duration" -> out.writeDuration(duration(value, what));
            case "enum8", "enum16" -> {
                List<String> constants = enumConstants(type);
                int ordinal = value.isTextual() ? constants.indexOf(value.textValue()) : -1;
                if (ordinal < 0) {
                    throw new IllegalArgumentException(what + ": " + value + " is not one of " + constants);
                }
                out.writeOrdinal(type.type().equals("enum16"), ordinal);
            }
            case "record" -> {
                requireThat(value.isObject(), what, "a JSON object {\"field\": ...}", value);
                List<ParamDef> fields = recordFields(type);
                for (ParamDef field : fields) {
                    JsonNode member = value.get(field.name());
                    if (member == null) {
                        throw new IllegalArgumentException(what + ": no field '" + field.name() + "' (the record "
                                + type.name() + " has " + fields.stream().map(ParamDef::name).toList() + ")");
                    }
                    write(out, field.type(), member, what + "." + field.name());
                }
            }
            case "array", "list" -> {
                requireThat(value.isArray(), what, "a JSON array [...]", value);
                out.writeCount(value.size());
                for (int i = 0; i < value.size(); i++) {
                    write(out, type.element(), value.get(i), what + "[" + i + "]");
                }
            }
            default -> throw new IllegalArgumentException(what + ": this command cannot write a " + type.type());
        }
    }

    /** Reads a value of {@code type}. */
    JsonNode read(WireReader in, TypeRef type) {
        if (type == null || type.type().equals("void")) {
            return NODES.nullNode();
        }
        if (type.nullable() && !in.readPresent("presence")) {
            return NODES.nullNode();
        }
        return switch (type.type()) {
            case "bool" -> NODES.booleanNode(in.readBool("a bool"));
            case "i8" -> NODES.numberNode(in.readI8("an i8"));
            case "i16" -> NODES.numberNode(in.readI16("an i16"));
            case "i32" -> NODES.numberNode(in.readI32("an i32"));
            case "i64" -> NODES.numberNode(in.readI64("an i64"));
            case "f32" -> NODES.numberNode(in.readF32("an f32"));
            case "f64" -> NODES.numberNode(in.readF64("an f64"));
            case "char" -> NODES.textNode(String.valueOf(in.readChar("a char")));
            case "string" -> NODES.textNode(in.readString("a string"));
            case "bytes" -> NODES.textNode(Base64.getEncoder().encodeToString(in.readBytes("bytes")));
            case "instant" -> NODES.textNode(in.readInstant("an instant").toString());
            case "duration" -> NODES.textNode(in.readDuration("a duration").toString());
            case "enum8", "enum16" -> {
                List<String> constants = enumConstants(type);
                yield NODES.textNode(constants.get(in.readOrdinal(type.type().equals("enum16"), constants.size(),
                        "an enum")));
            }
            case "record" -> {
                ObjectNode object = NODES.objectNode();
                for (ParamDef field : recordFields(type)) {
                    object.set(field.name(), read(in, field.type()));
                }
                yield object;
            }
            case "array", "list" -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = in.readCount("a count"); i > 0; i--) {
                    array.add(read(in, type.element()));
                }
                yield array;
            }
            default -> throw new WireFormatException("a result of type " + type.type() + " this command cannot read");
        };
    }

    /** A row, from its layout bytes at {@code at}, as an object of its columns (and {@code id}). */
    static ObjectNode row(SchemaManifest.ComponentDef component, long id, ByteBuffer bytes, int at) {
        ByteBuffer row = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment segment = MemorySegment.ofBuffer(row.duplicate().clear());
        ObjectNode object = NODES.objectNode();
        object.put("id", id);
        int bitmap = component.nullBitmapOffset();
        for (FieldDef field : component.fields()) {
            int offset = at + field.offset();
            if (field.nullable() && (row.get(at + bitmap + field.nullBit() / 8) & (1 << (field.nullBit() % 8))) == 0) {
                object.putNull(field.name());
                continue;
            }
            switch (field.type()) {
                case "bool" -> object.put(field.name(), row.get(offset) != 0);
                case "i8" -> object.put(field.name(), row.get(offset));
                case "i16" -> object.put(field.name(), row.getShort(offset));
                case "i32" -> object.put(field.name(), row.getInt(offset));
                case "i64" -> object.put(field.name(), row.getLong(offset));
                case "f32" -> object.put(field.name(), row.getFloat(offset));
                case "f64" -> object.put(field.name(), row.getDouble(offset));
                case "char" -> object.put(field.name(), String.valueOf(row.getChar(offset)));
                case "enum8" -> object.put(field.name(), constant(field, Byte.toUnsignedInt(row.get(offset))));
                case "enum16" -> object.put(field.name(), constant(field, Short.toUnsignedInt(row.getShort(offset))));
                case "instant" -> object.put(field.name(), RowCodec.nanosToInstant(row.getLong(offset)).toString());
                case "duration" -> object.put(field.name(), Duration.ofNanos(row.getLong(offset)).toString());
                // The engine's own column codec, which also refuses a length over the column's maximum.
                case "string" -> object.put(field.name(), RowCodec.readString(segment, offset, field.maxLength()));
                case "bytes" -> object.put(field.name(), Base64.getEncoder().encodeToString(
                        RowCodec.readBytes(segment, offset, field.maxLength())));
                default -> object.put(field.name(), "<" + field.type() + ">");
            }
        }
        return object;
    }

    /** The value type of column {@code field} (an enum's constants are the field's own). */
    static TypeRef typeOf(FieldDef field) {
        return new TypeRef(field.type(), false, null, null);
    }

    /** Writes {@code value} as a key of column {@code field}: a QUERY bound is a value of its column's type. */
    void writeKey(WireWriter out, FieldDef field, JsonNode value, String what) {
        if (field.type().startsWith("enum")) {
            int ordinal = value.isTextual() ? field.enumConstants().indexOf(value.textValue()) : -1;
            if (ordinal < 0) {
                throw new IllegalArgumentException(what + ": " + value + " is not one of " + field.enumConstants());
            }
            out.writeOrdinal(field.type().equals("enum16"), ordinal);
        } else {
            write(out, new TypeRef(field.type(), false, null, null), value, what);
        }
    }

    private static String constant(FieldDef field, int ordinal) {
        return ordinal < field.enumConstants().size() ? field.enumConstants().get(ordinal) : "#" + ordinal;
    }

    private List<String> enumConstants(TypeRef type) {
        return manifest.enums().stream().filter(e -> e.name().equals(type.name())).findFirst()
                .map(SchemaManifest.EnumDef::constants)
                .orElseThrow(() -> new IllegalArgumentException("the manifest has no enum " + type.name()));
    }

    private List<ParamDef> recordFields(TypeRef type) {
        return manifest.records().stream().filter(r -> r.name().equals(type.name())).findFirst()
                .map(SchemaManifest.RecordDef::fields)
                .orElseThrow(() -> new IllegalArgumentException("the manifest has no record " + type.name()));
    }

    static String describe(TypeRef type) {
        String name = switch (type.type()) {
            case "record", "enum8", "enum16" -> type.name();
            case "array", "list" -> "list of " + describe(type.element());
            default -> type.type();
        };
        return type.nullable() ? name + " or null" : name;
    }

    private static long integer(JsonNode value, long min, long max, String what) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
                || value.longValue() > max) {
            throw new IllegalArgumentException(what + ": " + value + " is not a whole number from " + min + " to " + max);
        }
        return value.longValue();
    }

    private static Instant instant(JsonNode value, String what) {
        try {
            return value.isIntegralNumber() ? RowCodec.nanosToInstant(value.longValue()) : Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + ": '" + value.asText() + "' is not an ISO-8601 instant such as "
                    + "2026-12-04T10:00:00Z");
        }
    }

    private static Duration duration(JsonNode value, String what) {
        try {
            return value.isIntegralNumber() ? Duration.ofNanos(value.longValue()) : Duration.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + ": '" + value.asText() + "' is not an ISO-8601 duration such as "
                    + "PT90S");
        }
    }

    private static void requireThat(boolean ok, String what, String expected, JsonNode value) {
        if (!ok) {
            throw new IllegalArgumentException(what + ": " + value + " is not " + expected);
        }
    }
}
