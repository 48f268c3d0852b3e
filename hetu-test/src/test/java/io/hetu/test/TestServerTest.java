package io.hetu.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.system.Rejection;
import io.hetu.test.fixtures.Coin;
import io.hetu.test.fixtures.CoinRow;
import io.hetu.test.fixtures.CoinTable;
import io.hetu.test.fixtures.KitSystems;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The kit's server side: rows, systems as any player, the clock, tokens, links. */
@HetuTest(start = "2031-05-01T10:00:00Z")
class TestServerTest {

    private static Coin coin(TestServer server, long owner) {
        return server.read(db -> {
            CoinRow row = db.getBy(CoinTable.OWNER, owner);
            return row == null ? null : row.toRecord();
        });
    }

    @Test
    void seededRowsAreThereAndSystemsRunAsAnyPlayer(TestServer server) {
        server.seed(db -> db.insert(CoinTable.TABLE, new Coin(7, 100)));
        assertEquals(new Coin(7, 100), coin(server, 7));
        assertEquals(105, (int) server.callAs(7, ctx -> KitSystems.grant(ctx, 5)), "the system ran as player 7");
        assertEquals(new Coin(7, 105), coin(server, 7));
        server.runAs(8, ctx -> KitSystems.grant(ctx, 1));
        assertEquals(new Coin(8, 1), coin(server, 8));
    }

    @Test
    void theClockStartsWhereTheClassSaysAndMovesOnlyWhenTold(TestServer server) throws Exception {
        assertEquals(Instant.parse("2031-05-01T10:00:00Z"), server.now());
        server.runAs(9, ctx -> KitSystems.grantFor(ctx, 50, 60));
        Thread.sleep(50);
        assertEquals(Instant.parse("2031-05-01T10:00:00Z"), server.now(), "real time does not move it");
        assertEquals(0, server.advance(Duration.ofSeconds(59)));
        assertEquals(new Coin(9, 50), coin(server, 9));
        assertEquals(1, server.advance(Duration.ofSeconds(1)), "the expiry fired");
        assertNull(coin(server, 9));
        assertEquals(Instant.parse("2031-05-01T10:01:00Z"), server.callAsServer(ctx -> ctx.now()));
    }

    @Test
    void tokensItSignsVerifyOnTheServer(TestServer server) {
        assertEquals(42L, (long) server.callAs(0, ctx -> KitSystems.whoIs(ctx, server.token(42, "player"))));
        Rejection forged = assertThrows(Rejection.class,
                () -> server.callAs(0, ctx -> KitSystems.whoIs(ctx, server.token(42) + "x")));
        assertEquals("UNAUTHENTICATED", forged.code());
    }

    @Test
    void restartNeedsTheDataOnDisk(TestServer server) {
        IllegalStateException refused = assertThrows(IllegalStateException.class, server::restart);
        assertTrue(refused.getMessage().contains("@HetuTest(durable = true)"), refused.getMessage());
    }

    @Test
    void aCutClientLosesItsConnectionAndCannotComeBackUntilRestored(TestServer server) throws Exception {
        RawClient client = server.connect(RawClient::connect);
        RawClient other = server.connect(RawClient::connect);
        server.cut(client);
        client.closed.get(5, TimeUnit.SECONDS);
        assertFalse(other.closed.isDone(), "only that client's link is cut");
        // A reconnect through the cut link fails; after restore it works.
        String cutUrl = "ws://127.0.0.1:" + linkPort(server, client) + "/hetu";
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> RawClient.connect(cutUrl).get(5, TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof java.io.IOException, refused.toString());
        server.restore(client);
        try (RawClient again = RawClient.connect(cutUrl).get(5, TimeUnit.SECONDS)) {
            assertFalse(again.closed.isDone());
        }
    }

    private static int linkPort(TestServer server, Object client) throws Exception {
        var field = TestServer.class.getDeclaredField("links");
        field.setAccessible(true);
        return ((java.util.Map<?, ?>) field.get(server)).entrySet().stream()
                .filter(e -> e.getKey() == client)
                .map(e -> ((Link) e.getValue()).port())
                .findFirst().orElseThrow();
    }
}
