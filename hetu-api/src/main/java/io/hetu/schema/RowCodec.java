package io.hetu.schema;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads and writes the columns that are more than a single load or store: length-prefixed
 * strings and byte arrays, and time values. Generated flyweights call these; every write checks
 * the value before it touches the row, so a rejected value leaves the row unchanged.
 */
public final class RowCodec {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private RowCodec() {}

    /** Reads a length-prefixed UTF-8 string column. */
    public static String readString(MemorySegment segment, long offset, int maxLength) {
        int length = storedLength(segment, offset, maxLength);
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, Layouts.I8, offset + 2, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The length in UTF-8 bytes of the string stored in a column. */
    public static int storedLength(MemorySegment segment, long offset, int maxLength) {
        int length = Short.toUnsignedInt(segment.get(Layouts.I16, offset));
        if (length > maxLength) {
            throw new IllegalStateException("corrupt row: a column at offset " + offset + " holds length " + length
                    + ", more than its maximum of " + maxLength);
        }
        return length;
    }

    /**
     * Checks that a string fits a column, and returns its length in UTF-8 bytes.
     *
     * @throws FieldValueException when the string is null, longer than {@code maxLength} UTF-8
     *     bytes, or holds an unpaired surrogate (which has no UTF-8 form)
     */
    public static int checkString(String value, int maxLength, String column) {
        if (value == null) {
            throw notNullable(column);
        }
        int chars = value.length();
        int bytes = chars;
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 2;
                i++;
            } else {
                throw new FieldValueException(column + ": the string has an unpaired surrogate at index " + i
                        + ", which cannot be stored as UTF-8; pass well-formed text");
            }
        }
        if (bytes > maxLength) {
            throw new FieldValueException(column + ": the string is " + bytes + " UTF-8 bytes long, more than the "
                    + "declared maximum of " + maxLength + "; shorten it or raise @MaxLength");
        }
        return bytes;
    }

    /** Writes a string column: length prefix, UTF-8 bytes, and zeros to the end of the column. */
    public static void writeString(MemorySegment segment, long offset, int maxLength, String value, String column) {
        int length = checkString(value, maxLength, column);
        segment.set(Layouts.I16, offset, (short) length);
        long at = offset + 2;
        int chars = value.length();
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                segment.set(Layouts.I8, at++, (byte) c);
            } else if (c < 0x800) {
                segment.set(Layouts.I8, at++, (byte) (0xC0 | (c >> 6)));
                segment.set(Layouts.I8, at++, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                segment.set(Layouts.I8, at++, (byte) (0xF0 | (cp >> 18)));
                segment.set(Layouts.I8, at++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                segment.set(Layouts.I8, at++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                segment.set(Layouts.I8, at++, (byte) (0x80 | (cp & 0x3F)));
            } else {
                segment.set(Layouts.I8, at++, (byte) (0xE0 | (c >> 12)));
                segment.set(Layouts.I8, at++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                segment.set(Layouts.I8, at++, (byte) (0x80 | (c & 0x3F)));
            }
        }
        clear(segment, at, offset + 2 + maxLength);
    }

    /** Reads a length-prefixed byte-array column into a new array. */
    public static byte[] readBytes(MemorySegment segment, long offset, int maxLength) {
        int length = storedLength(segment, offset, maxLength);
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, Layouts.I8, offset + 2, bytes, 0, length);
        return bytes;
    }

    /** Checks that a byte array fits a column. */
    public static void checkBytes(byte[] value, int maxLength, String column) {
        if (value == null) {
            throw notNullable(column);
        }
        if (value.length > maxLength) {
            throw new FieldValueException(column + ": the array is " + value.length + " bytes long, more than the "
                    + "declared maximum of " + maxLength + "; shorten it or raise @MaxLength");
        }
    }

    /** Writes a byte-array column: length prefix, bytes, and zeros to the end of the column. */
    public static void writeBytes(MemorySegment segment, long offset, int maxLength, byte[] value, String column) {
        checkBytes(value, maxLength, column);
        segment.set(Layouts.I16, offset, (short) value.length);
        MemorySegment.copy(value, 0, segment, Layouts.I8, offset + 2, value.length);
        clear(segment, offset + 2 + value.length, offset + 2 + maxLength);
    }

    /** Zeroes a column and its length prefix, as stored for null. */
    public static void clearColumn(MemorySegment segment, long offset, int size) {
        clear(segment, offset, offset + size);
    }

    /**
     * Nanoseconds since the epoch for an instant.
     *
     * @throws FieldValueException when the instant is null or outside 1677-09-21 .. 2262-04-11,
     *     the range of signed 64-bit nanoseconds
     */
    public static long instantToNanos(Instant value, String column) {
        if (value == null) {
            throw notNullable(column);
        }
        long seconds = value.getEpochSecond();
        long nanos = value.getNano();
        if (seconds < 0) {
            // Borrow one second so the intermediate product of the earliest instants does not overflow.
            seconds += 1;
            nanos -= NANOS_PER_SECOND;
        }
        try {
            return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
        } catch (ArithmeticException e) {
            throw new FieldValueException(column + ": " + value + " is outside the storable range "
                    + nanosToInstant(Long.MIN_VALUE) + " .. " + nanosToInstant(Long.MAX_VALUE));
        }
    }

    public static Instant nanosToInstant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    /**
     * Nanoseconds in a duration.
     *
     * @throws FieldValueException when the duration is null or longer than about 292 years either
     *     way, the range of signed 64-bit nanoseconds
     */
    public static long durationToNanos(Duration value, String column) {
        if (value == null) {
            throw notNullable(column);
        }
        try {
            return value.toNanos();
        } catch (ArithmeticException e) {
            throw new FieldValueException(column + ": " + value + " is outside the storable range of signed 64-bit "
                    + "nanoseconds (about 292 years either way)");
        }
    }

    /**
     * Whether a column of a row holds a value: always for a column that is not nullable, else its
     * bit in the row's null bitmap.
     */
    public static boolean isPresent(MemorySegment segment, long rowOffset, RowLayout layout, FieldLayout column) {
        if (!column.nullable()) {
            return true;
        }
        int bit = column.nullBit();
        return (segment.get(Layouts.I8, rowOffset + layout.nullBitmapOffset() + bit / 8) & (1 << (bit % 8))) != 0;
    }

    /** The error for a null written to a column that is not nullable. */
    public static FieldValueException notNullable(String column) {
        return new FieldValueException(column + " is not nullable: write a value, or declare the column with a boxed "
                + "type or @Nullable");
    }

    private static void clear(MemorySegment segment, long from, long to) {
        if (to > from) {
            segment.asSlice(from, to - from).fill((byte) 0);
        }
    }
}
