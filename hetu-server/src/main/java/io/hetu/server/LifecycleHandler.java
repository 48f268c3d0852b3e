package io.hetu.server;

import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireFormatException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageAggregationException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.HexFormat;
import java.util.zip.DataFormatException;

/**
 * The last protocol handler, in front of the outbound budget: it answers PING, closes the
 * connection for a message no handler before it took (a malformed one, or a second HELLO), for the
 * idle timeout, and for every failure that reached the end of the pipeline, mapped to its code;
 * and when the socket closes it lets the {@link Connection} leave its sessions and run the
 * OnDisconnect hooks. Its context is the connection's way past the budget for closing frames.
 */
final class LifecycleHandler extends ChannelInboundHandlerAdapter {

    private final Connection connection;

    LifecycleHandler(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection.attach(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        switch (message) {
            case ClientMessage.Ping ping ->
                    connection.write(connection.out().writeI8(Protocol.PONG).writeI64(ping.nonce()));
            case ClientMessage.Malformed malformed -> connection.protocolError(malformed.reason());
            case ClientMessage other -> connection.protocolError("unknown message type 0x"
                    + HexFormat.of().toHexDigits(other.type()));
            default -> ctx.fireChannelRead(message);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            connection.close(Codes.IDLE, "nothing received for "
                    + connection.server().limits().idleTimeout().toSeconds() + " s; send PING to stay connected",
                    Protocol.CLOSE_IDLE);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.disconnected();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable decompression = cause instanceof DecompressionException ? cause : cause.getCause();
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException c
                && c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
                || decompression instanceof DecompressionException && !(decompression.getCause()
                        instanceof DataFormatException)) {
            connection.close(Codes.FRAME_TOO_LARGE, "a message is over the limit of "
                    + connection.server().limits().maxFrameBytes() + " bytes (after decompression): "
                    + cause.getMessage(), Protocol.CLOSE_LIMIT);
        } else if (decompression instanceof DecompressionException) {
            connection.protocolError("a compressed message is corrupt: " + decompression.getMessage());
        } else if (cause instanceof DecoderException || cause instanceof MessageAggregationException) {
            // Framing errors (reserved bits, a continuation without a start, a new message in the
            // middle of a fragmented one, a bad close frame) are the client's.
            connection.protocolError("a WebSocket frame is malformed: " + cause.getMessage());
        } else if (cause instanceof WireFormatException) {
            connection.protocolError(cause.getMessage());
        } else if (connection.closing() && cause instanceof ClosedChannelException) {
            // A reply or push written after our close frame: the WebSocket handler refuses it. The
            // close already under way must not be cut short, or the ERROR saying why is lost.
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // The client went away (in the middle of a message, perhaps): nobody to answer.
            ctx.close();
        } else {
            String trace = connection.server().failures().report("connection", cause);
            connection.protocolError("the server could not process a message; the server log has trace " + trace);
        }
    }
}
