package io.hetu.schema;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.Layouts;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * A value of an indexed column, encoded for lookups and range bounds. A string key keeps its
 * stored form (length prefix and UTF-8 bytes) so it compares with rows byte for byte.
 */
public final class Key {

    private final FieldType type;
    private final long bits;
    private final MemorySegment string;

    private Key(FieldType type, long bits, MemorySegment string) {
        this.type = type;
        this.bits = bits;
        this.string = string;
    }

    /** The order-preserving encoding, or for a string its prefix. */
    public long bits() {
        return bits;
    }

    /** The stored form of a string key (length prefix, then UTF-8), else null. */
    public MemorySegment string() {
        return string;
    }

    public FieldType type() {
        return type;
    }

    /** The key of an integral column (also {@code char}, {@code boolean} as 0/1, enums by ordinal). */
    public static Key ofLong(FieldLayout column, long value) {
        FieldType type = column.type();
        long bits = switch (type) {
            case I8 -> signedInRange(column, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case I16 -> signedInRange(column, value, Short.MIN_VALUE, Short.MAX_VALUE);
            case I32 -> signedInRange(column, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case I64, INSTANT, DURATION -> KeyCodec.signedKey(value);
            case CHAR -> unsignedInRange(column, value, Character.MAX_VALUE);
            case BOOL -> unsignedInRange(column, value, 1);
            case ENUM8, ENUM16 -> unsignedInRange(column, value, column.enumConstants().size() - 1);
            case F32 -> KeyCodec.floatKey(value);
            case F64 -> KeyCodec.doubleKey(value);
            case STRING, BYTES -> throw mismatch(column, "a number");
        };
        return new Key(type, bits, null);
    }

    /** The key of a floating-point column. */
    public static Key ofDouble(FieldLayout column, double value) {
        return switch (column.type()) {
            case F32 -> new Key(FieldType.F32, KeyCodec.floatKey((float) value), null);
            case F64 -> new Key(FieldType.F64, KeyCodec.doubleKey(value), null);
            default -> throw mismatch(column, "a floating-point number");
        };
    }

    /** The key of a {@code String} column; a string longer than the column's maximum matches no row. */
    public static Key ofString(FieldLayout column, String value) {
        if (column.type() != FieldType.STRING) {
            throw mismatch(column, "a String");
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException(column.name() + ": a key of " + utf8.length + " bytes is longer than any"
                    + " column can hold");
        }
        MemorySegment stored = MemorySegment.ofArray(new byte[2 + utf8.length]);
        stored.set(Layouts.I16, 0, (short) utf8.length);
        MemorySegment.copy(utf8, 0, stored, Layouts.I8, 2, utf8.length);
        return new Key(FieldType.STRING, KeyCodec.stringPrefix(stored, 2, utf8.length), stored);
    }

    /**
     * The key of any indexable column from a boxed value, checked against the column's type. A
     * {@code Key} of the column's type is returned as it is.
     */
    public static Key of(FieldLayout column, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(column.name() + ": a key cannot be null");
        }
        if (value instanceof Key key) {
            if (key.type != column.type()) {
                throw mismatch(column, "a " + column.type().wireName() + " key, not " + key.type.wireName());
            }
            return key;
        }
        switch (column.type()) {
            case BOOL -> {
                if (value instanceof Boolean b) {
                    return ofLong(column, b ? 1 : 0);
                }
                throw mismatch(column, "a Boolean");
            }
            case CHAR -> {
                if (value instanceof Character c) {
                    return ofLong(column, c);
                }
                throw mismatch(column, "a Character");
            }
            case I8, I16, I32, I64 -> {
                if (value instanceof Byte || value instanceof Short || value instanceof Integer
                        || value instanceof Long) {
                    return ofLong(column, ((Number) value).longValue());
                }
                throw mismatch(column, "an integer");
            }
            case F32, F64 -> {
                if (value instanceof Number n) {
                    return ofDouble(column, n.doubleValue());
                }
                throw mismatch(column, "a number");
            }
            case ENUM8, ENUM16 -> {
                return ofLong(column, enumOrdinal(column, value));
            }
            case STRING -> {
                if (value instanceof String s) {
                    return ofString(column, s);
                }
                throw mismatch(column, "a String");
            }
            case INSTANT -> {
                if (value instanceof Instant i) {
                    return ofLong(column, saturatedNanos(i));
                }
                throw mismatch(column, "an Instant");
            }
            case DURATION -> {
                if (value instanceof Duration d) {
                    return ofLong(column, saturatedNanos(d));
                }
                throw mismatch(column, "a Duration");
            }
            default -> throw new IllegalArgumentException(column.name() + ": byte[] columns are not indexed");
        }
    }

    /** The key a row holds in a column; the row may be held anywhere. */
    public static Key ofRow(FieldLayout column, MemorySegment segment, long rowOffset) {
        long at = rowOffset + column.offset();
        long bits = KeyCodec.encode(column.type(), segment, at);
        if (column.type() != FieldType.STRING) {
            return new Key(column.type(), bits, null);
        }
        int length = Short.toUnsignedInt(segment.get(Layouts.I16, at));
        MemorySegment stored = MemorySegment.ofArray(new byte[2 + length]);
        MemorySegment.copy(segment, at, stored, 0, 2 + length);
        return new Key(FieldType.STRING, bits, stored);
    }

    private static int enumOrdinal(FieldLayout column, Object value) {
        String name = value instanceof Enum<?> e ? e.name() : value instanceof String s ? s : null;
        int ordinal = name == null ? -1 : column.enumConstants().indexOf(name);
        if (ordinal < 0) {
            throw new IllegalArgumentException(column.name() + ": " + value + " is not one of "
                    + column.enumConstants());
        }
        return ordinal;
    }

    private static long saturatedNanos(Instant instant) {
        long seconds = instant.getEpochSecond();
        long nanos = instant.getNano();
        if (seconds < 0) {
            // Borrow a second, as rows store instants: the product for the earliest storable second
            // overflows although the sum does not.
            seconds++;
            nanos -= 1_000_000_000L;
        }
        try {
            return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static long signedInRange(FieldLayout column, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(column.name() + ": " + value + " is outside the range of its "
                    + column.type().wireName() + " column (" + min + " .. " + max + ")");
        }
        return KeyCodec.signedKey(value);
    }

    private static long unsignedInRange(FieldLayout column, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(column.name() + ": " + value + " is outside the range of its "
                    + column.type().wireName() + " column (0 .. " + max + ")");
        }
        return value;
    }

    private static IllegalArgumentException mismatch(FieldLayout column, String expected) {
        return new IllegalArgumentException("column " + column.name() + " is " + column.type().wireName()
                + "; its key must be " + expected);
    }

    @Override
    public String toString() {
        return string != null
                ? new String(string.toArray(Layouts.I8), 2, (int) string.byteSize() - 2, StandardCharsets.UTF_8)
                : type.wireName() + ":" + Long.toHexString(bits);
    }
}
