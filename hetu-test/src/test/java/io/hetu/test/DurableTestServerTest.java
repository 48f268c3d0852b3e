package io.hetu.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.test.fixtures.Coin;
import io.hetu.test.fixtures.CoinTable;
import io.hetu.test.fixtures.KitSystems;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A restart on the same data: rows, pending calls and the clock carry over; clients see it go. */
@HetuTest(durable = true)
class DurableTestServerTest {

    @Test
    void aRestartKeepsTheDataAndThePendingCalls(TestServer server) throws Exception {
        RawClient client = server.connect(RawClient::connect);
        server.runAs(3, ctx -> KitSystems.grantFor(ctx, 10, 30));
        int before = server.server().port();
        server.restart();
        client.closed.get(5, TimeUnit.SECONDS);
        assertTrue(server.server().port() > 0 && server.database() != null);
        assertEquals(new Coin(3, 10), server.read(db -> db.getBy(CoinTable.OWNER, 3L).toRecord()));
        assertEquals(1, server.advance(Duration.ofSeconds(30)), "the pending expiry survived the restart");
        assertEquals(Boolean.TRUE, server.read(db -> db.getBy(CoinTable.OWNER, 3L) == null));
        try (RawClient again = RawClient.connect(server.url()).get(5, TimeUnit.SECONDS)) {
            assertTrue(!again.closed.isDone(), "the restarted server serves (it was on port " + before + ")");
        }
    }
}
