package io.hetu.wire;

/**
 * The constants of docs/PROTOCOL.md: version, message types, close codes and QUERY flags. The codes
 * of REJECTED and ERROR are in {@link Codes}.
 */
public final class Protocol {

    /** The newest protocol version, which the SDKs speak. */
    public static final int VERSION = 2;

    public static final byte HELLO = 0x01;
    public static final byte CALL = 0x02;
    public static final byte SELECT = 0x03;
    public static final byte QUERY = 0x04;
    public static final byte UNSUBSCRIBE = 0x05;
    public static final byte PING = 0x06;
    /** A CALL with a call id, which runs at most once per user and id (version 2). */
    public static final byte CALL_ONCE = 0x07;

    public static final byte WELCOME = (byte) 0x81;
    public static final byte RESULT = (byte) 0x82;
    public static final byte REJECTED = (byte) 0x83;
    public static final byte SUBSCRIBED = (byte) 0x84;
    public static final byte DONE = (byte) 0x85;
    public static final byte PONG = (byte) 0x86;
    public static final byte ERROR = (byte) 0x8F;
    public static final byte UPDATE = (byte) 0x90;

    /** UPDATE change kinds. */
    public static final byte KIND_INSERT = 1;
    public static final byte KIND_UPDATE = 2;
    public static final byte KIND_DELETE = 3;

    public static final int CLOSE_PROTOCOL = 4000;
    public static final int CLOSE_KICKED = 4001;
    public static final int CLOSE_HANDSHAKE = 4002;
    public static final int CLOSE_TOO_SLOW = 4003;
    public static final int CLOSE_LIMIT = 4004;
    public static final int CLOSE_IDLE = 4005;
    public static final int CLOSE_HANDSHAKE_TIMEOUT = 4006;
    /** An {@code @OnConnect} hook refused the connection. */
    public static final int CLOSE_REFUSED = 4007;
    public static final int CLOSE_SHUTDOWN = 1001;

    public static final int QUERY_DESCENDING = 1;
    public static final int QUERY_HAS_LOW = 1 << 1;
    public static final int QUERY_LOW_INCLUSIVE = 1 << 2;
    public static final int QUERY_HAS_HIGH = 1 << 3;
    public static final int QUERY_HIGH_INCLUSIVE = 1 << 4;

    private Protocol() {}
}
