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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Answers {@code GET <path>/stats} with the {@link ServerStats} as JSON and passes every other
 * message on. It leaves the pipeline when a connection asks to become a WebSocket, so game
 * frames never pass through it.
 */
@ChannelHandler.Sharable
public final class StatsRoute extends ChannelInboundHandlerAdapter {

    private final String route;
    private final ServerStats stats;

    public StatsRoute(String path, ServerStats stats) {
        this.route = path + "/stats";
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof FullHttpRequest request) || !request.method().equals(HttpMethod.GET)
                || !routeOf(request.uri()).equals(route)) {
            if (message instanceof FullHttpRequest request && request.headers().containsValue(
                    HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(message);
            return;
        }
        try {
            byte[] body = stats.json();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            // Read a few times per benchmark run: one request per connection keeps this simple.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } finally {
            request.release();
        }
    }

    private static String routeOf(String uri) {
        int query = uri.indexOf('?');
        return query >= 0 ? uri.substring(0, query) : uri;
    }
}
