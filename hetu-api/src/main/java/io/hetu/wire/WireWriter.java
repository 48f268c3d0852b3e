package io.hetu.wire;

import io.hetu.schema.Layouts;
import io.hetu.schema.RowCodec;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes values in the wire encoding of docs/PROTOCOL.md (little-endian) into a growable buffer
 * that is reused from message to message. Generated system dispatchers encode results with it.
 */
public final class WireWriter {

    private byte[] bytes = new byte[256];
    private MemorySegment segment = MemorySegment.ofArray(bytes);
    private int size;

    public WireWriter clear() {
        size = 0;
        return this;
    }

    /** Forgets everything written after {@code mark}. */
    public void truncate(int mark) {
        size = mark;
    }

    public int size() {
        return size;
    }

    /** The bytes written so far; valid until the next write. */
    public byte[] array() {
        return bytes;
    }

    public MemorySegment segment() {
        return segment;
    }

    public WireWriter writeBool(boolean value) {
        int at = reserve(1);
        segment.set(Layouts.I8, at, (byte) (value ? 1 : 0));
        return this;
    }

    public WireWriter writeI8(byte value) {
        int at = reserve(1);
        segment.set(Layouts.I8, at, value);
        return this;
    }

    public WireWriter writeI16(short value) {
        int at = reserve(2);
        segment.set(Layouts.I16, at, value);
        return this;
    }

    public WireWriter writeI32(int value) {
        int at = reserve(4);
        segment.set(Layouts.I32, at, value);
        return this;
    }

    public WireWriter writeI64(long value) {
        int at = reserve(8);
        segment.set(Layouts.I64, at, value);
        return this;
    }

    public WireWriter writeF32(float value) {
        int at = reserve(4);
        segment.set(Layouts.F32, at, value);
        return this;
    }

    public WireWriter writeF64(double value) {
        int at = reserve(8);
        segment.set(Layouts.F64, at, value);
        return this;
    }

    public WireWriter writeChar(char value) {
        int at = reserve(2);
        segment.set(Layouts.CHAR, at, value);
        return this;
    }

    public WireWriter writeOrdinal(boolean wide, int ordinal) {
        return wide ? writeI16((short) ordinal) : writeI8((byte) ordinal);
    }

    public WireWriter writeCount(int count) {
        return writeI32(count);
    }

    public WireWriter writePresent(boolean present) {
        return writeBool(present);
    }

    /** A {@code u32}-length UTF-8 string. */
    public WireWriter writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeI32(utf8.length);
        return writeRaw(utf8, 0, utf8.length);
    }

    /** A {@code u16}-length UTF-8 string (codes and messages), cut at 65535 bytes. */
    public WireWriter writeShortString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, 0xFFFF);
        writeI16((short) length);
        return writeRaw(utf8, 0, length);
    }

    public WireWriter writeBytes(byte[] value) {
        writeI32(value.length);
        return writeRaw(value, 0, value.length);
    }

    /** An instant as nanoseconds since the epoch; one outside 1677..2262 fails with FieldValueException. */
    public WireWriter writeInstant(Instant value) {
        return writeI64(RowCodec.instantToNanos(value, "an Instant on the wire"));
    }

    /** A duration as nanoseconds; one over about 292 years fails with FieldValueException. */
    public WireWriter writeDuration(Duration value) {
        return writeI64(RowCodec.durationToNanos(value, "a Duration on the wire"));
    }

    public WireWriter writeRaw(byte[] source, int offset, int length) {
        int at = reserve(length);
        System.arraycopy(source, offset, bytes, at, length);
        return this;
    }

    /** Copies {@code length} bytes from a segment: a row straight from table memory. */
    public WireWriter writeRaw(MemorySegment source, long offset, int length) {
        int at = reserve(length);
        MemorySegment.copy(source, offset, segment, at, length);
        return this;
    }

    private int reserve(int count) {
        if (size + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + count));
            segment = MemorySegment.ofArray(bytes);
        }
        int at = size;
        size += count;
        return at;
    }
}
