package io.hetu.server;

import io.hetu.server.app.App;
import io.hetu.system.Hook;
import io.hetu.system.Rejection;
import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The session's first step (docs/PROTOCOL.md, Session): after the WebSocket upgrade it waits for
 * HELLO, within the handshake timeout; checks the version and schema hash; answers WELCOME and
 * runs the OnConnect hooks; then removes itself from the pipeline. Anything before HELLO closes the
 * connection with {@code PROTOCOL}.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

    /** The oldest protocol version the server still speaks: version 1 is version 2 without CALL_ONCE. */
    static final int OLDEST_VERSION = 1;

    private final Connection connection;
    private final App app;
    private final Limits limits;
    private ScheduledFuture<?> timer;

    HandshakeHandler(Connection connection) {
        this.connection = connection;
        this.app = connection.server().app();
        this.limits = connection.server().limits();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            connection.upgraded();
            timer = ctx.executor().schedule(() -> {
                if (!connection.greeted()) {
                    connection.close(Codes.HANDSHAKE_TIMEOUT, "no HELLO within " + limits.handshakeTimeout().toMillis()
                            + " ms", Protocol.CLOSE_HANDSHAKE_TIMEOUT);
                }
            }, limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        switch (message) {
            case ClientMessage.Hello hello -> hello(ctx, hello);
            case ClientMessage.Malformed malformed when malformed.type() == Protocol.HELLO ->
                    connection.protocolError(malformed.reason());
            case ClientMessage other -> connection.protocolError("the first message must be HELLO (0x01), got 0x"
                    + HexFormat.of().toHexDigits(other.type()));
            default -> ctx.fireChannelRead(message);
        }
    }

    private void hello(ChannelHandlerContext ctx, ClientMessage.Hello hello) {
        if (hello.version() < OLDEST_VERSION || hello.version() > Protocol.VERSION) {
            connection.close(Codes.VERSION, "this server speaks protocol versions " + OLDEST_VERSION
                    + " to " + Protocol.VERSION + ", the client sent " + hello.version()
                    + "; use an SDK generated for this server", Protocol.CLOSE_HANDSHAKE);
            return;
        }
        if (!hello.schemaHash().equals(app.schemaHash())) {
            connection.close(Codes.SCHEMA, "the client was built for schema " + hello.schemaHash()
                    + " but this server runs schema " + app.schemaHash() + "; regenerate the client SDK "
                    + "(mvn hetu:generate) from this server's manifest", Protocol.CLOSE_HANDSHAKE);
            return;
        }
        if (Boolean.TRUE.equals(ctx.channel().attr(AdminRoute.OPERATOR).get())) {
            connection.session().operator();
        }
        if (!connection.greet(hello.version())) {
            int max = connection.server().limits().maxAnonymousConnections();
            connection.close(Codes.TOO_MANY_ANONYMOUS, "the server holds " + max + " connections that have not "
                    + "logged in (limits.maxAnonymousConnections); try again later", Protocol.CLOSE_LIMIT);
            return;
        }
        cancelTimer();
        // The app's OnConnect hooks run before WELCOME, so that one can refuse the connection.
        Rejection refused = connection.server().hooks().run(Hook.ON_CONNECT, connection.context());
        if (refused != null) {
            connection.close(Codes.REFUSED, refused.code() + ": " + refused.getMessage(), Protocol.CLOSE_REFUSED);
            return;
        }
        connection.write(connection.out().writeI8(Protocol.WELCOME).writeI16((short) hello.version())
                .writeI64(connection.session().connectionId())
                .writeI64(connection.server().database().backend().lastSeq()));
        ctx.pipeline().remove(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
