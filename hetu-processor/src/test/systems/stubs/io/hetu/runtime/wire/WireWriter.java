package io.hetu.runtime.wire;

import java.time.Duration;
import java.time.Instant;

/** Stub: the signatures of the runtime's WireWriter that generated dispatchers call. */
public final class WireWriter {

    public WireWriter writeBool(boolean value) {
        return this;
    }

    public WireWriter writeI8(byte value) {
        return this;
    }

    public WireWriter writeI16(short value) {
        return this;
    }

    public WireWriter writeI32(int value) {
        return this;
    }

    public WireWriter writeI64(long value) {
        return this;
    }

    public WireWriter writeF32(float value) {
        return this;
    }

    public WireWriter writeF64(double value) {
        return this;
    }

    public WireWriter writeChar(char value) {
        return this;
    }

    public WireWriter writeOrdinal(boolean wide, int ordinal) {
        return this;
    }

    public WireWriter writeCount(int count) {
        return this;
    }

    public WireWriter writePresent(boolean present) {
        return this;
    }

    public WireWriter writeString(String value) {
        return this;
    }

    public WireWriter writeBytes(byte[] value) {
        return this;
    }

    public WireWriter writeInstant(Instant value) {
        return this;
    }

    public WireWriter writeDuration(Duration value) {
        return this;
    }
}
