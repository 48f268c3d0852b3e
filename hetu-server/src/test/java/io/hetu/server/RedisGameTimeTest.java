package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.redis.Redis;
import io.hetu.redis.RedisConfig;
import io.hetu.redis.RedisServer;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.time.GameTime;
import io.hetu.storage.Database;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two servers on one redis-server, both firing the same scheduled calls on real clocks: every
 * call runs exactly once, on one of them, whichever server scheduled it.
 */
class RedisGameTimeTest {

    private static final int BATCHES = 20;
    private static final int BATCH = 50;

    private RedisServer redis;
    private App app;
    private final List<Database> databases = new ArrayList<>();
    private final List<HetuServer> servers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        app = App.load(getClass().getClassLoader(), null);
        RedisConfig config = redis.database("time");
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
    void aTickRunsOncePerPeriodWhenTwoServersBothTryIt() throws Exception {
        io.hetu.server.time.ManualClock clock = new io.hetu.server.time.ManualClock(
                java.time.Instant.parse("2030-01-01T00:00:00Z"));
        RedisConfig config = redis.database("ticks");
        List<Database> dbs = new ArrayList<>();
        List<HetuServer> manual = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Database database = Redis.open(config, app.tables());
                dbs.add(database);
                manual.add(HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                        AdminConfig.defaults(), clock));
            }
            long rows = dbs.getFirst().transact(10, tx -> (long) tx.range(io.hetu.server.time.ScheduledCallTable.DUE,
                    io.hetu.schema.KeyRange.all(), 10, false).size());
            assertEquals(1, rows, "both servers ensured the tick; its schedule exists once");
            for (int hour = 1; hour <= 5; hour++) {
                clock.advance(java.time.Duration.ofHours(1));
                // Both servers look at the same due run at once.
                var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> manual.get(0).gameTime().fireDue());
                var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> manual.get(1).gameTime().fireDue());
                assertEquals(1, first.join() + second.join(), "hour " + hour + ": one run, on one of the servers");
                int expected = hour;
                long count = dbs.getFirst().transact(10, tx -> {
                    var ring = tx.getBy(io.hetu.server.fixtures.time.RingTable.ALARM,
                            io.hetu.server.fixtures.time.TimeSystems.TICK_ALARM);
                    return ring == null ? 0L : ring.count();
                });
                assertEquals(expected, count, "the tick's writes committed once per run");
            }
        } finally {
            manual.forEach(HetuServer::close);
            dbs.forEach(Database::close);
        }
    }

    @Test
    void twoServersFireEachCallOnce() throws Exception {
        int setAlarms = GameTimeTest.system(app, "setAlarms");
        int rings = GameTimeTest.system(app, "rings");
        int total = 2 * BATCHES * BATCH;
        try (TestClient first = TestClient.greeted(servers.get(0).port(), app.schemaHash());
                TestClient second = TestClient.greeted(servers.get(1).port(), app.schemaHash())) {
            long alarm = 1;
            for (int batch = 0; batch < BATCHES; batch++) {
                for (TestClient client : List.of(first, second)) {
                    long delay = ThreadLocalRandom.current().nextLong(1_500);
                    client.send(new Message(Protocol.CALL).i32(batch).u16(setAlarms).i64(alarm).i32(BATCH).i64(delay));
                    ByteBuffer reply = client.next();
                    assertEquals(Protocol.RESULT, reply.get(0), "scheduling through either server");
                    alarm += BATCH;
                }
            }
            long[] counts = new long[0];
            long stop = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < stop) {
                first.send(new Message(Protocol.CALL).i32(-1).u16(rings).i64(1).i32(total));
                ByteBuffer reply = first.next(Protocol.RESULT).position(13);
                counts = new long[reply.getInt()];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = reply.getLong();
                }
                if (java.util.Arrays.stream(counts).allMatch(c -> c >= 1)) {
                    break;
                }
                Thread.sleep(200);
            }
            for (int i = 0; i < total; i++) {
                assertEquals(1, counts[i], "alarm " + (i + 1) + " rang " + counts[i] + " times");
            }
        }
        GameTime a = servers.get(0).gameTime();
        GameTime b = servers.get(1).gameTime();
        assertEquals(total, a.fired() + b.fired(), "each firing committed on exactly one server (" + a.fired()
                + " + " + b.fired() + ")");
        assertTrue(a.failed() + b.failed() == 0, "nothing failed");
        System.out.println("two servers on Redis fired " + total + " calls once each: " + a.fired() + " + "
                + b.fired());
    }
}
