package io.hetu.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limits.maxConnectionsPerAddress} open connections from one remote address; the
 * one over it is answered {@code 429 Too Many Requests} on its first request and closed, before it
 * costs a WebSocket. Loopback is not counted (a local reverse proxy or test). Shared by all
 * connections of a server; it leaves a connection's pipeline once the connection is admitted.
 */
@ChannelHandler.Sharable
final class AddressLimit extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Boolean> OVER = AttributeKey.valueOf("hetu.address-over-limit");

    private final int limit;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    AddressLimit(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress socket && !socket.getAddress().isLoopbackAddress()) {
            InetAddress address = socket.getAddress();
            int count = open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            ctx.channel().closeFuture().addListener(closed -> release(address));
            if (count > limit) {
                ctx.channel().attr(OVER).set(true);
            }
        }
        super.channelActive(ctx);
    }

    private void release(InetAddress address) {
        open.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
        if (Boolean.TRUE.equals(ctx.channel().attr(OVER).get())) {
            if (message instanceof FullHttpRequest request) {
                request.release();
            }
            byte[] body = ("More than " + limit + " connections from your address; close some, or ask the operator to "
                    + "raise limits.maxConnectionsPerAddress.\n").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.TOO_MANY_REQUESTS, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(message);
    }

    /** Open connections counted for {@code address} (for tests and stats). */
    int openFrom(InetAddress address) {
        AtomicInteger count = open.get(address);
        return count == null ? 0 : count.get();
    }
}
