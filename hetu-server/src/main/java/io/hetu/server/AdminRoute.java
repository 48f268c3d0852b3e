package io.hetu.server;

import io.hetu.storage.durability.BackupSource;
import io.hetu.storage.durability.Durability;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP routes on the game port: {@code GET /metrics} (Prometheus text format) and
 * {@code GET <path>/admin/backup} (a hot backup, streamed as {@link BackupStream}). Both need
 * {@code Authorization: Bearer <admin secret>}, except {@code /metrics} when it is configured
 * public. Other requests pass on; a connection asking to become a WebSocket removes this handler,
 * and one that carries an {@code Authorization} header becomes an operator's connection when it is
 * the admin secret ({@link #OPERATOR}), or is refused (401, 403) when it is not.
 */
@ChannelHandler.Sharable
final class AdminRoute extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoute.class);
    /** Set on a channel whose WebSocket upgrade carried the admin secret: its session is an operator's. */
    static final AttributeKey<Boolean> OPERATOR = AttributeKey.valueOf("hetu.operator");
    static final String METRICS = "/metrics";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final String backupRoute;
    private final AdminConfig config;
    private final ServerMetrics metrics;
    private final byte[] secret;
    /** Backups start here: pinning the files reads the log's record headers, which the event loop must not wait for. */
    private final ExecutorService starter = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("hetu-backup").daemon().factory());

    AdminRoute(String path, AdminConfig config, ServerMetrics metrics) {
        this.backupRoute = path + "/admin/backup";
        this.config = config;
        this.metrics = metrics;
        this.secret = config.secret() == null ? null : ("Bearer " + config.secret()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(message);
            return;
        }
        String route = routeOf(request.uri());
        boolean metricsRoute = route.equals(METRICS) && config.metricsEnabled();
        if (!metricsRoute && !route.equals(backupRoute)) {
            if (request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                if (request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
                    // An operator's connection (hetu call, hetu query): the secret or nothing.
                    if (!authorized(ctx, request)) {
                        request.release();
                        return;
                    }
                    ctx.channel().attr(OPERATOR).set(true);
                }
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(message);
            return;
        }
        try {
            if (!request.method().equals(HttpMethod.GET)) {
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET is served here.\n");
            } else if (!(metricsRoute && config.metricsPublic()) && !authorized(ctx, request)) {
                return;
            } else if (metricsRoute) {
                FullHttpResponse response = response(HttpResponseStatus.OK, PROMETHEUS_TEXT,
                        metrics.scrape().getBytes(StandardCharsets.UTF_8));
                send(ctx, request, response);
            } else {
                backup(ctx, request);
            }
        } finally {
            request.release();
        }
    }

    /** Answers 403 or 401 and returns false unless the request carries the admin secret. */
    private boolean authorized(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (secret == null) {
            respond(ctx, request, HttpResponseStatus.FORBIDDEN, "The admin routes are off: set admin.secret (see"
                    + " docs/OPERATIONS.md)" + (routeOf(request.uri()).equals(METRICS)
                            ? ", or metrics.public to serve /metrics without it" : "") + ".\n");
            return false;
        }
        String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
            FullHttpResponse response = response(HttpResponseStatus.UNAUTHORIZED, "text/plain; charset=utf-8",
                    "This route needs Authorization: Bearer <admin secret>.\n".getBytes(StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"hetu-admin\"");
            send(ctx, request, response);
            return false;
        }
        return true;
    }

    private void backup(ChannelHandlerContext ctx, FullHttpRequest request) {
        Optional<Durability> durability = config.dataDirectory() == null ? Optional.empty()
                : Durability.opened(config.dataDirectory());
        if (durability.isEmpty()) {
            respond(ctx, request, HttpResponseStatus.CONFLICT, "This server's database is not an embedded: data"
                    + " directory, so it has no backup of its own to give; back up Redis with its own persistence"
                    + " (RDB snapshots or the append-only file).\n");
            return;
        }
        String address = String.valueOf(ctx.channel().remoteAddress());
        starter.execute(() -> {
            BackupSource source;
            try {
                source = durability.get().beginBackup();
            } catch (Exception e) {
                LOG.error("A backup for {} could not start: {}", address, e.toString());
                ctx.executor().execute(() -> respond(ctx, null, HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "The backup could not start: " + e.getMessage() + "\n"));
                return;
            }
            LOG.info("Backup for {}: snapshot at seq {}, commits up to seq {}, {} files, {} bytes", address,
                    source.snapshotSeq(), source.lastSeq(), source.files().size(), source.totalBytes());
            ctx.executor().execute(() -> stream(ctx, source, address));
        });
    }

    private static void stream(ChannelHandlerContext ctx, BackupSource source, String address) {
        if (!ctx.channel().isActive()) {
            source.close();
            return;
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        response.headers().set("X-Hetu-Last-Seq", source.lastSeq());
        HttpUtil.setTransferEncodingChunked(response, true);
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
            ctx.pipeline().addBefore(ctx.name(), "backup-chunks", new ChunkedWriteHandler());
        }
        ctx.write(response);
        BackupStream body = new BackupStream(source);
        ctx.writeAndFlush(new HttpChunkedInput(body)).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                LOG.info("Backup for {} sent ({} bytes)", address, body.progress());
            } else {
                LOG.warn("Backup for {} ended early: {}", address, String.valueOf(written.cause()));
            }
            body.close(); // unpins the files (ChunkedWriteHandler closes it too; closing twice is harmless)
            written.channel().close();
        });
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String text) {
        send(ctx, request, response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8)));
    }

    static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /** Keeps the connection open for the next scrape when the client asks to. */
    static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = request != null && HttpUtil.isKeepAlive(request);
        response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE
                : HttpHeaderValues.CLOSE);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    static String routeOf(String uri) {
        int query = uri.indexOf('?');
        return query >= 0 ? uri.substring(0, query) : uri;
    }

    void close() {
        starter.shutdownNow();
    }
}
