package io.hetu.runtime.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Plain HTTP requests on the game port: the schema manifest for tools at
 * {@code GET <path>/schema.json}; WebSocket upgrades to the endpoint pass through to the
 * WebSocket handlers; anything else is 404.
 */
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final String path;
    private final byte[] manifest;

    HttpRoutes(String path, byte[] manifest) {
        super(false);
        this.path = path;
        this.manifest = manifest;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String route = query >= 0 ? uri.substring(0, query) : uri;
        if (route.equals(path) && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET,
                true)) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            if (request.method().equals(HttpMethod.GET) && route.equals(path + "/schema.json")) {
                respond(ctx, request, HttpResponseStatus.OK, "application/json", manifest);
            } else {
                respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        ("Not found. The game endpoint is the WebSocket at " + path + "; the schema manifest is at "
                                + path + "/schema.json.\n").getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            request.release();
        }
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
