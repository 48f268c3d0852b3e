package io.hetu.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hetu.server.AdminConfig;
import io.hetu.server.HetuServer;
import io.hetu.server.Limits;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.server.auth.AuthConfig;
import io.hetu.server.time.ManualClock;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import io.hetu.system.Repository;
import io.hetu.system.SystemContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The app served for one test: on a fresh store and a loopback port, with a clock only the test
 * moves. Clients connect through links of their own, which the test can cut and restore; the
 * server can be restarted on the same data (with {@code @HetuTest(durable = true)}); rows can be
 * seeded and read directly, and systems run as any player. Logins that verify tokens accept
 * {@link #token(long, String...)}.
 */
public final class TestServer implements AutoCloseable {

    /** The HS256 secret the test server verifies tokens with; {@link #token} signs with it. */
    public static final String TOKEN_SECRET = "the HeTu test kit's token secret, for tests only";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final App app;
    private final Path directory;
    private final ManualClock clock;
    private final Map<Object, Link> links = new IdentityHashMap<>();
    private final Map<String, Object> named = new LinkedHashMap<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Database database;
    private HetuServer server;

    TestServer(App app, boolean durable, Instant start) throws Exception {
        this.app = app;
        this.clock = new ManualClock(start);
        this.directory = durable ? Files.createTempDirectory("hetu-test") : null;
        open();
    }

    private void open() throws Exception {
        database = directory == null ? Embedded.inMemory(app.tables())
                : Embedded.open(directory, DurabilityConfig.defaults().withFsync(FsyncPolicy.NO), app.tables());
        Limits usual = Limits.defaults();
        // Tests call as fast as they can; the request budget is for the internet, not for them.
        Limits limits = new Limits(usual.maxFrameBytes(), usual.maxOutboundBytes(), usual.maxSubscriptions(),
                usual.maxSubscribedRows(), 1_000_000, usual.handshakeTimeout(), usual.idleTimeout(),
                usual.maxConnectionsPerAddress());
        ServerConfig config = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withLimits(limits)
                .withAuth(AuthConfig.hs256(TOKEN_SECRET));
        server = HetuServer.start(app, database, config, AdminConfig.defaults(), clock);
        for (Link link : links.values()) {
            link.target(server.port());
        }
    }

    // ---------------------------------------------------------------- clients

    /**
     * Connects a client through a link of its own and returns it; the test kit closes it after the
     * test. {@code connect} is the generated SDK's connect method, such as {@code HetuClient::connect}.
     */
    public <C extends AutoCloseable> C connect(Function<String, CompletableFuture<C>> connect) {
        Link link;
        try {
            link = new Link(server.port());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback link for a client", e);
        }
        C client;
        try {
            client = connect.apply(url(link.port())).get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            link.close();
            throw new AssertionError("the client did not connect to the test server in " + CONNECT_TIMEOUT, e);
        }
        synchronized (this) {
            links.put(client, link);
            clients.add(client);
        }
        return client;
    }

    /** {@link #connect}, with a name the failure report uses for this client. */
    public <C extends AutoCloseable> C connect(String name, Function<String, CompletableFuture<C>> connect) {
        C client = connect(connect);
        synchronized (this) {
            named.put(name, client);
        }
        return client;
    }

    /** The server's own address, without a link: for a client the test never cuts. */
    public String url() {
        return url(server.port());
    }

    private String url(int port) {
        return "ws://127.0.0.1:" + port + "/hetu";
    }

    /** Cuts the client's connection: it sees the connection drop, and cannot reconnect until {@link #restore}. */
    public void cut(Object client) {
        link(client).cut();
    }

    /**
     * Loses what the server sends the client from now on, while the server still runs what the
     * client sends; {@link #cut} then drops the connection. Together: a call whose reply is lost
     * with its connection, which the SDK sends again after reconnecting and runs once.
     */
    public void holdReplies(Object client) {
        link(client).holdReplies();
    }

    /** Lets the client reconnect again after {@link #cut}. */
    public void restore(Object client) {
        link(client).restore();
    }

    private synchronized Link link(Object client) {
        Link link = links.get(client);
        if (link == null) {
            throw new IllegalArgumentException("that client was not connected with this TestServer's connect");
        }
        return link;
    }

    /** The clients connected through {@link #connect}, by name where they were given one. */
    synchronized Map<String, Object> clients() {
        Map<String, Object> all = new LinkedHashMap<>(named);
        int i = 0;
        for (AutoCloseable client : clients) {
            if (!all.containsValue(client)) {
                all.put("client " + (++i), client);
            }
        }
        return all;
    }

    // ---------------------------------------------------------------- time

    /** The server's clock. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Moves the server's clock on and fires every scheduled call and tick that came due, durably
     * and pushed to subscribers before it returns; returns how many ran.
     */
    public int advance(Duration duration) {
        return server.gameTime().advance(duration);
    }

    // ---------------------------------------------------------------- rows and systems

    /** Writes rows directly, in one transaction, as if a system had: {@code server.seed(db -> db.insert(...))}. */
    public void seed(Consumer<Repository> rows) {
        database.transact(0, tx -> {
            rows.accept(tx);
            return null;
        });
    }

    /** Reads in one transaction; copy what you keep ({@code row.toRecord()}). */
    public <T> T read(Function<Repository, T> query) {
        return database.transact(10, query::apply);
    }

    /**
     * Runs code as a system called by {@code userId}, typically a system's method, and returns its
     * result: {@code int gold = server.callAs(42, ctx -> Shop.buy(ctx, 7))}. One transaction,
     * durable when this returns; a rejection is thrown as the {@code Rejection} it is.
     */
    public <T> T callAs(long userId, Function<SystemContext, T> system) {
        return server.runAs(userId, false, system);
    }

    /** {@link #callAs} for a system without a result: {@code server.runAs(42, ctx -> Shop.sell(ctx, 7))}. */
    public void runAs(long userId, Consumer<SystemContext> system) {
        server.runAs(userId, false, ctx -> {
            system.accept(ctx);
            return null;
        });
    }

    /** Runs code as the server runs scheduled calls: no caller, admin rights. */
    public <T> T callAsServer(Function<SystemContext, T> system) {
        return server.runAs(0, true, system);
    }

    /**
     * A login token for {@code userId} with these roles, signed so that {@code ctx.verifyToken}
     * accepts it on this server, valid for an hour of real time.
     */
    public String token(long userId, String... roles) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(Long.toString(userId))
                .claim("roles", List.of(roles))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(TOKEN_SECRET));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a test token", e);
        }
        return jwt.serialize();
    }

    // ---------------------------------------------------------------- the server itself

    /**
     * Stops the server as a deploy would (clients see it go, and reconnect) and starts it again on
     * the same data and the same clock. Needs {@code @HetuTest(durable = true)}.
     */
    public void restart() throws Exception {
        if (directory == null) {
            throw new IllegalStateException("restart() needs the data on disk: annotate the class "
                    + "@HetuTest(durable = true)");
        }
        server.close();
        database.close();
        open();
    }

    public HetuServer server() {
        return server;
    }

    public Database database() {
        return database;
    }

    public App app() {
        return app;
    }

    @Override
    public void close() throws Exception {
        List<AutoCloseable> toClose;
        synchronized (this) {
            toClose = new ArrayList<>(clients);
            clients.clear();
        }
        for (AutoCloseable client : toClose) {
            try {
                client.close();
            } catch (Exception e) {
                // the test is over; a client that fails to close does not fail it
            }
        }
        links.values().forEach(Link::close);
        server.close();
        database.close();
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
