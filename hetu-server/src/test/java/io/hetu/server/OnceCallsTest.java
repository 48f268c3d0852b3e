package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.KeyRange;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.once.CallOutcomeTable;
import io.hetu.server.once.OnceCalls;
import io.hetu.server.time.ManualClock;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CALL_ONCE over real sockets against a durable store (docs/PROTOCOL.md, calls that run once): a
 * call sent again with its id runs at most once, across connections, restarts and servers.
 */
class OnceCallsTest {

    /** A Marker's owner that counts the calls of user {@code u}: 1,000,000 + u (ServerSystems.count). */
    private static final long COUNTER = 1_000_000L;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T12:00:00Z"));
    private App app;
    private Database database;
    private HetuServer server;

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        open();
    }

    private void open() throws Exception {
        database = Embedded.open(dir, DurabilityConfig.defaults().withFsync(FsyncPolicy.ALWAYS), app.tables());
        server = serve();
    }

    private HetuServer serve() throws Exception {
        return HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                AdminConfig.defaults(), clock);
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private int system(String name) {
        return TestSystems.id(app, name);
    }

    private Message once(int request, long callId, String system) {
        return once(app, request, callId, system);
    }

    static Message once(App app, int request, long callId, String system) {
        return new Message(Protocol.CALL_ONCE).i32(request).i64(callId).u16(TestSystems.id(app, system));
    }

    private TestClient player(HetuServer on, long user) throws Exception {
        return player(app, on, user);
    }

    /** A version 2 client of {@code on}, logged in as {@code user} (kicking another connection of it). */
    static TestClient player(App app, HetuServer on, long user) throws Exception {
        TestClient client = TestClient.greeted(on.port(), app.schemaHash(), 2);
        client.send(new Message(Protocol.CALL).i32(0).u16(TestSystems.id(app, "login")).i64(user).u8(1));
        client.next(Protocol.RESULT);
        return client;
    }

    /** The i32 value of a RESULT (after type, request id and seq). */
    static int value(ByteBuffer result) {
        assertEquals(Protocol.RESULT, result.get(0), () -> "expected RESULT, got " + describe(result));
        return result.getInt(13);
    }

    private static String describe(ByteBuffer frame) {
        if (frame.get(0) != Protocol.REJECTED) {
            return "0x" + Integer.toHexString(frame.get(0) & 0xFF);
        }
        ByteBuffer copy = frame.duplicate().order(frame.order()).position(5);
        return "REJECTED " + TestClient.readStr(copy) + ": " + TestClient.readStr(copy);
    }

    private static String rejection(ByteBuffer frame) {
        assertEquals(Protocol.REJECTED, frame.get(0), "expected a rejection");
        return TestClient.readStr(frame.duplicate().order(frame.order()).position(5));
    }

    /** The next reply (RESULT or REJECTED). */
    static ByteBuffer reply(TestClient client) throws InterruptedException {
        while (true) {
            ByteBuffer frame = client.next();
            if (frame.get(0) == Protocol.RESULT || frame.get(0) == Protocol.REJECTED) {
                return frame;
            }
        }
    }

    private int counter(long user) {
        return counter(database, user);
    }

    static int counter(Database database, long user) {
        return database.transact(10, tx -> {
            var row = tx.getBy(io.hetu.server.fixtures.MarkerTable.OWNER, COUNTER + user);
            return row == null ? 0 : row.value();
        });
    }

    private int outcomes() {
        return database.transact(0, tx -> tx.range(CallOutcomeTable.MINUTE, KeyRange.all(), Integer.MAX_VALUE, false)
                .size());
    }

    @Test
    void aCallSentAgainWithItsIdRunsOnceAndGetsTheFirstResult() throws Exception {
        try (TestClient first = player(server, 7)) {
            first.send(once(1, 1001, "count"));
            assertEquals(1, value(reply(first)));
            first.send(once(2, 1001, "count"));
            assertEquals(1, value(reply(first)), "the same id on the same connection: the first result");
        }
        // After a lost connection the SDK logs in again and sends the call again.
        try (TestClient again = player(server, 7)) {
            again.send(once(3, 1001, "count"));
            ByteBuffer replayed = reply(again);
            assertEquals(1, value(replayed));
            assertTrue(replayed.getLong(5) >= 1, "a replay carries a seq at or after the first run's commit");
            again.send(once(4, 1002, "count"));
            assertEquals(2, value(reply(again)), "another id runs");
        }
        assertEquals(2, counter(7));
        try (TestClient other = player(server, 8)) {
            other.send(once(1, 1001, "count"));
            assertEquals(1, value(reply(other)), "ids are per user: user 8's call 1001 is its own");
        }
    }

    @Test
    void aCallThatDidNotCommitRunsAgainAndThenOnce() throws Exception {
        try (TestClient client = player(server, 7)) {
            client.send(once(1, 5, "countUnless").u8(1));
            assertEquals("NOT_NOW", rejection(reply(client)));
            client.send(once(2, 5, "countUnless").u8(0));
            assertEquals(1, value(reply(client)), "the refused run left nothing, so the retry runs");
            client.send(once(3, 5, "countUnless").u8(0));
            assertEquals(1, value(reply(client)));
        }
        assertEquals(1, counter(7));
    }

    @Test
    void aSystemDeclaredIdempotentRunsAgainAndIsNotRemembered() throws Exception {
        try (TestClient client = player(server, 7)) {
            client.send(once(1, 12, "countAgain"));
            assertEquals(1, value(reply(client)));
            client.send(once(2, 12, "countAgain"));
            assertEquals(2, value(reply(client)), "@GameSystem(idempotent = true): the same id runs again");
        }
        assertEquals(0, outcomes(), "and costs no outcome row");
        assertTrue(app.system(TestSystems.id(app, "countAgain")).def().idempotent());
        assertTrue(!app.system(TestSystems.id(app, "count")).def().idempotent());
    }

    @Test
    void beforeALoginTheIdIsIgnored() throws Exception {
        try (TestClient anonymous = TestClient.greeted(server.port(), app.schemaHash(), 2)) {
            anonymous.send(new Message(Protocol.CALL_ONCE).i32(1).i64(9).u16(system("mark")).i64(31).i32(1));
            reply(anonymous);
            anonymous.send(new Message(Protocol.CALL_ONCE).i32(2).i64(9).u16(system("mark")).i64(31).i32(2));
            reply(anonymous);
            anonymous.send(new Message(Protocol.CALL).i32(3).u16(system("peek")).i64(31));
            assertEquals(2, value(reply(anonymous)), "both ran: nobody's calls are remembered");
        }
        assertEquals(0, outcomes());
    }

    @Test
    void aVersionOneClientCannotSendCallOnceAndIdZeroIsMalformed() throws Exception {
        try (TestClient old = TestClient.greeted(server.port(), app.schemaHash(), 1)) {
            old.send(once(1, 3, "whoAmI"));
            assertEquals("PROTOCOL", old.errorCode());
            assertEquals(Protocol.CLOSE_PROTOCOL, old.awaitClose());
        }
        try (TestClient client = player(server, 7)) {
            client.send(once(1, 0, "count"));
            assertEquals("PROTOCOL", client.errorCode());
        }
        try (TestClient shortOne = TestClient.greeted(server.port(), app.schemaHash(), 2)) {
            shortOne.send(new Message(Protocol.CALL_ONCE).i32(1).i32(5));
            assertEquals("PROTOCOL", shortOne.errorCode(), "a CALL_ONCE cut short in its call id");
        }
        try (TestClient newer = TestClient.connect(server.port())) {
            newer.hello(3, app.schemaHash());
            assertEquals("VERSION", newer.errorCode());
        }
        assertEquals(0, counter(7));
    }

    @Test
    void aResultTooLongToKeepIsNotRunAgain() throws Exception {
        try (TestClient client = player(server, 7)) {
            client.send(once(1, 44, "countLong").i32(400));
            ByteBuffer first = reply(client);
            assertEquals(Protocol.RESULT, first.get(0), () -> describe(first));
            client.send(once(2, 44, "countLong").i32(400));
            ByteBuffer retried = reply(client);
            assertEquals("ALREADY_RAN", rejection(retried));
            assertTrue(describe(retried).contains("read its effect back"), describe(retried));
            client.send(once(3, 45, "countLong").i32(10));
            ByteBuffer small = reply(client);
            client.send(once(4, 45, "countLong").i32(10));
            ByteBuffer replayed = reply(client);
            assertEquals(text(small), text(replayed));
            assertEquals("2:" + "x".repeat(10), text(replayed));
        }
        assertEquals(2, counter(7));
    }

    private static String text(ByteBuffer result) {
        assertEquals(Protocol.RESULT, result.get(0), () -> describe(result));
        int length = result.getInt(13);
        byte[] bytes = new byte[length];
        result.duplicate().position(17).get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void anOutcomeSurvivesARestart() throws Exception {
        try (TestClient client = player(server, 7)) {
            client.send(once(1, 77, "count"));
            assertEquals(1, value(reply(client)));
        }
        server.close();
        database.close();
        open();
        try (TestClient client = player(server, 7)) {
            client.send(once(1, 77, "count"));
            assertEquals(1, value(reply(client)), "the outcome was logged with the call's own writes");
        }
        assertEquals(1, counter(7));
    }

    @Test
    void theSameCallsRacingOnTwoServersOfOneStoreRunOnceEach() throws Exception {
        HetuServer second = serve();
        try {
            race(app, server, second, database);
        } finally {
            second.close();
        }
    }

    /**
     * Two clients of user 9, one on each server, send the same calls at once, a batch of the user's
     * 32 slots at a time: each call runs once, and both hear the same result for it.
     */
    static void race(App app, HetuServer one, HetuServer other, Database database) throws Exception {
        try (TestClient a = player(app, one, 9); TestClient b = player(app, other, 9)) {
            Map<Long, Integer> seen = new HashMap<>();
            long id = 5_000;
            for (int batch = 0; batch < 20; batch++) {
                for (int i = 0; i < OnceCalls.SLOTS; i++) {
                    a.send(once(app, i, id + i, "count"));
                    b.send(once(app, i, id + i, "count"));
                }
                for (TestClient client : new TestClient[] {a, b}) {
                    for (int i = 0; i < OnceCalls.SLOTS; i++) {
                        ByteBuffer reply = reply(client);
                        long callId = id + reply.getInt(1);
                        int value = value(reply);
                        Integer other2 = seen.putIfAbsent(callId, value);
                        assertTrue(other2 == null || other2 == value,
                                "call " + callId + " answered " + other2 + " on one server and " + value + " on the other");
                    }
                }
                id += OnceCalls.SLOTS;
            }
            assertEquals(20 * OnceCalls.SLOTS, seen.size());
            assertEquals(20 * OnceCalls.SLOTS, counter(database, 9), "every call ran exactly once");
            assertEquals(20 * OnceCalls.SLOTS, seen.values().stream().distinct().count(),
                    "each run saw its own count");
        }
    }

    @Test
    void aUserHoldsAtMostItsSlotsAndOldOutcomesAreSwept() throws Exception {
        try (TestClient client = player(server, 7)) {
            for (int i = 1; i <= 200; i++) {
                client.send(once(i, i, "count"));
            }
            for (int i = 1; i <= 200; i++) {
                reply(client);
            }
            assertEquals(OnceCalls.SLOTS, outcomes(), "200 calls, one slot each of 32");
            client.send(once(201, 200, "count"));
            assertEquals(200, value(reply(client)), "the newest call of a slot is remembered");
            client.send(once(202, 1, "count"));
            assertEquals(201, value(reply(client)), "call 1's slot went to call 193: sent again, it runs again");

            clock.advance(OnceCalls.RETENTION);
            assertEquals(0, server.onceCalls().sweep(database), "kept for the whole retention");
            clock.advance(Duration.ofMinutes(1));
            assertEquals(OnceCalls.SLOTS, server.onceCalls().sweep(database));
            assertEquals(0, outcomes());
            client.send(once(203, 200, "count"));
            assertEquals(202, value(reply(client)), "a swept outcome is forgotten");
        }
    }
}
