package io.hetu.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin console at {@code /admin} on the game port (docs/OPERATIONS.md, The admin console): its
 * page and compiled script from the runtime jar ({@link WebFiles#CONSOLE_ROOT}), the login that
 * trades the admin secret for a cookie ({@link ConsoleSessions}), the JSON it shows
 * ({@link ConsoleData}), the kick of a connection, and the console's operator WebSocket at
 * {@code /admin/socket}, which becomes the game endpoint's WebSocket of an operator.
 *
 * <p>The cookie is HttpOnly, SameSite=Strict and scoped to {@code /admin}, so the game's own pages
 * never send it. Every request that changes something (login, logout, kick) and the WebSocket
 * upgrade must also come from the server's own origin (or one of {@code origins}): a page of
 * another site cannot make them.
 */
@ChannelHandler.Sharable
final class AdminConsole extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);
    static final String PREFIX = "/admin";
    /** Set on the console's upgrade once its origin was checked here: the origin allow-list does not apply. */
    static final AttributeKey<Boolean> CONSOLE = AttributeKey.valueOf("hetu.console");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final String TEXT_TYPE = "text/plain; charset=utf-8";
    private static final String POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    private final String gamePath;
    private final byte[] secret;
    private final List<String> origins;
    private final ConsoleSessions sessions = new ConsoleSessions();
    private final ConsoleData data;
    private final WebFiles files = new WebFiles(AdminConsole.class.getClassLoader(), WebFiles.CONSOLE_ROOT);

    AdminConsole(String gamePath, AdminConfig admin, List<String> origins, ConsoleData data) {
        this.gamePath = gamePath;
        this.secret = admin.secret() == null ? null : admin.secret().getBytes(StandardCharsets.UTF_8);
        this.origins = origins;
        this.data = data;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(message);
            return;
        }
        String route = AdminRoute.routeOf(request.uri());
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        boolean ours = route.equals(PREFIX) || route.startsWith(PREFIX + "/");
        if (upgrade && ours && route.equals(PREFIX + "/socket") && socket(ctx, request)) {
            return;
        }
        if (!ours || upgrade) {
            if (upgrade) {
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(message);
            return;
        }
        try {
            serve(ctx, request, route.substring(PREFIX.length()));
        } catch (RuntimeException e) {
            LOG.warn("The admin console could not answer {} {}: {}", request.method(), route, e.toString());
            respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT_TYPE, "The server failed: " + e);
        } finally {
            request.release();
        }
    }

    /**
     * The console's WebSocket: with a live login from the server's own origin it goes on as an
     * operator's upgrade of the game endpoint (true); otherwise it is refused here (true, released)
     * or is not the console's (false).
     */
    private boolean socket(ChannelHandlerContext ctx, FullHttpRequest request) {
        String token = secret == null ? null : sessions.valid(request.headers());
        if (token == null || !sameOrigin(ctx, request)) {
            HttpResponseStatus status = secret == null ? HttpResponseStatus.FORBIDDEN : token == null
                    ? HttpResponseStatus.UNAUTHORIZED : HttpResponseStatus.FORBIDDEN;
            FullHttpResponse response = AdminRoute.response(status, TEXT_TYPE, (status == HttpResponseStatus.UNAUTHORIZED
                    ? "Log in to the admin console first." : secret == null ? off() : "Not from this server's origin.")
                    .getBytes(StandardCharsets.UTF_8));
            request.release();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return true;
        }
        ctx.channel().attr(AdminRoute.OPERATOR).set(true);
        ctx.channel().attr(CONSOLE).set(true);
        sessions.attach(token, ctx.channel());
        request.setUri(gamePath);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(request);
        return true;
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request, String route) {
        HttpMethod method = request.method();
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        if (route.isEmpty() && read) {
            FullHttpResponse response = AdminRoute.response(HttpResponseStatus.PERMANENT_REDIRECT, TEXT_TYPE,
                    new byte[0]);
            response.headers().set(HttpHeaderNames.LOCATION, PREFIX + "/");
            reply(ctx, request, response);
            return;
        }
        switch (route) {
            case "/api/status" -> respond(ctx, request, HttpResponseStatus.OK, JSON_TYPE, "{\"enabled\":"
                    + (secret != null) + ",\"loggedIn\":" + (secret != null && sessions.valid(request.headers()) != null)
                    + ",\"help\":" + JSON.valueToTree(secret == null ? off() : "").toString() + "}");
            case "/session" -> login(ctx, request);
            case "/logout" -> {
                if (changes(ctx, request, false)) {
                    String token = sessions.valid(request.headers());
                    if (token != null) {
                        sessions.close(token);
                    }
                    FullHttpResponse response = AdminRoute.response(HttpResponseStatus.NO_CONTENT, TEXT_TYPE,
                            new byte[0]);
                    response.headers().set(HttpHeaderNames.SET_COOKIE, cookie(ctx, "", 0));
                    reply(ctx, request, response);
                }
            }
            case "/api/state", "/api/config" -> {
                if (!read) {
                    respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT_TYPE, "Only GET is served here.");
                } else if (loggedIn(ctx, request)) {
                    send(ctx, request, HttpResponseStatus.OK, JSON_TYPE, route.equals("/api/state") ? data.state()
                            : data.config());
                }
            }
            case "/api/kick" -> {
                if (changes(ctx, request, true)) {
                    JsonNode body = body(request);
                    JsonNode id = body == null ? null : body.get("connection");
                    if (id == null || !id.canConvertToLong()) {
                        respond(ctx, request, HttpResponseStatus.BAD_REQUEST, TEXT_TYPE,
                                "Send {\"connection\": <connection id>}.");
                    } else if (data.kick(id.longValue())) {
                        LOG.info("Connection {} kicked from the admin console by {}", id.longValue(),
                                ctx.channel().remoteAddress());
                        respond(ctx, request, HttpResponseStatus.NO_CONTENT, TEXT_TYPE, "");
                    } else {
                        respond(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT_TYPE,
                                "No connection " + id.longValue() + " is open.");
                    }
                }
            }
            default -> {
                WebFiles.WebFile file = read ? files.find(route) : null;
                if (file == null) {
                    respond(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT_TYPE, "Not found in the admin console.");
                } else {
                    FullHttpResponse response = AdminRoute.response(HttpResponseStatus.OK, file.contentType(),
                            method.equals(HttpMethod.HEAD) ? new byte[0] : file.body());
                    response.headers().set(HttpHeaderNames.ETAG, file.etag());
                    reply(ctx, request, response);
                }
            }
        }
    }

    /** POST /admin/session {"secret": "..."}: a login cookie for the admin secret. */
    private void login(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.method().equals(HttpMethod.POST)) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT_TYPE, "Log in with POST.");
            return;
        }
        if (secret == null) {
            respond(ctx, request, HttpResponseStatus.FORBIDDEN, TEXT_TYPE, off());
            return;
        }
        if (!sameOrigin(ctx, request)) {
            respond(ctx, request, HttpResponseStatus.FORBIDDEN, TEXT_TYPE, "Not from this server's origin.");
            return;
        }
        JsonNode body = body(request);
        JsonNode given = body == null ? null : body.get("secret");
        if (given == null || !given.isTextual()
                || !MessageDigest.isEqual(secret, given.textValue().getBytes(StandardCharsets.UTF_8))) {
            LOG.warn("A login to the admin console from {} gave a wrong admin secret", ctx.channel().remoteAddress());
            respond(ctx, request, HttpResponseStatus.UNAUTHORIZED, TEXT_TYPE, "That is not the admin secret.");
            return;
        }
        String token = sessions.open();
        FullHttpResponse response = AdminRoute.response(HttpResponseStatus.NO_CONTENT, TEXT_TYPE, new byte[0]);
        response.headers().set(HttpHeaderNames.SET_COOKIE, cookie(ctx, token, ConsoleSessions.LIFETIME.toSeconds()));
        reply(ctx, request, response);
        LOG.info("Admin console login from {}", ctx.channel().remoteAddress());
    }

    /** A POST from the server's own origin with a live login (or, for logout, any cookie); else answered. */
    private boolean changes(ChannelHandlerContext ctx, FullHttpRequest request, boolean needLogin) {
        if (!request.method().equals(HttpMethod.POST)) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT_TYPE, "Only POST is served here.");
            return false;
        }
        if (!sameOrigin(ctx, request)) {
            respond(ctx, request, HttpResponseStatus.FORBIDDEN, TEXT_TYPE, "Not from this server's origin.");
            return false;
        }
        return !needLogin || loggedIn(ctx, request);
    }

    private boolean loggedIn(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (secret == null) {
            respond(ctx, request, HttpResponseStatus.FORBIDDEN, TEXT_TYPE, off());
            return false;
        }
        if (sessions.valid(request.headers()) == null) {
            respond(ctx, request, HttpResponseStatus.UNAUTHORIZED, TEXT_TYPE, "Log in to the admin console first.");
            return false;
        }
        return true;
    }

    /** Whether the request's Origin is this server's own (scheme, host and port of its Host) or an allowed one. */
    private boolean sameOrigin(ChannelHandlerContext ctx, FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (origin == null || host == null) {
            return false;
        }
        String scheme = ctx.pipeline().get("tls") != null ? "https://" : "http://";
        return origin.equalsIgnoreCase(scheme + host) || origins.contains(origin);
    }

    private String cookie(ChannelHandlerContext ctx, String value, long maxAgeSeconds) {
        DefaultCookie cookie = new DefaultCookie(ConsoleSessions.COOKIE, value);
        cookie.setPath(PREFIX);
        cookie.setHttpOnly(true);
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
        cookie.setSecure(ctx.pipeline().get("tls") != null);
        cookie.setMaxAge(maxAgeSeconds);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    private static JsonNode body(FullHttpRequest request) {
        try {
            return JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return null;
        }
    }

    private String off() {
        return "The admin console is off: set admin.secret in the server's settings (or HETU_ADMIN_SECRET in its "
                + "environment), at least 16 characters, and restart it (see docs/OPERATIONS.md).";
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String type, String body) {
        send(ctx, request, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String type, byte[] body) {
        reply(ctx, request, AdminRoute.response(status, type, request.method().equals(HttpMethod.HEAD)
                ? new byte[0] : body));
    }

    /** Sends a response with the headers that keep the console's pages to themselves. */
    private static void reply(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, POLICY);
        response.headers().set("X-Frame-Options", "DENY");
        response.headers().set("X-Content-Type-Options", "nosniff");
        response.headers().set("Referrer-Policy", "no-referrer");
        AdminRoute.send(ctx, request, response);
    }

    void close() {
        data.close();
    }
}
