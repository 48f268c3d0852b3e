package io.hetu.runtime.wire;

import java.time.Duration;
import java.time.Instant;

/** Stub: the signatures of the runtime's WireReader that generated dispatchers call. */
public final class WireReader {

    public void expectEnd(String what) {
        throw stub();
    }

    public boolean readBool(String what) {
        throw stub();
    }

    public byte readI8(String what) {
        throw stub();
    }

    public short readI16(String what) {
        throw stub();
    }

    public int readI32(String what) {
        throw stub();
    }

    public long readI64(String what) {
        throw stub();
    }

    public float readF32(String what) {
        throw stub();
    }

    public double readF64(String what) {
        throw stub();
    }

    public char readChar(String what) {
        throw stub();
    }

    public int readOrdinal(boolean wide, int constants, String what) {
        throw stub();
    }

    public int readCount(String what) {
        throw stub();
    }

    public boolean readPresent(String what) {
        throw stub();
    }

    public String readString(String what) {
        throw stub();
    }

    public byte[] readBytes(String what) {
        throw stub();
    }

    public Instant readInstant(String what) {
        throw stub();
    }

    public Duration readDuration(String what) {
        throw stub();
    }

    private static UnsupportedOperationException stub() {
        return new UnsupportedOperationException("stub");
    }
}
