package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.samples.firstgame.client.HetuClient;
import io.hetu.samples.firstgame.client.HetuConnection;
import io.hetu.samples.firstgame.client.HetuRejection;
import io.hetu.samples.firstgame.client.PositionRow;
import io.hetu.samples.firstgame.client.RoundRow;
import io.hetu.samples.firstgame.client.Subscription;
import io.hetu.server.auth.AuthConfig;
import io.hetu.server.auth.DevTokens;
import io.hetu.test.Await;
import io.hetu.test.HetuTest;
import io.hetu.test.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The first game played by test clients (the generated Java SDK) against the game served
 * in-process by the test kit: logins with tokens, moves, what each player sees and does not
 * see, the round clock under a clock the tests move, lost connections.
 */
@HetuTest(start = "2030-06-01T12:00:00Z")
class FirstGameKitTest {

    private static final Instant START = Instant.parse("2030-06-01T12:00:00Z");

    private static HetuClient player(TestServer server, String name, long id) {
        HetuClient client = server.connect(name, HetuClient::connect);
        client.login(c -> c.systems().login(server.token(id))).join();
        return client;
    }

    private static PositionRow stored(TestServer server, long owner) {
        return server.read(db -> {
            PositionRow[] row = new PositionRow[1];
            var found = db.getBy(PositionTable.OWNER, owner);
            if (found != null) {
                row[0] = new PositionRow(found.x(), found.y(), found.owner());
            }
            return row[0];
        });
    }

    /** The row of {@code owner} once {@code seen} holds it where expected. */
    private static PositionRow seenAt(Subscription<PositionRow> seen, long owner, float x, float y) {
        return Await.until("player " + owner + " at " + x + ", " + y, () -> seen.rows().values().stream()
                .filter(p -> p.owner() == owner && p.x() == x && p.y() == y).findFirst().orElse(null));
    }

    private static String rejection(CompletionException failure) {
        return assertInstanceOf(HetuRejection.class, failure.getCause()).code();
    }

    @Test
    void aFirstMoveCreatesThePlayersDot(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        ann.systems().moveTo(10f, 20f).join();
        assertEquals(new PositionRow(10f, 20f, 101), stored(server, 101));
    }

    @Test
    void laterMovesChangeTheSameRow(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        for (int i = 1; i <= 30; i++) {
            ann.systems().moveTo(i, i / 2f).join();
        }
        assertEquals(new PositionRow(30f, 15f, 101), stored(server, 101));
        assertEquals(1, (int) server.read(db -> db.range(PositionTable.OWNER, io.hetu.schema.KeyRange.all(), 100, false)
                .size()), "one row per player");
    }

    @Test
    void aMoveIsSeenByTheOtherPlayer(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        HetuClient bob = player(server, "bob", 202);
        Subscription<PositionRow> seen = bob.position().queryByOwner().join();
        ann.systems().moveTo(12.5f, 30f).join();
        seenAt(seen, 101, 12.5f, 30f);
    }

    @Test
    void everyPlayerSeesEveryoneIncludingThemselves(TestServer server) {
        HetuClient[] players = {player(server, "ann", 1), player(server, "bob", 2), player(server, "cy", 3)};
        for (int i = 0; i < players.length; i++) {
            players[i].systems().moveTo(i, i).join();
        }
        for (HetuClient client : players) {
            Subscription<PositionRow> seen = client.position().queryByOwner().join();
            assertEquals(3, seen.rows().size(), "the snapshot holds all three dots");
        }
    }

    @Test
    void aMoveWithoutLoginIsRefused(TestServer server) {
        HetuClient stranger = server.connect("stranger", HetuClient::connect);
        CompletionException refused = assertThrows(CompletionException.class,
                () -> stranger.systems().moveTo(1f, 1f).join());
        assertEquals("PERMISSION", rejection(refused));
        assertNull(stored(server, 0));
    }

    @Test
    void aLoginWithoutAValidTokenIsRefusedAndLogsNobodyIn(TestServer server) {
        HetuClient client = server.connect("forger", HetuClient::connect);
        String otherSecret = DevTokens.sign(AuthConfig.hs256("a secret that is not this server's, long enough"),
                101, List.of("admin"), Duration.ofHours(1));
        for (String token : List.of("", "not a token", otherSecret, server.token(0))) {
            CompletionException refused = assertThrows(CompletionException.class,
                    () -> client.systems().login(token).join(), token);
            assertEquals("UNAUTHENTICATED", rejection(refused), token);
        }
        CompletionException move = assertThrows(CompletionException.class,
                () -> client.systems().moveTo(1f, 1f).join());
        assertEquals("PERMISSION", rejection(move), "still not logged in");
        assertNull(stored(server, 101));
    }

    @Test
    void positionsAreForPlayersOnly(TestServer server) {
        HetuClient stranger = server.connect("stranger", HetuClient::connect);
        CompletionException refused = assertThrows(CompletionException.class,
                () -> stranger.position().queryByOwner().join());
        assertEquals("PERMISSION", rejection(refused), "Position is USER: a client that did not log in sees none");
    }

    @Test
    void seededPlayersAreInANewPlayersSnapshot(TestServer server) {
        server.seed(db -> {
            for (long owner = 1; owner <= 5; owner++) {
                db.insert(PositionTable.TABLE, new Position(owner, owner, owner));
            }
        });
        HetuClient ann = player(server, "ann", 101);
        Subscription<PositionRow> seen = ann.position().queryByOwner().join();
        assertEquals(5, seen.rows().size());
        assertTrue(seen.rows().containsValue(new PositionRow(3f, 3f, 3)));
    }

    @Test
    void aSystemRunAsAPlayerMovesTheirDotForTheOthersToSee(TestServer server) {
        HetuClient bob = player(server, "bob", 202);
        Subscription<PositionRow> seen = bob.position().queryByOwner().join();
        server.runAs(7, ctx -> FirstGame.moveTo(ctx, 3f, 4f));
        seenAt(seen, 7, 3f, 4f);
    }

    @Test
    void pushesReachAClientInSeqOrder(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        HetuClient bob = player(server, "bob", 202);
        Subscription<PositionRow> seen = bob.position().queryByOwner().join();
        for (int i = 1; i <= 5; i++) {
            ann.systems().moveTo(i, i).join();
        }
        seenAt(seen, 101, 5f, 5f);
        long last = 0;
        for (HetuConnection.Received message : bob.connection().received()) {
            if (message.message().startsWith("UPDATE")) {
                assertTrue(message.seq() > last, "UPDATEs in seq order: " + bob);
                last = message.seq();
            }
        }
        assertTrue(last > 0, "bob received Ann's moves: " + bob);
    }

    @Test
    void anUnsubscribedPlayerReceivesNoMoreMoves(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        HetuClient bob = player(server, "bob", 202);
        Subscription<PositionRow> seen = bob.position().queryByOwner().join();
        Subscription<RoundRow> round = bob.round().selectBySlot(1).join();
        ann.systems().moveTo(1f, 1f).join();
        seenAt(seen, 101, 1f, 1f);
        seen.unsubscribe().join();
        int before = bob.connection().received().size();
        ann.systems().moveTo(2f, 2f).join();
        // A later commit bob does receive: pushes arrive in seq order, so once it is here, Ann's
        // second move would have arrived before it.
        server.advance(Duration.ofMinutes(1));
        Await.until("round 2", () -> round.rows().values().stream().filter(r -> r.number() == 2).findFirst()
                .orElse(null));
        var after = bob.connection().received().subList(before, bob.connection().received().size());
        assertFalse(after.stream().anyMatch(m -> m.message().contains("Position")),
                "no Position UPDATE after the unsubscribe: " + bob);
    }

    @Test
    void theFirstRoundStartsWithTheServer(TestServer server) {
        HetuClient anyone = server.connect("anyone", HetuClient::connect);
        Subscription<RoundRow> round = anyone.round().selectBySlot(1).join();
        assertEquals(new RoundRow(1, 1, START.plusSeconds(60)), round.rows().values().iterator().next(),
                "Round is EVERYBODY: readable without a login");
    }

    @Test
    void aMinuteLaterEveryoneSeesTheNextRound(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        Subscription<RoundRow> round = ann.round().selectBySlot(1).join();
        assertEquals(1, server.advance(Duration.ofSeconds(60)), "one run of the tick");
        RoundRow next = Await.until("round 2", () -> round.rows().values().stream()
                .filter(r -> r.number() == 2).findFirst().orElse(null));
        assertEquals(START.plusSeconds(120), next.endsAt());
    }

    @Test
    void roundsMissedWhileNoOneRanTheClockAreSkipped(TestServer server) {
        server.advance(Duration.ofMinutes(4).plusSeconds(30));
        RoundRow round = server.read(db -> {
            var row = db.getBy(RoundTable.SLOT, 1);
            return new RoundRow(row.slot(), row.number(), row.endsAt());
        });
        assertEquals(new RoundRow(1, 2, START.plusSeconds(300)), round, "one late round, ending on the grid");
    }

    @Test
    void theRoundClockIsATickOfTheServer(TestServer server) {
        for (int minute = 0; minute < 3; minute++) {
            server.advance(Duration.ofMinutes(1));
        }
        assertEquals(3, server.server().gameTime().tickRuns(), "a run a minute");
        assertEquals(0, server.server().gameTime().overruns());
        server.advance(Duration.ofMinutes(3));
        assertEquals(4, server.server().gameTime().tickRuns(), "three minutes at once: one run");
        assertEquals(1, server.server().gameTime().overruns(), "counted as an overrun");
    }

    @Test
    void aCutPlayerComesBackLoggedInAndUpToDate(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        HetuClient bob = player(server, "bob", 202);
        Subscription<PositionRow> annSees = ann.position().queryByOwner().join();
        server.cut(ann);
        Await.that("ann to notice", () -> ann.connection().state() != io.hetu.samples.firstgame.client
                .ConnectionState.OPEN);
        bob.systems().moveTo(40f, 41f).join();
        server.restore(ann);
        seenAt(annSees, 202, 40f, 41f);
        ann.systems().moveTo(8f, 8f).join();
        assertEquals(new PositionRow(8f, 8f, 101), stored(server, 101), "logged in again as 101");
    }

    @Test
    void aCallWhileCutWaitsAndGoesOutOnceBack(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        server.cut(ann);
        Await.that("ann to notice", () -> ann.connection().state() != io.hetu.samples.firstgame.client
                .ConnectionState.OPEN);
        var move = ann.systems().moveTo(3f, 3f);
        assertFalse(move.isDone(), "nothing can be sent while the link is cut");
        server.restore(ann);
        move.join();
        assertEquals(new PositionRow(3f, 3f, 101), stored(server, 101));
    }

    @Test
    void loggingInAsAPlayerElsewhereKicksTheOldConnection(TestServer server) {
        HetuClient first = player(server, "first", 101);
        player(server, "second", 101);
        Await.that("the first to be kicked", () -> first.connection().received().stream()
                .anyMatch(m -> m.message().startsWith("ERROR KICKED")));
    }

    @Test
    void aPlayersDotOnlyMovesForThatPlayer(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        HetuClient bob = player(server, "bob", 202);
        ann.systems().moveTo(1f, 2f).join();
        bob.systems().moveTo(3f, 4f).join();
        assertEquals(new PositionRow(1f, 2f, 101), stored(server, 101));
        assertEquals(new PositionRow(3f, 4f, 202), stored(server, 202));
    }

    @Test
    void eachPlayersSnapshotAndUpdatesAgreeWithTheStore(TestServer server) {
        HetuClient ann = player(server, "ann", 101);
        HetuClient bob = player(server, "bob", 202);
        Subscription<PositionRow> seen = ann.position().queryByOwner().join();
        for (int i = 0; i < 20; i++) {
            (i % 2 == 0 ? ann : bob).systems().moveTo(i, 20 - i).join();
        }
        seenAt(seen, 202, 19f, 1f);
        seenAt(seen, 101, 18f, 2f);
        assertEquals(stored(server, 101), seen.rows().values().stream().filter(p -> p.owner() == 101)
                .findFirst().orElseThrow());
    }
}
