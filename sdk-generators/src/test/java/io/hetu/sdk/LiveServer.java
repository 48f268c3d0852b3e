package io.hetu.sdk;

import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.net.BindException;
import java.util.function.UnaryOperator;

/**
 * A real server of the test app (the {@code fixtures} package) on a loopback port, over an in-memory store, for the
 * SDKs' end-to-end tests: stopped and started again on the same port to test reconnecting.
 */
public final class LiveServer implements AutoCloseable {

    private final App app;
    private final Database database;
    private ServerConfig config;
    private HetuServer server;

    private LiveServer(App app, Database database, ServerConfig config, HetuServer server) {
        this.app = app;
        this.database = database;
        this.config = config.withPort(server.port());
        this.server = server;
    }

    public static LiveServer start() throws Exception {
        App app = App.load(LiveServer.class.getClassLoader(), null);
        Database database = Embedded.inMemory(app.tables());
        ServerConfig config = ServerConfig.defaults().withHost("127.0.0.1").withPort(0);
        return new LiveServer(app, database, config, HetuServer.start(app, database, config));
    }

    public Database database() {
        return database;
    }

    public ServerConfig config() {
        return config;
    }

    public int port() {
        return config.port();
    }

    /** The WebSocket endpoint, {@code ws://127.0.0.1:<port>/hetu}. */
    public String url() {
        return "ws://127.0.0.1:" + config.port() + config.path();
    }

    /** Stops the server; the store stays, for the test to change while clients are away. */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the server again on the same port, with {@code change} applied to its configuration. */
    public void startAgain(UnaryOperator<ServerConfig> change) throws Exception {
        stop();
        config = change.apply(config);
        // The port was just released; binding it again may need a moment while the old sockets close.
        for (int attempt = 1; ; attempt++) {
            try {
                server = HetuServer.start(app, database, config);
                return;
            } catch (Exception e) {
                if (!(e instanceof BindException || e.getCause() instanceof BindException) || attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    public void startAgain() throws Exception {
        startAgain(UnaryOperator.identity());
    }

    @Override
    public void close() {
        stop();
        database.close();
    }
}
