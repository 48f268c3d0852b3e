package io.hetu.server;

import io.hetu.server.app.App;
import io.hetu.server.login.SharedLogins;
import io.hetu.server.once.OnceCalls;
import io.hetu.server.subscription.SubscriptionLimits;
import io.hetu.server.subscription.Subscriptions;
import io.hetu.server.system.Session;
import io.hetu.server.auth.TokenVerifier;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.SessionValueRules;
import io.hetu.server.time.GameTime;
import io.hetu.storage.Database;
import io.hetu.storage.durability.Durability;
import io.hetu.system.Hook;
import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game server: one WebSocket endpoint over Netty, serving an {@link App} on a
 * {@link Database}. The pipeline follows a message's path: TLS (when configured), HTTP, the
 * stats and manifest routes, permessage-deflate (inflation capped at the frame limit), the WebSocket
 * handshake and frame limits, frame aggregation, the idle timer, and the protocol: messages
 * decoded ({@link MessageDecoder}), the handshake ({@link HandshakeHandler}), the request budget
 * ({@link RequestBudget}), calls ({@link CallHandler}), subscriptions ({@link SubscriptionHandler}),
 * PING and the connection's end ({@link LifecycleHandler}), sharing one {@link Connection}; last the
 * {@link OutboundBudget}.
 */
public final class HetuServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HetuServer.class);

    private final App app;
    private final Database database;
    private final ServerConfig config;
    private final Subscriptions subscriptions;
    private final SessionTable sessions;
    private final ServerStats stats = new ServerStats();
    private final FailureLog failures = new FailureLog();
    private final Hooks hooks;
    private final AtomicLong connectionIds = new AtomicLong();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final WebFiles web;
    private final ServerMetrics metrics = new ServerMetrics();
    /** The open WebSocket connections' channels, for the queued-bytes gauge. */
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final AdminRoute adminRoute;
    private final AdminConsole console;
    private final GameTime time;
    private final CallLimits callLimits = new CallLimits();
    private final OnceCalls onceCalls;
    private final SharedLogins logins;

    private HetuServer(App app, Database database, ServerConfig config, AdminConfig admin, InstantSource clock)
            throws InterruptedException, SSLException {
        this.app = app;
        this.sessions = new SessionTable(SessionValueRules.of(app.tables()), TokenVerifier.of(config.auth()));
        this.database = database;
        this.config = config;
        metrics.watch(database, admin.dataDirectory() == null ? null
                : Durability.opened(admin.dataDirectory()).orElse(null));
        metrics.queuedBytes(m -> channels.stream().mapToLong(ConnectionMetrics::queued).sum());
        stats.report(metrics);
        this.adminRoute = new AdminRoute(config.path(), admin, metrics);
        Limits limits = config.limits();
        this.subscriptions = new Subscriptions(database,
                new SubscriptionLimits(limits.maxSubscriptions(), limits.maxSubscribedRows()));
        this.hooks = new Hooks(app, database, failures);
        this.time = new GameTime(app, database, clock, sessions, failures::report);
        this.onceCalls = new OnceCalls(clock);
        onceCalls.start(database);
        this.logins = new SharedLogins(database, clock, new SharedLogins.Local() {
            @Override
            public boolean open(long connectionId) {
                return sessions.open(connectionId);
            }

            @Override
            public boolean holds(long user) {
                return sessions.holds(user);
            }

            @Override
            public void kick(long user, long keep, String reason) {
                sessions.kick(user, keep, reason);
            }
        });
        sessions.shared(logins);
        sessions.time(time);
        hooks.serverStart(sessions);
        time.start();

        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.workerGroup = new MultiThreadIoEventLoopGroup(0, io);
        Class<? extends ServerSocketChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        SslContext tls = config.tlsCertificate() == null ? null
                : SslContextBuilder.forServer(config.tlsCertificate().toFile(), config.tlsKey().toFile()).build();
        byte[] manifest = app.manifest();
        this.web = new WebFiles(app.loader());
        stats.gameTime(time);
        metrics.watch(time);
        StatsRoute statsRoute = new StatsRoute(config.path(), stats);
        this.console = new AdminConsole(config.path(), admin, config.origins(), new ConsoleData(this, config, admin));
        AddressLimit addressLimit = new AddressLimit(limits.maxConnectionsPerAddress());

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(limits.maxOutboundBytes() / 2, limits.maxOutboundBytes()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ChannelPipeline pipeline = channel.pipeline();
                        if (tls != null) {
                            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
                        }
                        pipeline.addLast("flush", new FlushConsolidationHandler(256, true));
                        pipeline.addLast("http", new HttpServerCodec(HttpRoutes.MAX_REQUEST_LINE_BYTES,
                                HttpRoutes.MAX_HEADER_BYTES, 8192));
                        pipeline.addLast("http-aggregator", new HttpObjectAggregator(16 * 1024));
                        pipeline.addLast("address-limit", addressLimit);
                        pipeline.addLast("stats", statsRoute);
                        pipeline.addLast("admin", adminRoute);
                        pipeline.addLast("console", console);
                        pipeline.addLast("routes", new HttpRoutes(config.path(), manifest, web, config.origins(),
                                config.auth()));
                        // The protocol (docs/ARCHITECTURE.md, the path of a call): handlers that share
                        // one Connection; the handshake handler leaves after WELCOME.
                        Connection connection = new Connection(HetuServer.this, connectionIds.incrementAndGet());
                        pipeline.addLast("deflate", Deflate.handler(limits.maxFrameBytes(), connection));
                        pipeline.addLast("websocket", new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath(config.path())
                                        // HttpRoutes lets only the path itself, with or without a
                                        // query string, through.
                                        .checkStartsWith(true)
                                        .handleCloseFrames(true)
                                        .dropPongFrames(true)
                                        .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                                .maxFramePayloadLength(limits.maxFrameBytes())
                                                .allowExtensions(true)
                                                .closeOnProtocolViolation(false)
                                                .build())
                                        .build()));
                        pipeline.addLast("reserved-bits", new ReservedBits());
                        pipeline.addLast("frames", new WebSocketFrameAggregator(limits.maxFrameBytes()));
                        pipeline.addLast("idle", new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0,
                                TimeUnit.MILLISECONDS));
                        if (admin.metricsEnabled()) {
                            pipeline.addLast("metrics", new ConnectionMetrics(metrics, app, channels));
                        }
                        pipeline.addLast("decoder", new MessageDecoder(connection));
                        pipeline.addLast("handshake", new HandshakeHandler(connection));
                        pipeline.addLast("request-budget", new RequestBudget(connection));
                        pipeline.addLast("calls", new CallHandler(connection));
                        pipeline.addLast("subscriptions", new SubscriptionHandler(connection));
                        pipeline.addLast("lifecycle", new LifecycleHandler(connection));
                        pipeline.addLast("budget", new OutboundBudget(connection));
                    }
                });
        this.serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
        LOG.info("HeTu serving {} component(s) and {} system(s) at {}://{}:{}{} ({} transport)", app.tables().size(),
                app.systems().size(), tls == null ? "ws" : "wss", config.host(), port(), config.path(),
                epoll ? "epoll" : "nio");
        if (config.auth().devLogin()) {
            LOG.warn("auth.devLogin is on: anyone can log in as any user with a token from GET {}/dev-token?user=N; "
                    + "it must be off in production", config.path());
        }
    }

    /** Starts serving; runs the app's server-start hooks first. */
    public static HetuServer start(App app, Database database, ServerConfig config)
            throws InterruptedException, SSLException {
        return new HetuServer(app, database, config, AdminConfig.defaults(), InstantSource.system());
    }

    /** Starts serving, with the operator's routes as {@code admin} says (docs/OPERATIONS.md). */
    public static HetuServer start(App app, Database database, ServerConfig config, AdminConfig admin)
            throws InterruptedException, SSLException {
        return new HetuServer(app, database, config, admin, InstantSource.system());
    }

    /**
     * Starts serving with game time on {@code clock}: with an {@link io.hetu.server.time.ManualClock},
     * scheduled calls and ticks fire only when a test moves it ({@link GameTime#advance}).
     */
    public static HetuServer start(App app, Database database, ServerConfig config, AdminConfig admin,
            InstantSource clock) throws InterruptedException, SSLException {
        return new HetuServer(app, database, config, admin, clock);
    }

    /**
     * Runs {@code body} as a system called by user {@code userId} (0: nobody logged in), with or
     * without admin rights, in one transaction (retried on conflict up to 10 times), and returns
     * what it returns once the commit is durable. The context has no connection, so it cannot log
     * one in; everything else (reads, writes, scheduling, {@code now()}) is as in a call. Call the
     * system's method in {@code body}: {@code server.runAs(42, false, ctx -> Shop.buy(ctx, 7))}.
     */
    public <T> T runAs(long userId, boolean admin, java.util.function.Function<io.hetu.system.SystemContext, T> body) {
        CallContext context = new CallContext(Session.of(userId, admin), sessions);
        return database.transact(10, tx -> {
            context.begin(tx);
            return body.apply(context);
        });
    }

    /** Scheduled calls and ticks: their counts, and with a manual clock the means to move it. */
    public GameTime gameTime() {
        return time;
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Whether the app has a browser client, served at {@code /}. */
    public boolean servesWebClient() {
        return web.hasIndex();
    }

    /** The metrics served at {@code GET /metrics}; a call path may report calls through it. */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Calls answered and conflict retries, also served at {@code GET <path>/stats}. */
    public ServerStats stats() {
        return stats;
    }

    App app() {
        return app;
    }

    Database database() {
        return database;
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    SessionTable sessions() {
        return sessions;
    }

    Limits limits() {
        return config.limits();
    }

    FailureLog failures() {
        return failures;
    }

    Hooks hooks() {
        return hooks;
    }

    CallLimits callLimits() {
        return callLimits;
    }

    /** Logins shared with the other servers of the store (inactive on a store no other server shares). */
    public SharedLogins sharedLogins() {
        return logins;
    }

    /** The memory of CALL_ONCE outcomes. */
    public OnceCalls onceCalls() {
        return onceCalls;
    }

    /**
     * Stops accepting connections, closes the open ones with a reason, and waits for the event
     * loops to finish. The database is the caller's to close.
     */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        time.close();
        onceCalls.close();
        List<ChannelFuture> closed = new ArrayList<>();
        for (Connection connection : sessions.connections()) {
            closed.add(connection.closeNow(Codes.SHUTDOWN, "the server is shutting down", Protocol.CLOSE_SHUTDOWN));
        }
        // A stopping event loop closes its channels at once, dropping what is queued: SHUTDOWN
        // must be written first (a client that does not read is waited for no longer than this).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ChannelFuture future : closed) {
            future.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        subscriptions.close();
        logins.close();
        adminRoute.close();
        console.close();
        database.removeChangeListener(metrics);
        metrics.close();
        LOG.info("HeTu server on port {} stopped", port());
    }
}
