package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Counts, rather than times, the work a change costs: with 10,000 subscriptions that a change does
 * not concern, it reaches only those it does, and the interval tree visits few nodes.
 */
class MatchingCostTest extends EngineFixture {

    @Test
    void aChangeTouchesOnlyTheSubscriptionsItConcerns() {
        open(new SubscriptionLimits(20_000, 10_000));
        long row = db.transact(0, tx -> tx.id(tx.insert(ScoreTable.TABLE, new Score(3, 5, "row", 0))));

        TestClient bystander = new TestClient();
        for (int i = 0; i < 4_000; i++) {
            bystander.select(engine, SCORE, ScoreTable.TABLE, (1L << 40) + i);
        }
        for (int i = 0; i < 3_000; i++) {
            bystander.selectUnique(engine, SCORE, ScoreTable.TABLE, ScoreTable.PLAYER.position(),
                    Key.ofLong(ScoreTable.PLAYER.column(), 1_000 + i));
        }
        List<Integer> ranges = new ArrayList<>();
        for (int i = 100; i < 3_100; i++) {
            ranges.add(bystander.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(),
                    Key.ofLong(ScoreTable.POINTS.column(), i * 10), true,
                    Key.ofLong(ScoreTable.POINTS.column(), i * 10 + 5), true, 10, false));
        }
        TestClient watcher = new TestClient();
        int range = watcher.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(),
                Key.ofLong(ScoreTable.POINTS.column(), 0), true, Key.ofLong(ScoreTable.POINTS.column(), 10), true, 10,
                false);
        int select = watcher.select(engine, SCORE, ScoreTable.TABLE, row);
        drain();

        long examined = engine.examined();
        long visited = engine.rangeNodesVisited();
        db.run(0, tx -> tx.update(ScoreTable.TABLE, row).points(4));
        drain();
        long examinedOne = engine.examined() - examined;
        long visitedOne = engine.rangeNodesVisited() - visited;
        System.out.println("one change among 10,002 subscriptions: " + examinedOne + " examined, " + visitedOne
                + " tree nodes visited");
        assertEquals(2, examinedOne, "the range and the select of the changed row, nothing else");
        assertTrue(visitedOne < 200, "an interval lookup, not a scan of 3,001 ranges: " + visitedOne);

        // Moving the key checks both the old and the new one: it leaves one range and enters another.
        examined = engine.examined();
        db.run(0, tx -> tx.update(ScoreTable.TABLE, row).points(1_003));
        drain();
        assertEquals(3, engine.examined() - examined);
        assertEquals(Set.of(), watcher.mirror(range).keySet());
        assertEquals(Set.of(row), watcher.mirror(select).keySet());
        assertEquals(Set.of(row), bystander.mirror(ranges.get(0)).keySet(), "[1000, 1005] gained the row");
        assertEquals(3_000 + 3_000 + 4_000 + 1, bystander.frames().size(),
                "the bystander got its SUBSCRIBED frames and one update");
        assertClean(watcher);
        assertClean(bystander);
    }
}
