package io.hetu.wire;

import io.hetu.schema.Layouts;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads values in the wire encoding of docs/PROTOCOL.md (little-endian) from a segment. Every read
 * checks the bytes remaining and throws {@link WireFormatException} naming what was being read,
 * so a malformed message is rejected cleanly. Generated system dispatchers decode arguments with it.
 */
public final class WireReader {

    private MemorySegment segment;
    private long start;
    private long position;
    private long limit;

    /** Reads {@code length} bytes of {@code segment} from {@code offset}. */
    public WireReader reset(MemorySegment segment, long offset, long length) {
        this.segment = segment;
        this.start = offset;
        this.position = offset;
        this.limit = offset + length;
        return this;
    }

    /** Starts over at the first byte. */
    public WireReader rewind() {
        position = start;
        return this;
    }

    public long remaining() {
        return limit - position;
    }

    public long position() {
        return position - start;
    }

    /** Fails unless every byte was read. */
    public void expectEnd(String what) {
        if (position != limit) {
            throw new WireFormatException(what + " has " + (limit - position) + " unexpected trailing byte(s)");
        }
    }

    public boolean readBool(String what) {
        byte value = segment.get(Layouts.I8, need(1, what));
        if (value != 0 && value != 1) {
            throw new WireFormatException(what + " must be a bool (0 or 1), was " + value);
        }
        return value == 1;
    }

    public byte readI8(String what) {
        return segment.get(Layouts.I8, need(1, what));
    }

    public short readI16(String what) {
        return segment.get(Layouts.I16, need(2, what));
    }

    public int readI32(String what) {
        return segment.get(Layouts.I32, need(4, what));
    }

    public long readI64(String what) {
        return segment.get(Layouts.I64, need(8, what));
    }

    public float readF32(String what) {
        return segment.get(Layouts.F32, need(4, what));
    }

    public double readF64(String what) {
        return segment.get(Layouts.F64, need(8, what));
    }

    public char readChar(String what) {
        return segment.get(Layouts.CHAR, need(2, what));
    }

    public int readU8(String what) {
        return Byte.toUnsignedInt(readI8(what));
    }

    public int readU16(String what) {
        return Short.toUnsignedInt(readI16(what));
    }

    /** An enum ordinal, checked against the number of constants. */
    public int readOrdinal(boolean wide, int constants, String what) {
        int ordinal = wide ? readU16(what) : readU8(what);
        if (ordinal >= constants) {
            throw new WireFormatException(what + " holds enum ordinal " + ordinal + ", but there are " + constants
                    + " constants");
        }
        return ordinal;
    }

    /** A {@code u32} count of elements, checked against the bytes left (each element takes at least one). */
    public int readCount(String what) {
        long count = Integer.toUnsignedLong(readI32(what));
        if (count > remaining()) {
            throw new WireFormatException(what + " claims " + count + " elements but only " + remaining()
                    + " bytes follow");
        }
        return (int) count;
    }

    /** The presence flag of a nullable value. */
    public boolean readPresent(String what) {
        byte flag = segment.get(Layouts.I8, need(1, what));
        if (flag != 0 && flag != 1) {
            throw new WireFormatException(what + " (presence flag) must be a bool (0 or 1), was " + flag);
        }
        return flag == 1;
    }

    /** A {@code u32}-length UTF-8 string; malformed UTF-8 is rejected. */
    public String readString(String what) {
        int length = readLength(what);
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, Layouts.I8, need(length, what), bytes, 0, length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException(what + " is not valid UTF-8");
        }
    }

    /** A {@code u16}-length UTF-8 string, as used for codes and messages. */
    public String readShortString(String what) {
        int length = readU16(what);
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, Layouts.I8, need(length, what), bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] readBytes(String what) {
        int length = readLength(what);
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, Layouts.I8, need(length, what), bytes, 0, length);
        return bytes;
    }

    public Instant readInstant(String what) {
        long nanos = readI64(what);
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    public Duration readDuration(String what) {
        return Duration.ofNanos(readI64(what));
    }

    /** Skips {@code length} bytes and returns the offset in the segment where they start. */
    public long skip(long length, String what) {
        return need(length, what);
    }

    public MemorySegment segment() {
        return segment;
    }

    private int readLength(String what) {
        long length = Integer.toUnsignedLong(readI32(what + " (length)"));
        if (length > remaining()) {
            throw new WireFormatException(what + " claims " + length + " bytes but only " + remaining() + " follow");
        }
        return (int) length;
    }

    private long need(long bytes, String what) {
        if (limit - position < bytes) {
            throw new WireFormatException("the message ends inside " + what + " (needs " + bytes + " byte(s), "
                    + (limit - position) + " left)");
        }
        long at = position;
        position += bytes;
        return at;
    }
}
