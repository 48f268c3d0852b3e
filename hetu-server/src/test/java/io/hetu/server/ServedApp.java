package io.hetu.server;

import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.util.function.UnaryOperator;

/**
 * The test app (every system and component of this module's tests) served on a fresh in-memory
 * database and a free loopback port. Close it to stop the server and the database.
 */
final class ServedApp implements AutoCloseable {

    final App app;
    final Database database;
    final HetuServer server;

    private ServedApp(App app, Database database, HetuServer server) {
        this.app = app;
        this.database = database;
        this.server = server;
    }

    /** Served with the default configuration changed by {@code config} (limits, auth, ...). */
    static ServedApp start(UnaryOperator<ServerConfig> config) throws Exception {
        return start(config, AdminConfig.defaults());
    }

    /** Served with {@code config}'s changes and these admin settings (an admin secret, ...). */
    static ServedApp start(UnaryOperator<ServerConfig> config, AdminConfig admin) throws Exception {
        App app = App.load(ServedApp.class.getClassLoader(), null);
        Database database = Embedded.inMemory(app.tables());
        try {
            HetuServer server = HetuServer.start(app, database,
                    config.apply(ServerConfig.defaults().withHost("127.0.0.1").withPort(0)), admin);
            return new ServedApp(app, database, server);
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    /** A client that completed the handshake. */
    TestClient client() throws Exception {
        return TestClient.greeted(server.port(), app.schemaHash());
    }

    /** The id of the system {@code name}. */
    int system(String name) {
        return TestSystems.id(app, name);
    }

    @Override
    public void close() {
        server.close();
        database.close();
    }
}
