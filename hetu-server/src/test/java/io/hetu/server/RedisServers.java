package io.hetu.server;

import io.hetu.redis.Redis;
import io.hetu.redis.RedisConfig;
import io.hetu.redis.RedisServer;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The test app served by {@code count} servers on one real redis-server started for the test, each
 * with its own connection to it (its own {@link Database}), on free loopback ports.
 */
final class RedisServers implements AutoCloseable {

    final RedisServer redis;
    final App app;
    final List<Database> databases = new ArrayList<>();
    final List<HetuServer> servers = new ArrayList<>();

    RedisServers(String name, int count, InstantSource clock) throws Exception {
        redis = RedisServer.start();
        try {
            app = App.load(getClass().getClassLoader(), null);
            RedisConfig config = redis.database(name);
            for (int i = 0; i < count; i++) {
                Database database = Redis.open(config, app.tables());
                databases.add(database);
                servers.add(HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                        AdminConfig.defaults(), clock));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        servers.forEach(HetuServer::close);
        databases.forEach(Database::close);
        redis.close();
    }
}
