package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.samples.firstgame.client.HetuClient;
import io.hetu.samples.firstgame.client.PositionRow;
import io.hetu.samples.firstgame.client.Subscription;
import io.hetu.test.Await;
import io.hetu.test.HetuTest;
import io.hetu.test.TestServer;
import org.junit.jupiter.api.Test;

/** What the README promises: stop the server and start it again, and the players are where they were. */
@HetuTest(durable = true)
class FirstGameRestartTest {

    @Test
    void afterARestartThePlayersAreWhereTheyWereAndClientsCarryOn(TestServer server) throws Exception {
        HetuClient ann = server.connect("ann", HetuClient::connect);
        ann.login(c -> c.systems().login(server.token(101))).join();
        Subscription<PositionRow> seen = ann.position().queryByOwner().join();
        ann.systems().moveTo(33f, 44f).join();
        server.restart();
        // The client reconnects by itself, logs in again and renews its subscription.
        ann.systems().moveTo(35f, 44f).join();
        Await.until("the move after the restart", () -> seen.rows().values().stream()
                .filter(p -> p.owner() == 101 && p.x() == 35f).findFirst().orElse(null));
        HetuClient bob = server.connect("bob", HetuClient::connect);
        bob.login(c -> c.systems().login(server.token(202))).join();
        assertEquals(new PositionRow(35f, 44f, 101), bob.position().selectByOwner(101).join().rows().values()
                .iterator().next());
    }
}
