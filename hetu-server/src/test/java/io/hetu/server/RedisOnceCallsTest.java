package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.server.app.App;
import io.hetu.storage.Database;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CALL_ONCE across two servers on one redis-server: a call sent again to the other server after
 * a lost connection gets its first result, and the same calls racing on both run once each.
 */
class RedisOnceCallsTest {

    private RedisServers two;
    private App app;
    private List<Database> databases;
    private List<HetuServer> servers;

    @BeforeEach
    void start() throws Exception {
        two = new RedisServers("once", 2, java.time.InstantSource.system());
        app = two.app;
        databases = two.databases;
        servers = two.servers;
    }

    @AfterEach
    void stop() {
        two.close();
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

    /**
     * A user is logged in once across servers, so the race is the real one: calls in flight on one
     * server when the client moves to the other, logs in there (kicking the first connection) and
     * sends them again. Whatever the first server ran before the kick, each call runs once.
     */
    @Test
    void callsInFlightOnOneServerSentAgainOnTheOtherRunOnceEach() throws Exception {
        java.util.Set<Integer> values = new java.util.HashSet<>();
        long id = 7_000;
        for (int batch = 0; batch < 20; batch++) {
            try (TestClient first = OnceCallsTest.player(app, servers.get(0), 4)) {
                for (int i = 0; i < io.hetu.server.once.OnceCalls.SLOTS; i++) {
                    first.send(OnceCallsTest.once(app, i, id + i, "count"));
                }
                try (TestClient moved = OnceCallsTest.player(app, servers.get(1), 4)) {
                    for (int i = 0; i < io.hetu.server.once.OnceCalls.SLOTS; i++) {
                        moved.send(OnceCallsTest.once(app, i, id + i, "count"));
                    }
                    for (int i = 0; i < io.hetu.server.once.OnceCalls.SLOTS; i++) {
                        values.add(OnceCallsTest.value(OnceCallsTest.reply(moved)));
                    }
                }
            }
            id += io.hetu.server.once.OnceCalls.SLOTS;
        }
        int calls = 20 * io.hetu.server.once.OnceCalls.SLOTS;
        assertEquals(calls, OnceCallsTest.counter(databases.get(1), 4), "every call ran exactly once");
        assertEquals(calls, values.size(), "each answer is its own run's");
    }
}
