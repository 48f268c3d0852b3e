package io.hetu.schema;

import io.hetu.schema.FieldType;
import io.hetu.schema.Layouts;
import java.lang.foreign.MemorySegment;

/**
 * The order-preserving encoding of index keys. Every fixed-width column value maps to a 64-bit
 * word whose unsigned order is the value's order, so one comparison serves every type:
 *
 * <ul>
 *   <li>signed integers, {@code Instant}, {@code Duration}: the value with its sign bit flipped;
 *   <li>{@code boolean}, {@code char}, enums: the unsigned value (the enum ordinal);
 *   <li>{@code float}, {@code double}: the IEEE bits with all bits flipped for negatives and the
 *       sign bit flipped for positives. This is {@link Double#compare}'s order: {@code -0.0}
 *       sorts before {@code +0.0} (they are different keys) and every NaN is one key that sorts
 *       after {@code +Infinity};
 *   <li>{@code String}: the first eight UTF-8 bytes, big-endian and zero-padded, as a prefix;
 *       equal prefixes are resolved by comparing the whole UTF-8 bytes, unsigned, shorter first,
 *       which is code-point order.
 * </ul>
 */
public final class KeyCodec {

    private KeyCodec() {}

    /** The key of the column stored at {@code offset}. For strings, the prefix. */
    public static long encode(FieldType type, MemorySegment segment, long offset) {
        return switch (type) {
            case BOOL, ENUM8 -> Byte.toUnsignedLong(segment.get(Layouts.I8, offset));
            case I8 -> segment.get(Layouts.I8, offset) ^ Long.MIN_VALUE;
            case I16 -> segment.get(Layouts.I16, offset) ^ Long.MIN_VALUE;
            case CHAR -> segment.get(Layouts.CHAR, offset);
            case ENUM16 -> Short.toUnsignedLong(segment.get(Layouts.I16, offset));
            case I32 -> segment.get(Layouts.I32, offset) ^ Long.MIN_VALUE;
            case I64, INSTANT, DURATION -> segment.get(Layouts.I64, offset) ^ Long.MIN_VALUE;
            case F32 -> floatKey(segment.get(Layouts.F32, offset));
            case F64 -> doubleKey(segment.get(Layouts.F64, offset));
            case STRING -> stringPrefix(segment, offset + 2, Short.toUnsignedInt(segment.get(Layouts.I16, offset)));
            case BYTES -> throw new IllegalArgumentException("byte[] columns have no order");
        };
    }

    public static long signedKey(long value) {
        return value ^ Long.MIN_VALUE;
    }

    public static long floatKey(float value) {
        int bits = Float.floatToIntBits(value);
        bits = bits < 0 ? ~bits : bits ^ Integer.MIN_VALUE;
        return Integer.toUnsignedLong(bits);
    }

    public static long doubleKey(double value) {
        long bits = Double.doubleToLongBits(value);
        return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    }

    /** The first eight bytes of a UTF-8 string, big-endian, zero-padded. */
    public static long stringPrefix(MemorySegment segment, long offset, int length) {
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
            prefix <<= 8;
            if (i < length) {
                prefix |= Byte.toUnsignedLong(segment.get(Layouts.I8, offset + i));
            }
        }
        return prefix;
    }

    /** Compares two stored strings (each at its length prefix) as unsigned UTF-8 bytes, shorter first. */
    public static int compareStrings(MemorySegment a, long aOffset, MemorySegment b, long bOffset) {
        int aLength = Short.toUnsignedInt(a.get(Layouts.I16, aOffset));
        int bLength = Short.toUnsignedInt(b.get(Layouts.I16, bOffset));
        int common = Math.min(aLength, bLength);
        long mismatch = MemorySegment.mismatch(a, aOffset + 2, aOffset + 2 + common, b, bOffset + 2, bOffset + 2 + common);
        if (mismatch >= 0 && mismatch < common) {
            return Integer.compare(Byte.toUnsignedInt(a.get(Layouts.I8, aOffset + 2 + mismatch)),
                    Byte.toUnsignedInt(b.get(Layouts.I8, bOffset + 2 + mismatch)));
        }
        return Integer.compare(aLength, bLength);
    }

    /** A well-spread hash of a 64-bit key, for hash indexes. */
    public static int hash(long key) {
        key ^= key >>> 33;
        key *= 0xff51afd7ed558ccdL;
        key ^= key >>> 33;
        key *= 0xc4ceb9fe1a85ec53L;
        key ^= key >>> 33;
        return (int) key;
    }

    /** A hash of a stored string's bytes (at its length prefix). */
    public static int hashString(MemorySegment segment, long offset) {
        int length = Short.toUnsignedInt(segment.get(Layouts.I16, offset));
        long h = 0x9E3779B97F4A7C15L ^ length;
        for (int i = 0; i < length; i++) {
            h = (h ^ segment.get(Layouts.I8, offset + 2 + i)) * 0x100000001B3L;
        }
        return hash(h);
    }
}
