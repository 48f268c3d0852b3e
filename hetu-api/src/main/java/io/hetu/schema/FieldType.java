package io.hetu.schema;

/**
 * The storage type of a column. {@link #wireName()} is the name used in the schema manifest and
 * by every client SDK; all multi-byte values are little-endian.
 */
public enum FieldType {
    /** One byte, 0 or 1. */
    BOOL("bool", 1),
    I8("i8", 1),
    I16("i16", 2),
    I32("i32", 4),
    I64("i64", 8),
    F32("f32", 4),
    F64("f64", 8),
    /** One UTF-16 code unit. */
    CHAR("char", 2),
    /** An enum constant's ordinal in one byte (at most 256 constants). */
    ENUM8("enum8", 1),
    /** An enum constant's ordinal in two bytes. */
    ENUM16("enum16", 2),
    /** A two-byte length in bytes followed by up to the declared maximum of UTF-8 bytes. */
    STRING("string", 2),
    /** A two-byte length followed by up to the declared maximum of bytes. */
    BYTES("bytes", 2),
    /** Nanoseconds since 1970-01-01T00:00:00Z, signed 64-bit. */
    INSTANT("instant", 8),
    /** Nanoseconds, signed 64-bit. */
    DURATION("duration", 8);

    private final String wireName;
    private final int alignment;

    FieldType(String wireName, int alignment) {
        this.wireName = wireName;
        this.alignment = alignment;
    }

    public String wireName() {
        return wireName;
    }

    /** The natural alignment of the column in a row, in bytes. */
    public int alignment() {
        return alignment;
    }

    /** Whether the column has a declared maximum length and a length prefix. */
    public boolean isVariableLength() {
        return this == STRING || this == BYTES;
    }

    /** Whether an ordered index can be built over the column. */
    public boolean isOrderable() {
        return this != BYTES;
    }

    public static FieldType fromWireName(String name) {
        for (FieldType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown field type '" + name + "'");
    }
}
