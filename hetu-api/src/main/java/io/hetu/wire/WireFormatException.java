package io.hetu.wire;

/** Bytes from a client do not decode: too short, too long, or holding an invalid value. */
public final class WireFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
