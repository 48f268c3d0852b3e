package io.hetu.server;

import io.hetu.wire.Protocol;
import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/**
 * The first protocol handler: turns each joined WebSocket message into a {@link ClientMessage}
 * and passes it on, then releases the frame (a message's segments are valid only meanwhile). A
 * text message, or a message without even a type byte, closes the connection with
 * {@code PROTOCOL} here; an unknown type or a cut-short or overlong fixed part goes on as
 * {@link ClientMessage.Malformed}. Input that arrives while the connection closes is discarded.
 */
final class MessageDecoder extends ChannelInboundHandlerAdapter {

    private final Connection connection;
    private final WireReader reader = new WireReader();

    MessageDecoder(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(message);
            return;
        }
        try {
            if (connection.closing()) {
                return;
            }
            if (!(frame instanceof BinaryWebSocketFrame)) {
                connection.protocolError("only binary frames are part of the protocol, got "
                        + frame.getClass().getSimpleName());
                return;
            }
            ByteBuf content = frame.content();
            MemorySegment bytes = content.nioBufferCount() == 1
                    ? MemorySegment.ofBuffer(content.nioBuffer())
                    : MemorySegment.ofArray(ByteBufUtil.getBytes(content));
            reader.reset(bytes, 0, bytes.byteSize());
            byte type;
            try {
                type = reader.readI8("the message type");
            } catch (WireFormatException e) {
                connection.protocolError(e.getMessage());
                return;
            }
            ctx.fireChannelRead(decode(type, bytes));
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private ClientMessage decode(byte type, MemorySegment bytes) {
        try {
            return switch (type) {
                // HELLO is a message only as the first one; after WELCOME it is as unknown as any other type.
                case Protocol.HELLO -> connection.greeted() ? unknown(type) : hello();
                case Protocol.CALL -> new ClientMessage.Call(reader.readI32("the request id"), 0,
                        reader.readU16("the system id"), bytes);
                // CALL_ONCE is new in version 2: to a client of version 1 it is as unknown as it was.
                case Protocol.CALL_ONCE -> connection.version() < 2 ? unknown(type) : callOnce(bytes);
                case Protocol.SELECT -> new ClientMessage.Select(reader.readI32("the request id"),
                        reader.readU16("the component id"), reader.readU8("the select mode"), rest(bytes));
                case Protocol.QUERY -> new ClientMessage.Query(reader.readI32("the request id"),
                        reader.readU16("the component id"), reader.readU8("the index position"),
                        reader.readU8("the query flags"), Integer.toUnsignedLong(reader.readI32("the limit")),
                        rest(bytes));
                case Protocol.UNSUBSCRIBE -> unsubscribe();
                case Protocol.PING -> ping();
                default -> unknown(type);
            };
        } catch (WireFormatException e) {
            return new ClientMessage.Malformed(type, e.getMessage());
        }
    }

    private ClientMessage.Hello hello() {
        int version = reader.readU16("the protocol version");
        String hash = reader.readShortString("the schema hash");
        reader.expectEnd("HELLO");
        return new ClientMessage.Hello(version, hash);
    }

    private ClientMessage callOnce(MemorySegment bytes) {
        int request = reader.readI32("the request id");
        long callId = reader.readI64("the call id");
        int system = reader.readU16("the system id");
        if (callId == 0) {
            return new ClientMessage.Malformed(Protocol.CALL_ONCE, "a CALL_ONCE's call id must not be 0");
        }
        return new ClientMessage.Call(request, callId, system, bytes);
    }

    private ClientMessage.Unsubscribe unsubscribe() {
        int request = reader.readI32("the request id");
        int subscription = reader.readI32("the subscription id");
        reader.expectEnd("UNSUBSCRIBE");
        return new ClientMessage.Unsubscribe(request, subscription);
    }

    private ClientMessage.Ping ping() {
        long nonce = reader.readI64("the nonce");
        reader.expectEnd("PING");
        return new ClientMessage.Ping(nonce);
    }

    private static ClientMessage.Malformed unknown(byte type) {
        return new ClientMessage.Malformed(type, "unknown message type 0x" + HexFormat.of().toHexDigits(type));
    }

    /** The bytes after what was read. */
    private MemorySegment rest(MemorySegment bytes) {
        return bytes.asSlice(reader.position());
    }
}
