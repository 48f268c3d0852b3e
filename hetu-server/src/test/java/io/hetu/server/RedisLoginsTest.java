package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.login.SharedLogins;
import io.hetu.server.login.UserLoginTable;
import io.hetu.server.time.ManualClock;
import io.hetu.storage.Database;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One login per user across two servers of one redis-server: a login with kick ends the other
 * server's connection (KICKED reaches it), one without kick is refused while that connection
 * lives, a connection that leaves gives its user up, and a server whose lease ran out holds nobody.
 */
class RedisLoginsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private RedisServers two;
    private App app;
    private List<Database> databases;
    private List<HetuServer> servers;

    @BeforeEach
    void start() throws Exception {
        two = new RedisServers("logins", 2, clock);
        app = two.app;
        databases = two.databases;
        servers = two.servers;
    }

    @AfterEach
    void stop() {
        two.close();
    }

    private TestClient client(int server) throws Exception {
        return TestClient.greeted(servers.get(server).port(), app.schemaHash());
    }

    /** The reply to a login of {@code user}. */
    private ByteBuffer login(TestClient client, long user, boolean kick) throws Exception {
        client.send(new Message(Protocol.CALL).i32(1).u16(TestSystems.id(app, "login")).i64(user).u8(kick ? 1 : 0));
        while (true) {
            ByteBuffer frame = client.next();
            if (frame.get(0) == Protocol.RESULT || frame.get(0) == Protocol.REJECTED) {
                return frame;
            }
        }
    }

    private static String rejection(ByteBuffer frame) {
        assertEquals(Protocol.REJECTED, frame.get(0), "expected a rejection");
        ByteBuffer in = frame.duplicate().order(frame.order()).position(5);
        return TestClient.readStr(in) + ": " + TestClient.readStr(in);
    }

    @Test
    void aUserIsLoggedInOnceAcrossServers() throws Exception {
        try (TestClient first = client(0); TestClient second = client(1)) {
            assertEquals(Protocol.RESULT, login(first, 5, true).get(0));
            String refused = rejection(login(second, 5, false));
            assertTrue(refused.startsWith("ALREADY_LOGGED_IN") && refused.contains("another server"), refused);
            assertTrue(first.isOpen(), "a refused login takes nothing over");

            assertEquals(Protocol.RESULT, login(second, 5, true).get(0));
            assertEquals("KICKED", first.errorCode(), "the other server's connection is told why");
            assertEquals(Protocol.CLOSE_KICKED, first.awaitClose());
            long holder = databases.get(0).transact(10, tx -> tx.getBy(UserLoginTable.USER, 5L).server());
            assertEquals(holder, servers.get(1).sharedLogins().server());
        }
        // The second connection closed: its user is free for a login without kick anywhere.
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (TestClient third = client(0)) {
            while (login(third, 5, false).get(0) != Protocol.RESULT) {
                assertTrue(System.nanoTime() < deadline, "the closed connection did not give user 5 up");
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aServerWhoseLeaseRanOutHoldsNobody() throws Exception {
        try (TestClient held = client(1); TestClient other = client(0)) {
            assertEquals(Protocol.RESULT, login(held, 6, true).get(0));
            assertTrue(rejection(login(other, 6, false)).startsWith("ALREADY_LOGGED_IN"));
            // As if server 1 had stopped renewing: its lease is past on the shared clock.
            clock.advance(SharedLogins.LEASE.plus(Duration.ofSeconds(1)));
            assertEquals(Protocol.RESULT, login(other, 6, false).get(0), "a dead server's login holds nobody");
            assertEquals("KICKED", held.errorCode(), "and if it lives after all, it lets the user go");
        }
    }
}
