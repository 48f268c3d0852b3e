package io.hetu.server;

import io.hetu.server.app.App;
import io.hetu.wire.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Watches one connection's protocol frames for {@link ServerMetrics}, right in front of the
 * protocol handler: it sees every frame the client sends (inflated and whole) and every frame the
 * server writes, without changing any. A CALL starts a call's clock, its RESULT or REJECTED stops
 * it; SUBSCRIBED and DONE count subscriptions, UPDATE counts pushes, and the code of the ERROR a
 * connection is sent before it closes is its disconnect reason.
 */
final class ConnectionMetrics extends ChannelDuplexHandler {

    /** Calls waiting for their answer at most; beyond, further calls are not timed (a client that never reads). */
    private static final int MAX_PENDING = 4096;

    private final ServerMetrics metrics;
    private final App app;
    private final Set<Channel> open;
    /** Request id to {system id, start nanos}; on the event loop only. */
    private final Map<Integer, long[]> pending = new HashMap<>();
    private boolean upgraded;
    private String reason;
    private long subscriptions;

    ConnectionMetrics(ServerMetrics metrics, App app, Set<Channel> open) {
        this.metrics = metrics;
        this.app = app;
        this.open = open;
    }

    /** Bytes written to a channel and not yet sent. */
    static long queued(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete && !upgraded) {
            upgraded = true;
            open.add(ctx.channel());
            metrics.connected();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
        String system = null;
        if (message instanceof BinaryWebSocketFrame frame) {
            ByteBuf bytes = frame.content();
            int at = bytes.readerIndex();
            byte type = bytes.readableBytes() >= 7 ? bytes.getByte(at) : 0;
            int systemAt = type == Protocol.CALL ? 5 : type == Protocol.CALL_ONCE && bytes.readableBytes() >= 15 ? 13 : -1;
            if (systemAt > 0) {
                int request = bytes.getIntLE(at + 1);
                int systemId = bytes.getUnsignedShortLE(at + systemAt);
                system = name(systemId);
                if (pending.size() < MAX_PENDING) {
                    pending.put(request, new long[] {systemId, System.nanoTime()});
                }
            }
        }
        metrics.calling(system);
        try {
            ctx.fireChannelRead(message);
        } finally {
            if (system != null) {
                metrics.calling(null);
            }
        }
    }

    private String name(int systemId) {
        App.Entry entry = app.system(systemId);
        return entry == null ? ServerMetrics.UNKNOWN_SYSTEM : entry.def().name();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
        if (message instanceof BinaryWebSocketFrame frame && frame.content().readableBytes() > 0) {
            ByteBuf bytes = frame.content();
            int at = bytes.readerIndex();
            byte type = bytes.getByte(at);
            switch (type) {
                case Protocol.RESULT -> answered(bytes, at, "OK");
                case Protocol.REJECTED -> answered(bytes, at, shortString(bytes, at + 5));
                case Protocol.SUBSCRIBED -> {
                    subscriptions++;
                    metrics.subscriptions.incrementAndGet();
                }
                case Protocol.DONE -> {
                    subscriptions--;
                    metrics.subscriptions.decrementAndGet();
                }
                case Protocol.UPDATE -> metrics.pushed(bytes.readableBytes());
                case Protocol.ERROR -> reason = reason != null ? reason : shortString(bytes, at + 1);
                default -> { }
            }
        }
        ctx.write(message, promise);
    }

    private void answered(ByteBuf bytes, int at, String outcome) {
        if (bytes.readableBytes() < 5) {
            return;
        }
        long[] call = pending.remove(bytes.getIntLE(at + 1));
        if (call != null && outcome != null) {
            metrics.calledSystem(name((int) call[0]), System.nanoTime() - call[1], outcome);
        }
    }

    /** A {@code str} of the protocol (u16 length, UTF-8) at {@code at}, or null when it does not fit. */
    private static String shortString(ByteBuf bytes, int at) {
        int end = bytes.readerIndex() + bytes.readableBytes();
        if (at + 2 > end) {
            return null;
        }
        int length = bytes.getUnsignedShortLE(at);
        return at + 2 + length > end ? null : bytes.toString(at + 2, length, StandardCharsets.UTF_8);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (upgraded) {
            open.remove(ctx.channel());
            metrics.subscriptions.addAndGet(-subscriptions);
            subscriptions = 0;
            metrics.disconnected(reason == null ? "CLIENT" : reason);
        }
        super.channelInactive(ctx);
    }
}
