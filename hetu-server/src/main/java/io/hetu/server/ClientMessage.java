package io.hetu.server;

import io.hetu.wire.Protocol;
import java.lang.foreign.MemorySegment;

/**
 * A client's message as {@link MessageDecoder} decoded it: the fixed fields of docs/PROTOCOL.md's
 * "Client to server" table. What depends on the app (a CALL's arguments, a SELECT's id or key, a
 * QUERY's bounds) stays bytes for the handler that knows the app. A message and its segments are
 * valid only while the {@code channelRead} that carries it runs: the frame is released after it.
 */
sealed interface ClientMessage {

    /** The message type byte. */
    byte type();

    /** HELLO: the protocol version and schema hash the client was built for. */
    record Hello(int version, String schemaHash) implements ClientMessage {
        @Override
        public byte type() {
            return Protocol.HELLO;
        }
    }

    /**
     * CALL, or CALL_ONCE when {@code callId} is not 0: {@code message} is the whole frame; the
     * arguments are its bytes from {@link #argumentsAt()}.
     */
    record Call(int request, long callId, int system, MemorySegment message) implements ClientMessage {
        /** Type, request id and system id come before a CALL's arguments. */
        static final long ARGUMENTS_AT = 7;
        /** A CALL_ONCE has its call id between the request id and the system id. */
        static final long ONCE_ARGUMENTS_AT = 15;

        @Override
        public byte type() {
            return callId == 0 ? Protocol.CALL : Protocol.CALL_ONCE;
        }

        long argumentsAt() {
            return callId == 0 ? ARGUMENTS_AT : ONCE_ARGUMENTS_AT;
        }
    }

    /** SELECT: {@code by} 0 (by id) or 1 (by unique index), then {@code body}: the id, or index position and key. */
    record Select(int request, int table, int by, MemorySegment body) implements ClientMessage {
        @Override
        public byte type() {
            return Protocol.SELECT;
        }
    }

    /** QUERY: the fixed fields, then {@code bounds}: the low and high bound as the flags say. */
    record Query(int request, int table, int indexPosition, int flags, long limit, MemorySegment bounds)
            implements ClientMessage {
        @Override
        public byte type() {
            return Protocol.QUERY;
        }
    }

    /** UNSUBSCRIBE of one subscription id. */
    record Unsubscribe(int request, int subscription) implements ClientMessage {
        @Override
        public byte type() {
            return Protocol.UNSUBSCRIBE;
        }
    }

    /** PING with the nonce PONG echoes. */
    record Ping(long nonce) implements ClientMessage {
        @Override
        public byte type() {
            return Protocol.PING;
        }
    }

    /**
     * A frame that is no message: an unknown type, or a known one cut short or with trailing bytes.
     * It travels on like a message, so that the handshake and the request budget see it as they
     * see a request (before HELLO it is not HELLO; after, it takes its tokens), and then closes
     * the connection with {@code PROTOCOL} and {@code reason}.
     */
    record Malformed(byte type, String reason) implements ClientMessage {}
}
