package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.redis.Redis;
import io.hetu.redis.RedisConfig;
import io.hetu.redis.RedisServer;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.MarkerRow;
import io.hetu.server.fixtures.MarkerTable;
import io.hetu.storage.Database;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two servers on different ports sharing one redis-server, with a WebSocket client on each: a
 * write through either is pushed to subscribers on the other, and when Redis dies under load the
 * calls fail with UNAVAILABLE and succeed again once it is back, without restarting the servers.
 */
class SharedRedisServersTest {

    private RedisServer redis;
    private App app;
    private final List<Database> databases = new ArrayList<>();
    private final List<HetuServer> servers = new ArrayList<>();
    private int markers;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        app = App.load(getClass().getClassLoader(), null);
        RedisConfig config = redis.database("servers");
        for (int i = 0; i < 2; i++) {
            Database database = Redis.open(config, app.tables());
            databases.add(database);
            servers.add(HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0)));
        }
        markers = app.tables().indexOf(MarkerTable.TABLE);
    }

    @AfterEach
    void stop() {
        servers.forEach(HetuServer::close);
        databases.forEach(Database::close);
        if (redis != null) {
            redis.close();
        }
    }

    private int system(String name) {
        for (int id = 0; id < app.systems().size(); id++) {
            var def = app.systems().get(id).def();
            if (def.namespace().equals("servertest") && def.name().equals(name)) {
                return id;
            }
        }
        throw new AssertionError("no system servertest." + name);
    }

    private Message mark(int request, long owner, int value) {
        return new Message(Protocol.CALL).i32(request).u16(system("mark")).i64(owner).i32(value);
    }

    /** The next RESULT or REJECTED. */
    private static ByteBuffer nextReply(TestClient client) throws InterruptedException {
        while (true) {
            ByteBuffer frame = client.next();
            if (frame.get(0) == Protocol.RESULT || frame.get(0) == Protocol.REJECTED) {
                return frame;
            }
        }
    }

    /** Subscribes to the marker of {@code owner}; returns the subscription id. */
    private int selectMarker(TestClient client, int request, long owner) throws InterruptedException {
        client.send(new Message(Protocol.SELECT).i32(request).u16(markers).u8(1).u8(0).i64(owner));
        ByteBuffer subscribed = client.next((byte) 0x84);
        assertEquals(request, subscribed.getInt(1));
        return subscribed.getInt(5);
    }

    /** The next UPDATE's first change: its kind and the marker's value. */
    private static int[] nextChange(TestClient client, int subscription) throws InterruptedException {
        ByteBuffer update = client.next((byte) 0x90);
        update.position(1 + 8);
        assertEquals(1, update.getShort());
        assertEquals(subscription, update.getInt());
        int kind = update.get();
        update.getLong();
        return new int[] {kind, update.getInt(update.position() + (int) MarkerRow.VALUE_OFFSET)};
    }

    @Test
    void aWriteThroughOneServerIsPushedToSubscribersOfTheOther() throws Exception {
        try (TestClient first = TestClient.greeted(servers.get(0).port(), app.schemaHash());
                TestClient second = TestClient.greeted(servers.get(1).port(), app.schemaHash())) {
            int onSecond = selectMarker(second, 1, 7);
            int onFirst = selectMarker(first, 1, 8);

            first.send(mark(2, 7, 70));
            assertEquals(Protocol.RESULT, first.next(Protocol.RESULT).get(0));
            assertTrue(nextChange(second, onSecond)[1] == 70, "the insert made through the first server");

            first.send(mark(3, 7, 71));
            first.next(Protocol.RESULT);
            int[] change = nextChange(second, onSecond);
            assertEquals(2, change[0], "an update");
            assertEquals(71, change[1]);

            second.send(mark(2, 8, 80));
            second.next(Protocol.RESULT);
            assertEquals(80, nextChange(first, onFirst)[1], "and the other way round");
        }
    }

    @Test
    void callsFailClearlyWhileRedisIsDownAndSucceedOnceItIsBack() throws Exception {
        try (TestClient caller = TestClient.greeted(servers.get(0).port(), app.schemaHash());
                TestClient watcher = TestClient.greeted(servers.get(1).port(), app.schemaHash())) {
            int subscription = selectMarker(watcher, 1, 5);
            int request = 10;
            // Load before, during and after the outage: one call at a time, each answered.
            for (; request < 40; request++) {
                caller.send(mark(request, 5, request));
                assertEquals(Protocol.RESULT, caller.next(Protocol.RESULT).get(0));
            }
            caller.send(mark(request++, 6, 66));
            caller.next(Protocol.RESULT);
            redis.kill();
            String unavailable = null;
            for (int i = 0; i < 20; i++, request++) {
                caller.send(mark(request, 5, request));
                ByteBuffer reply = nextReply(caller);
                assertEquals(Protocol.REJECTED, reply.get(0), "no call succeeds while Redis is down");
                reply.position(5);
                assertEquals("UNAVAILABLE", TestClient.readStr(reply));
                unavailable = TestClient.readStr(reply);
            }
            assertTrue(unavailable.contains("Redis at redis://127.0.0.1:" + redis.port()) && unavailable.contains("retry"),
                    unavailable);
            watcher.send(new Message(Protocol.SELECT).i32(2).u16(markers).u8(1).u8(0).i64(6));
            ByteBuffer refused = watcher.next(Protocol.REJECTED);
            refused.position(5);
            assertEquals("UNAVAILABLE", TestClient.readStr(refused), "a subscription cannot be read either");

            redis.restart();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int succeeded = 0;
            for (; succeeded < 20; request++) {
                assertTrue(System.nanoTime() < deadline, "calls did not succeed again after Redis came back");
                caller.send(mark(request, 5, request));
                ByteBuffer reply = nextReply(caller);
                if (reply.get(0) == Protocol.RESULT) {
                    succeeded++;
                } else {
                    reply.position(5);
                    assertEquals("UNAVAILABLE", TestClient.readStr(reply));
                    Thread.sleep(50);
                }
            }
            int last = request - 1;
            // The watcher on the other server sees the values written after the restart arrive.
            int seen = -1;
            while (seen != last) {
                seen = nextChange(watcher, subscription)[1];
            }
            caller.send(new Message(Protocol.CALL).i32(9999).u16(system("peek")).i64(6));
            assertEquals(66, caller.next(Protocol.RESULT).getInt(13), "a row written before the restart survived");
        }
    }
}
