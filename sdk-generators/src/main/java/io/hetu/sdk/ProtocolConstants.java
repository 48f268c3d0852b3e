package io.hetu.sdk;

/**
 * The constants of docs/PROTOCOL.md that a client needs, in one place: the generators write them into both SDK
 * runtimes ({@code src/runtime/protocol.ts}, {@code Runtime/Hetu/HetuProtocol.cs}), which use them instead of copies
 * of their own. The numbers carry the names and values of the server's {@code io.hetu.wire.Protocol} (a test
 * compares the two), so that the server's class can become the source later.
 */
public final class ProtocolConstants {

    private ProtocolConstants() {}

    /** What a number is, which also says how wide it travels and how the generated code spells it. */
    public enum Group {
        /** The protocol version in HELLO and WELCOME, a {@code u16}. */
        VERSION(16, false),
        /** The first byte of every frame. */
        MESSAGE_TYPE(8, true),
        /** The kind of one change in an UPDATE. */
        CHANGE_KIND(8, false),
        /** The bits of a QUERY's flags byte. */
        QUERY_FLAG(8, false),
        /** A QUERY's {@code u32} row limit. */
        QUERY_LIMIT(32, true),
        /** An UPDATE's {@code u16} change count. */
        UPDATE_COUNT(16, true),
        /** The WebSocket close code that follows an ERROR. */
        CLOSE_CODE(16, false);

        private final int bits;
        private final boolean hex;

        Group(int bits, boolean hex) {
            this.bits = bits;
            this.hex = hex;
        }

        /** The width of the value on the wire: 8, 16 or 32 bits, unsigned. */
        public int bits() {
            return bits;
        }

        /** Whether the generated code writes its values in hexadecimal, as PROTOCOL.md does. */
        public boolean hex() {
            return hex;
        }
    }

    /** The protocol's numbers, in the order the generated files list them. */
    public enum Number {
        VERSION(Group.VERSION, 2, "The protocol version this SDK speaks: HELLO sends it, WELCOME must carry it."),

        HELLO(Group.MESSAGE_TYPE, 0x01, "Client to server: the handshake."),
        CALL(Group.MESSAGE_TYPE, 0x02, "Client to server: calls a system."),
        SELECT(Group.MESSAGE_TYPE, 0x03, "Client to server: subscribes to one row."),
        QUERY(Group.MESSAGE_TYPE, 0x04, "Client to server: subscribes to a key range of an index."),
        UNSUBSCRIBE(Group.MESSAGE_TYPE, 0x05, "Client to server: ends a subscription."),
        PING(Group.MESSAGE_TYPE, 0x06, "Client to server: asks for a PONG."),
        CALL_ONCE(Group.MESSAGE_TYPE, 0x07, "Client to server: calls a system at most once per user and call id."),
        WELCOME(Group.MESSAGE_TYPE, 0x81, "Server to client: the handshake succeeded."),
        RESULT(Group.MESSAGE_TYPE, 0x82, "Server to client: a call's result."),
        REJECTED(Group.MESSAGE_TYPE, 0x83, "Server to client: a call or subscription was refused."),
        SUBSCRIBED(Group.MESSAGE_TYPE, 0x84, "Server to client: a subscription's snapshot."),
        DONE(Group.MESSAGE_TYPE, 0x85, "Server to client: an UNSUBSCRIBE succeeded."),
        PONG(Group.MESSAGE_TYPE, 0x86, "Server to client: the answer to a PING."),
        ERROR(Group.MESSAGE_TYPE, 0x8F, "Server to client: the connection ends, with a code."),
        UPDATE(Group.MESSAGE_TYPE, 0x90, "Server to client: the changes of one commit."),

        KIND_INSERT(Group.CHANGE_KIND, 1, "A row entered the result."),
        KIND_UPDATE(Group.CHANGE_KIND, 2, "A row of the result changed and stayed."),
        KIND_DELETE(Group.CHANGE_KIND, 3, "A row left the result."),

        QUERY_DESCENDING(Group.QUERY_FLAG, 1, "Order by key descending."),
        QUERY_HAS_LOW(Group.QUERY_FLAG, 1 << 1, "A low bound follows."),
        QUERY_LOW_INCLUSIVE(Group.QUERY_FLAG, 1 << 2, "The low bound is inclusive."),
        QUERY_HAS_HIGH(Group.QUERY_FLAG, 1 << 3, "A high bound follows."),
        QUERY_HIGH_INCLUSIVE(Group.QUERY_FLAG, 1 << 4, "The high bound is inclusive."),

        QUERY_NO_LIMIT(Group.QUERY_LIMIT, 0xFFFFFFFFL, "A QUERY limit that means no limit (the connection's row limit "
                + "still applies)."),
        MAX_CHANGES(Group.UPDATE_COUNT, 0xFFFF, "The most changes an UPDATE holds; one that holds exactly this many is "
                + "followed by more of the same seq, and a client applies them together."),

        CLOSE_SHUTDOWN(Group.CLOSE_CODE, 1001, "The server is stopping."),
        CLOSE_PROTOCOL(Group.CLOSE_CODE, 4000, "A malformed or unexpected message."),
        CLOSE_KICKED(Group.CLOSE_CODE, 4001, "The user logged in on another connection."),
        CLOSE_HANDSHAKE(Group.CLOSE_CODE, 4002, "The handshake failed."),
        CLOSE_TOO_SLOW(Group.CLOSE_CODE, 4003, "The client does not read what is sent to it."),
        CLOSE_LIMIT(Group.CLOSE_CODE, 4004, "A limit was broken."),
        CLOSE_IDLE(Group.CLOSE_CODE, 4005, "Nothing received for the idle timeout."),
        CLOSE_HANDSHAKE_TIMEOUT(Group.CLOSE_CODE, 4006, "No HELLO within the handshake timeout."),
        CLOSE_REFUSED(Group.CLOSE_CODE, 4007, "An OnConnect hook of the app refused the connection.");

        private final Group group;
        private final long value;
        private final String doc;

        Number(Group group, long value, String doc) {
            if (value < 0 || value >= 1L << group.bits) {
                throw new IllegalArgumentException(name() + " does not fit " + group.bits + " bits");
            }
            this.group = group;
            this.value = value;
            this.doc = doc;
        }

        public Group group() {
            return group;
        }

        /** The value, unsigned. */
        public long value() {
            return value;
        }

        /** One sentence for the generated code's comment. */
        public String doc() {
            return doc;
        }
    }

    /** What a client does after the server ended its connection with an ERROR. */
    public enum AfterError {
        /** Connect again with backoff: a new connection can succeed. */
        RECONNECT,
        /** Close for good: a new connection would end the same way. */
        CLOSE
    }

    /**
     * The codes of ERROR (docs/PROTOCOL.md, "Limits and closing"), each with the close code the server sends after
     * it and the rule both SDKs follow after it (docs/SDKS.md, "Reconnecting"). A code not listed closes; a
     * connection lost without an ERROR is reconnected.
     */
    public enum ErrorCode {
        SHUTDOWN(Number.CLOSE_SHUTDOWN, AfterError.RECONNECT, "the server is stopping; it or its replacement comes back"),
        IDLE(Number.CLOSE_IDLE, AfterError.RECONNECT, "a new connection starts its idle timer afresh"),
        TOO_SLOW(Number.CLOSE_TOO_SLOW, AfterError.RECONNECT, "a new connection starts with an empty outbound queue"),
        HANDSHAKE_TIMEOUT(Number.CLOSE_HANDSHAKE_TIMEOUT, AfterError.RECONNECT, "the next HELLO may be in time"),
        RESYNC(Number.CLOSE_LIMIT, AfterError.RECONNECT,
                "a Redis-backed server fell behind the change stream; subscribing again catches up"),
        RATE(Number.CLOSE_LIMIT, AfterError.RECONNECT, "after the backoff the request rate is under the limit again"),
        PROTOCOL(Number.CLOSE_PROTOCOL, AfterError.CLOSE, "a bug on one side: the next connection would repeat it"),
        SCHEMA(Number.CLOSE_HANDSHAKE, AfterError.CLOSE, "the server runs another schema: regenerate the SDK"),
        VERSION(Number.CLOSE_HANDSHAKE, AfterError.CLOSE, "the server speaks another protocol version"),
        KICKED(Number.CLOSE_KICKED, AfterError.CLOSE,
                "the user logged in elsewhere: coming back would kick that connection in turn"),
        FRAME_TOO_LARGE(Number.CLOSE_LIMIT, AfterError.CLOSE, "the same request would break the same limit"),
        TOO_MANY_SUBSCRIPTIONS(Number.CLOSE_LIMIT, AfterError.CLOSE, "re-subscribing everything would break it again"),
        TOO_MANY_ROWS(Number.CLOSE_LIMIT, AfterError.CLOSE, "re-subscribing everything would break it again"),
        TOO_MANY_ANONYMOUS(Number.CLOSE_LIMIT, AfterError.RECONNECT,
                "connections log in or leave; a later one gets in"),
        REFUSED(Number.CLOSE_REFUSED, AfterError.CLOSE,
                "the app refused this client (banned, maintenance): the app says when to come back");

        private final Number close;
        private final AfterError after;
        private final String why;

        ErrorCode(Number close, AfterError after, String why) {
            if (close.group() != Group.CLOSE_CODE) {
                throw new IllegalArgumentException(close + " is no close code");
            }
            this.close = close;
            this.after = after;
            this.why = why;
        }

        /** The code as the ERROR frame carries it. */
        public String code() {
            return name();
        }

        /** The WebSocket close code the server sends after this ERROR. */
        public Number close() {
            return close;
        }

        public AfterError after() {
            return after;
        }

        /** Why a client does {@link #after()}: the comment beside the rule in the generated table. */
        public String why() {
            return why;
        }
    }

    /**
     * The codes of REJECTED that the server itself sends (docs/PROTOCOL.md, "Calls" and "Subscriptions"); an app's
     * systems reject with codes of their own besides these. The connection stays open after each.
     */
    public enum RejectionCode {
        PERMISSION, NO_SUCH_SYSTEM, NO_SUCH_COMPONENT, NO_SUCH_SUBSCRIPTION, BAD_ARGUMENTS, CONFLICT, UNIQUE,
        INVALID_VALUE, ALREADY_LOGGED_IN, INTERNAL, UNAVAILABLE, UNKNOWN_OUTCOME, RATE_LIMITED,
        ALREADY_RAN;

        public String code() {
            return name();
        }
    }
}
