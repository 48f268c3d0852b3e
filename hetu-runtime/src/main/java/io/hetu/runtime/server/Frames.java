package io.hetu.runtime.server;

/** Message types and close codes of docs/PROTOCOL.md. */
final class Frames {

    static final int VERSION = 1;

    static final byte HELLO = 0x01;
    static final byte CALL = 0x02;
    static final byte SELECT = 0x03;
    static final byte QUERY = 0x04;
    static final byte UNSUBSCRIBE = 0x05;
    static final byte PING = 0x06;

    static final byte WELCOME = (byte) 0x81;
    static final byte RESULT = (byte) 0x82;
    static final byte REJECTED = (byte) 0x83;
    static final byte DONE = (byte) 0x85;
    static final byte PONG = (byte) 0x86;
    static final byte ERROR = (byte) 0x8F;

    static final int CLOSE_PROTOCOL = 4000;
    static final int CLOSE_KICKED = 4001;
    static final int CLOSE_HANDSHAKE = 4002;
    static final int CLOSE_TOO_SLOW = 4003;
    static final int CLOSE_LIMIT = 4004;
    static final int CLOSE_IDLE = 4005;
    static final int CLOSE_HANDSHAKE_TIMEOUT = 4006;
    static final int CLOSE_SHUTDOWN = 1001;

    static final int QUERY_DESCENDING = 1;
    static final int QUERY_HAS_LOW = 1 << 1;
    static final int QUERY_LOW_INCLUSIVE = 1 << 2;
    static final int QUERY_HAS_HIGH = 1 << 3;
    static final int QUERY_HIGH_INCLUSIVE = 1 << 4;

    private Frames() {}
}
