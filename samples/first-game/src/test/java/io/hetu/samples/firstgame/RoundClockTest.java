package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.server.AdminConfig;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.server.time.ManualClock;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The round clock on a server whose clock the test moves: a round a minute, missed rounds skipped. */
class RoundClockTest {

    private static final Instant START = Instant.parse("2030-06-01T12:00:00Z");

    private static Round round(Database database) {
        return database.transact(0, tx -> tx.getBy(RoundTable.SLOT, 1).toRecord());
    }

    @Test
    void aNewRoundEveryMinuteAndMissedRoundsAreSkipped() throws Exception {
        App app = App.load(getClass().getClassLoader(), null);
        ManualClock clock = new ManualClock(START);
        try (Database database = Embedded.inMemory(app.tables());
                HetuServer server = HetuServer.start(app, database,
                        ServerConfig.defaults().withHost("127.0.0.1").withPort(0), AdminConfig.defaults(), clock)) {
            assertEquals(new Round(1, 1, START.plus(RoundClock.ROUND)), round(database), "the first round starts");
            server.gameTime().advance(Duration.ofSeconds(59));
            assertEquals(1, round(database).number());
            server.gameTime().advance(Duration.ofSeconds(1));
            assertEquals(new Round(1, 2, START.plusSeconds(120)), round(database), "a minute later, the next");
            server.gameTime().advance(Duration.ofMinutes(3).plusSeconds(30));
            assertEquals(new Round(1, 3, START.plusSeconds(300)), round(database),
                    "three rounds late: one new round that ends on the minute grid, not three");
        }
    }
}
