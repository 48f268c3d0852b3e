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
 * {@code GET <path>/schema.json}; the app's browser client ({@link WebFiles}) at every other path;
 * WebSocket upgrades to the endpoint pass through to the WebSocket handlers; anything else is 404.
 */
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final String path;
    private final byte[] manifest;
    private final WebFiles web;

    HttpRoutes(String path, byte[] manifest, WebFiles web) {
        super(false);
        this.path = path;
        this.manifest = manifest;
        this.web = web;
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
            boolean read = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
            WebFiles.WebFile file;
            if (read && route.equals(path + "/schema.json")) {
                respond(ctx, request, HttpResponseStatus.OK, "application/json", manifest);
            } else if (read && (file = web.find(route)) != null) {
                serve(ctx, request, file);
            } else {
                respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        ("Not found. The game endpoint is the WebSocket at " + path + "; the schema manifest is at "
                                + path + "/schema.json; the app's browser client, if it has one, is at /.\n")
                                .getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            request.release();
        }
    }

    /** A file of the browser client; revalidated on every load (no-cache), so a new build shows at once. */
    private static void serve(ChannelHandlerContext ctx, FullHttpRequest request, WebFiles.WebFile file) {
        boolean unchanged = file.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
        FullHttpResponse response = response(request,
                unchanged ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK, file.contentType(),
                unchanged ? new byte[0] : file.body());
        response.headers().set(HttpHeaderNames.ETAG, file.etag());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (unchanged) {
            response.headers().remove(HttpHeaderNames.CONTENT_TYPE);
            response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        send(ctx, request, response);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String contentType, byte[] body) {
        send(ctx, request, response(request, status, contentType, body));
    }

    private static FullHttpResponse response(FullHttpRequest request, HttpResponseStatus status, String contentType,
            byte[] body) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
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
