package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.redis.Redis;
import io.hetu.redis.RedisConfig;
import io.hetu.redis.RedisServer;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CALL_ONCE across two servers on one redis-server: a call sent again to the other server after
 * a lost connection gets its first result, and the same calls racing on both run once each.
 */
class RedisOnceCallsTest {

    private RedisServer redis;
    private App app;
    private final List<Database> databases = new ArrayList<>();
    private final List<HetuServer> servers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        app = App.load(getClass().getClassLoader(), null);
        RedisConfig config = redis.database("once");
        for (int i = 0; i < 2; i++) {
            Database database = Redis.open(config, app.tables());
            databases.add(database);
            servers.add(HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0)));
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(HetuServer::close);
        databases.forEach(Database::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aCallSentAgainToTheOtherServerGetsItsFirstResult() throws Exception {
        try (TestClient first = OnceCallsTest.player(app, servers.get(0), 3)) {
            first.send(OnceCallsTest.once(app, 1, 42, "count"));
            assertEquals(1, OnceCallsTest.value(OnceCallsTest.reply(first)));
        }
        try (TestClient moved = OnceCallsTest.player(app, servers.get(1), 3)) {
            moved.send(OnceCallsTest.once(app, 1, 42, "count"));
            assertEquals(1, OnceCallsTest.value(OnceCallsTest.reply(moved)), "the outcome is in Redis, not in a server");
            moved.send(OnceCallsTest.once(app, 2, 43, "count"));
            assertEquals(2, OnceCallsTest.value(OnceCallsTest.reply(moved)));
        }
        assertEquals(2, OnceCallsTest.counter(databases.get(1), 3));
    }

    @Test
    void theSameCallsRacingOnBothServersRunOnceEach() throws Exception {
        OnceCallsTest.race(app, servers.get(0), servers.get(1), databases.get(0));
    }
}
