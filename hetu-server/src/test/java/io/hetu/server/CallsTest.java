package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.LabelTable;
import io.hetu.server.fixtures.MarkerTable;
import io.hetu.server.fixtures.time.Gate;
import io.hetu.server.fixtures.time.GateTable;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls over real sockets against a durable store: results, rejections, permissions, logins. */
class CallsTest {

    @TempDir
    Path dir;

    private App app;
    private Database database;
    private HetuServer server;

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        database = Embedded.open(dir, DurabilityConfig.defaults().withFsync(FsyncPolicy.ALWAYS), app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0));
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private int system(String name) {
        return TestSystems.id(app, name);
    }

    private static Message call(int request, int system) {
        return new Message(Protocol.CALL).i32(request).u16(system);
    }

    /** The reply (RESULT or REJECTED) to each request id, whatever order they arrive in. */
    private static Map<Integer, ByteBuffer> replies(TestClient client, int count) throws InterruptedException {
        Map<Integer, ByteBuffer> replies = new HashMap<>();
        while (replies.size() < count) {
            ByteBuffer frame = client.next();
            if (frame.get(0) == Protocol.RESULT || frame.get(0) == Protocol.REJECTED) {
                replies.put(frame.getInt(1), frame);
            }
        }
        return replies;
    }

    private static String rejection(ByteBuffer frame) {
        assertEquals(Protocol.REJECTED, frame.get(0), "expected a rejection");
        frame.position(5);
        return TestClient.readStr(frame);
    }

    @Test
    void resultsCarryTheCommitSeqAndManyCallsFlyAtOnce() throws Exception {
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            for (int i = 0; i < 20; i++) {
                client.send(call(i, system("mark")).i64(500 + i).i32(i));
                client.send(call(100 + i, system("peek")).i64(500 + i));
            }
            Map<Integer, ByteBuffer> replies = replies(client, 40);
            long lastSeq = 0;
            for (int i = 0; i < 20; i++) {
                ByteBuffer result = replies.get(i);
                assertEquals(Protocol.RESULT, result.get(0));
                long seq = result.getLong(5);
                assertTrue(seq > lastSeq, "each write has a later seq");
                lastSeq = seq;
                ByteBuffer peek = replies.get(100 + i);
                assertEquals(i, peek.getInt(13), "a read after a write on one connection sees it");
            }
            long id = database.transact(0, tx -> tx.id(tx.getBy(MarkerTable.OWNER, 519L)));
            assertEquals(id, replies.get(19).getLong(13));
        }
    }

    @Test
    void rejectionsRollBackAndKeepTheConnection() throws Exception {
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(call(1, system("refuse")).string("NOT_ENOUGH_GOLD"));
            ByteBuffer refused = client.next(Protocol.REJECTED);
            assertEquals("NOT_ENOUGH_GOLD", rejection(refused));
            assertEquals("refused on purpose", TestClient.readStr(refused));
            boolean absent = database.transact(0, tx -> tx.getBy(MarkerTable.OWNER, 424242L) == null);
            assertTrue(absent, "the rejected call's write was rolled back");

            client.send(call(2, system("crash")));
            ByteBuffer crashed = client.next(Protocol.REJECTED);
            assertEquals("INTERNAL", rejection(crashed));
            assertTrue(TestClient.readStr(crashed).contains("trace"));

            client.send(call(3, system("mark")).i64(1));
            assertEquals("BAD_ARGUMENTS", rejection(client.next(Protocol.REJECTED)), "an argument missing");
            client.send(call(4, system("mark")).i64(1).i32(2).u8(0));
            assertEquals("BAD_ARGUMENTS", rejection(client.next(Protocol.REJECTED)), "a byte too many");
            client.send(call(5, 65_000));
            assertEquals("NO_SUCH_SYSTEM", rejection(client.next(Protocol.REJECTED)));

            client.send(call(7, system("label")).i64(3).string("河图河图"));
            ByteBuffer tooLong = client.next(Protocol.REJECTED);
            assertEquals("INVALID_VALUE", rejection(tooLong));
            String message = TestClient.readStr(tooLong);
            assertTrue(message.contains("Label.text") && message.contains("12 UTF-8 bytes"), message);
            boolean noLabel = database.transact(0, tx -> tx.getBy(LabelTable.OWNER, 3L) == null);
            assertTrue(noLabel, "the rejected value left nothing behind");
            client.send(call(8, system("label")).i64(3).string("ok"));
            client.next(Protocol.RESULT);

            client.send(call(6, system("peek")).i64(9));
            ByteBuffer still = client.next(Protocol.RESULT);
            assertEquals(-1, still.getInt(13), "the connection still serves calls");
        }
    }

    @Test
    void aRateLimitRejectsCallsBeyondItsBurstPerConnection() throws Exception {
        try (LogCapture log = new LogCapture();
                TestClient client = TestClient.greeted(server.port(), app.schemaHash());
                TestClient other = TestClient.greeted(server.port(), app.schemaHash())) {
            for (int i = 1; i <= 5; i++) {
                client.send(call(i, system("limited")).i32(i));
            }
            Map<Integer, ByteBuffer> replies = replies(client, 5);
            for (int i = 1; i <= 3; i++) {
                assertEquals(Protocol.RESULT, replies.get(i).get(0), "call " + i + " is within the burst of 3");
                assertEquals(i, replies.get(i).getInt(13));
            }
            for (int i = 4; i <= 5; i++) {
                ByteBuffer refused = replies.get(i);
                assertEquals("RATE_LIMITED", rejection(refused));
                String message = TestClient.readStr(refused);
                assertTrue(message.startsWith("limited allows 1 call(s) a second, 3 at once, per connection; call "
                        + "again in ") && message.endsWith(" ms"), message);
            }
            other.send(call(1, system("limited")).i32(9));
            assertEquals(9, other.next(Protocol.RESULT).getInt(13), "another connection has its own bucket");
            client.send(call(6, system("peek")).i64(1));
            assertEquals(Protocol.RESULT, client.next().get(0), "the limited connection goes on with other systems");
            Thread.sleep(1_100);
            client.send(call(7, system("limited")).i32(7));
            assertEquals(7, client.next(Protocol.RESULT).getInt(13), "a second later there is a token again");
            assertEquals(0, log.stackTraceLines(), "a limited call is the client's business, not a server error");
        }
    }

    @Test
    void aPerUserRateLimitIsSharedByTheUsersConnections() throws Exception {
        try (TestClient first = TestClient.greeted(server.port(), app.schemaHash());
                TestClient second = TestClient.greeted(server.port(), app.schemaHash())) {
            first.send(call(1, system("login")).i64(5150).u8(1));
            first.next(Protocol.RESULT);
            first.send(call(2, system("limitedPerUser")).i32(1));
            first.send(call(3, system("limitedPerUser")).i32(2));
            assertEquals(2, replies(first, 2).size());
            // The same user on a second connection (kick off: it takes the user over).
            second.send(call(1, system("login")).i64(5150).u8(1));
            second.next(Protocol.RESULT);
            second.send(call(2, system("limitedPerUser")).i32(3));
            assertEquals("RATE_LIMITED", rejection(second.next(Protocol.REJECTED)),
                    "the user spent the burst of 2 on the first connection");
            second.send(call(3, system("login")).i64(5151).u8(1));
            second.next(Protocol.RESULT);
            second.send(call(4, system("limitedPerUser")).i32(4));
            assertEquals(4, second.next(Protocol.RESULT).getInt(13), "another user has a bucket of their own");
        }
    }

    @Test
    void aRejectingOnConnectHookRefusesTheConnectionWithItsReason() throws Exception {
        database.run(0, tx -> tx.insert(GateTable.TABLE, new Gate(1, "back at 10:00 UTC")));
        try (LogCapture log = new LogCapture(); TestClient refused = TestClient.connect(server.port())) {
            refused.hello(Protocol.VERSION, app.schemaHash());
            ByteBuffer error = refused.next();
            assertEquals(Protocol.ERROR, error.get(0), "ERROR, not WELCOME");
            error.position(1);
            assertEquals("REFUSED", TestClient.readStr(error));
            assertEquals("MAINTENANCE: back at 10:00 UTC", TestClient.readStr(error));
            assertEquals(Protocol.CLOSE_REFUSED, refused.awaitClose());
            assertEquals(0, log.stackTraceLines(), "a refusal is the app's decision, not a failure");
        }
        database.run(0, tx -> tx.delete(GateTable.TABLE, tx.id(tx.getBy(GateTable.SLOT, 1))));
        try (TestClient welcome = TestClient.greeted(server.port(), app.schemaHash())) {
            assertTrue(welcome.isOpen(), "with the gate open, connections are welcome again");
        }
    }

    @Test
    void permissionsAreCheckedBeforeAnythingRuns() throws Exception {
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(call(1, system("whoAmI")));
            assertEquals("PERMISSION", rejection(client.next(Protocol.REJECTED)), "USER needs a login");
            client.send(call(2, system("adminOnly")));
            assertEquals("PERMISSION", rejection(client.next(Protocol.REJECTED)));
            client.send(call(3, system("serverOnly")));
            assertEquals("PERMISSION", rejection(client.next(Protocol.REJECTED)));

            client.send(call(4, system("login")).i64(77).u8(0));
            client.next(Protocol.RESULT);
            client.send(call(5, system("whoAmI")));
            assertEquals(77, client.next(Protocol.RESULT).getLong(13));
            client.send(call(6, system("adminOnly")));
            assertEquals("PERMISSION", rejection(client.next(Protocol.REJECTED)), "a user is not an admin");
        }
    }

    @Test
    void aSubscriptionAfterLoginAndWritesOnADurableStoreGetsItsSnapshot() throws Exception {
        int markers = app.tables().indexOf(MarkerTable.TABLE);
        for (int round = 0; round < 30; round++) {
            try (TestClient alice = TestClient.greeted(server.port(), app.schemaHash());
                    TestClient bob = TestClient.greeted(server.port(), app.schemaHash())) {
                alice.send(call(1, system("login")).i64(1000 + 2 * round).u8(1));
                alice.next(Protocol.RESULT);
                bob.send(call(1, system("login")).i64(1001 + 2 * round).u8(1));
                bob.next(Protocol.RESULT);
                bob.send(call(2, system("mark")).i64(9000 + round).i32(round));
                bob.next(Protocol.RESULT);
                alice.send(new Message(Protocol.QUERY).i32(3).u16(markers).u8(0).u8(0b11110).i32(100).i64(9000)
                        .i64(9999));
                ByteBuffer subscribed = alice.next((byte) 0x84);
                assertEquals(round + 1, subscribed.getInt(17), "round " + round);
                bob.send(call(4, system("mark")).i64(9000 + round).i32(-round - 1));
                bob.next(Protocol.RESULT);
                alice.next((byte) 0x90);
            }
        }
    }

    @Test
    void loggingInElsewhereIsRefusedOrKicks() throws Exception {
        try (TestClient first = TestClient.greeted(server.port(), app.schemaHash());
                TestClient second = TestClient.greeted(server.port(), app.schemaHash())) {
            first.send(call(1, system("login")).i64(5).u8(0));
            first.next(Protocol.RESULT);
            second.send(call(1, system("login")).i64(5).u8(0));
            assertEquals("ALREADY_LOGGED_IN", rejection(second.next(Protocol.REJECTED)));
            second.send(call(2, system("login")).i64(5).u8(1));
            second.next(Protocol.RESULT);
            assertEquals("KICKED", first.errorCode());
            assertEquals(Protocol.CLOSE_KICKED, first.awaitClose());
            second.send(call(3, system("whoAmI")));
            assertEquals(5, second.next(Protocol.RESULT).getLong(13));
        }
        // The disconnect hook ran for the user who left. The reads retry: the hooks of both
        // connections may commit while they run. The deadline only stops a hang.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (database.transact(10, tx -> tx.getBy(MarkerTable.OWNER, -5L)) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, (int) database.transact(10, tx -> tx.getBy(MarkerTable.OWNER, -5L).value()));
    }
}
