package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ${package}.client.HetuClient;
import ${package}.client.HetuRejection;
import ${package}.client.PositionRow;
import ${package}.client.Subscription;
import io.hetu.test.Await;
import io.hetu.test.HetuTest;
import io.hetu.test.TestServer;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The game played by two test clients (the generated Java SDK) against the game served in-process
 * for each test by HeTu's test kit (docs/TESTING.md in HeTu).
 */
@HetuTest
class GameTest {

    @Test
    void aMoveIsSeenByTheOtherPlayer(TestServer server) {
        HetuClient ann = server.connect("ann", HetuClient::connect);
        HetuClient bob = server.connect("bob", HetuClient::connect);
        ann.login(c -> c.systems().login(101L)).join();
        bob.login(c -> c.systems().login(202L)).join();
        Subscription<PositionRow> seen = bob.position().queryByOwner().join();

        ann.systems().moveTo(12.5f, 30f).join();

        PositionRow moved = Await.until("ann's move", () -> seen.rows().values().stream()
                .filter(p -> p.owner() == 101L).findFirst().orElse(null));
        assertEquals(new PositionRow(12.5f, 30f, 101L), moved);
    }

    @Test
    void aMoveBeforeLoggingInIsRefused(TestServer server) {
        HetuClient stranger = server.connect(HetuClient::connect);
        CompletionException refused = assertThrows(CompletionException.class,
                () -> stranger.systems().moveTo(1f, 1f).join());
        assertEquals("PERMISSION", assertInstanceOf(HetuRejection.class, refused.getCause()).code());
    }
}
