package io.hetu.server;

import io.hetu.server.auth.AuthConfig;
import io.hetu.server.auth.DevTokens;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Plain HTTP requests on the game port: the schema manifest for tools at
 * {@code GET <path>/schema.json}; with {@code auth.devLogin}, a development token for any user at
 * {@code GET <path>/dev-token?user=N}; the app's browser client ({@link WebFiles}) at every other path;
 * WebSocket upgrades to the endpoint (its query string is ignored) pass through to the WebSocket
 * handlers once they are valid RFC 6455 upgrades from an allowed origin; anything else is 404.
 * A request that is malformed or over the header limits is answered and the connection closed.
 */
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final String path;
    private final byte[] manifest;
    /** The longest request line, and the most header bytes and headers a request may have. */
    static final int MAX_REQUEST_LINE_BYTES = 4096;
    static final int MAX_HEADER_BYTES = 8192;
    static final int MAX_HEADERS = 100;

    private final WebFiles web;
    private final List<String> origins;
    /** The settings development tokens are signed with, or null: {@code auth.devLogin} is off. */
    private final AuthConfig devLogin;

    HttpRoutes(String path, byte[] manifest, WebFiles web, List<String> origins, AuthConfig auth) {
        super(false);
        this.path = path;
        this.manifest = manifest;
        this.web = web;
        this.origins = origins;
        this.devLogin = auth.devLogin() ? auth : null;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String route = query >= 0 ? uri.substring(0, query) : uri;
        try {
            if (request.decoderResult().isFailure()) {
                boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
                refuse(ctx, tooLong ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST,
                        tooLong ? "The request line or headers are over the limit of " + MAX_REQUEST_LINE_BYTES
                                + " and " + MAX_HEADER_BYTES + " bytes." : "The request is malformed.");
                return;
            }
            if (request.headers().size() > MAX_HEADERS) {
                refuse(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request has "
                        + request.headers().size() + " headers; at most " + MAX_HEADERS + " are accepted.");
                return;
            }
            if (route.equals(path) && request.headers().containsValue(HttpHeaderNames.UPGRADE,
                    HttpHeaderValues.WEBSOCKET, true)) {
                upgrade(ctx, request);
                return;
            }
            boolean read = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
            WebFiles.WebFile file;
            if (read && route.equals(path + "/schema.json")) {
                respond(ctx, request, HttpResponseStatus.OK, "application/json", manifest);
            } else if (read && devLogin != null && route.equals(path + "/dev-token")) {
                devToken(ctx, request);
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

    /** A development token for {@code ?user=N}: no roles, so never an admin; 400 unless N is one user id. */
    private void devToken(ChannelHandlerContext ctx, FullHttpRequest request) {
        List<String> users;
        try {
            users = new QueryStringDecoder(request.uri()).parameters().getOrDefault("user", List.of());
        } catch (IllegalArgumentException badEncoding) {
            users = List.of();
        }
        long user = users.size() == 1 && users.getFirst().matches("[1-9][0-9]{0,18}") ? parseUser(users.getFirst()) : 0;
        if (user <= 0) {
            String given = users.isEmpty() ? "none" : "'" + String.join("', '", users) + "'";
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", ("A development token "
                    + "needs one user id, a whole number from 1: " + path + "/dev-token?user=42. The user given: "
                    + (given.length() > 80 ? given.substring(0, 80) + "..." : given) + ".\n")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        String token = DevTokens.sign(devLogin, user, List.of(), DevTokens.DEV_LOGIN_TTL);
        FullHttpResponse response = response(request, HttpResponseStatus.OK, "text/plain; charset=utf-8",
                token.getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        send(ctx, request, response);
    }

    /** The user id, or 0 when it does not fit in a long. */
    private static long parseUser(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return 0;
        }
    }

    /** Passes a WebSocket upgrade on to the handshake, or refuses what RFC 6455 refuses. */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "A WebSocket upgrade needs HTTP/1.1, not "
                    + request.protocolVersion() + ".");
        } else if (!"13".equals(version)) {
            FullHttpResponse response = error(HttpResponseStatus.UPGRADE_REQUIRED, "This server speaks WebSocket "
                    + "version 13 (RFC 6455), the request asked for " + version + ".");
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else if (!isKey(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Sec-WebSocket-Key must be 16 random bytes in base64.");
        } else if (!origins.isEmpty() && (origin == null || !origins.contains(origin))
                && !Boolean.TRUE.equals(ctx.channel().attr(AdminConsole.CONSOLE).get())) {
            // (The admin console's upgrade had its origin checked against the server's own already.)
            refuse(ctx, HttpResponseStatus.FORBIDDEN, "Origin " + origin + " may not connect to this server.");
        } else {
            ctx.fireChannelRead(request.retain());
        }
    }

    private static boolean isKey(String key) {
        try {
            return key != null && key.length() == 24 && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** Answers a request the server will not serve with a reason, and closes the connection. */
    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        ctx.channel().writeAndFlush(error(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse error(HttpResponseStatus status, String reason) {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
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
        // Through the channel, so that the outbound budget counts responses to pipelined requests.
        var written = ctx.channel().writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
