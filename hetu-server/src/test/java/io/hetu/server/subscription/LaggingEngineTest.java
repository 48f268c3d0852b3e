package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.Key;
import io.hetu.server.system.Session;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Holds the fan-out thread inside one subscriber's send while commits pile up, so that when it
 * goes on, storage is several commits ahead: a window that must be re-read is read at the newest
 * seq, and the connection's changes up to it arrive as one frame stamped with that seq.
 */
class LaggingEngineTest extends EngineFixture {

    /** Blocks the engine in its first send after {@link #arm}. */
    private static final class Gate implements Subscriber {
        final TestClient inner = new TestClient();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        @Override
        public Session session() {
            return inner.session();
        }

        @Override
        public void send(byte[] frame, int length) {
            if (armed) {
                armed = false;
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            inner.send(frame, length);
        }
    }

    @Test
    void aReReadAtANewerSeqCoalescesEverythingUpToIt() throws InterruptedException {
        open(SubscriptionLimits.DEFAULTS);
        List<Long> ids = new ArrayList<>();
        db.run(0, tx -> {
            for (int points = 0; points < 40; points++) {
                ids.add(tx.id(tx.insert(ScoreTable.TABLE, new Score(points, points, "s", 0))));
            }
        });
        long gateRow = db.transact(0, tx -> tx.id(tx.insert(ScoreTable.TABLE, new Score(1_000, 1_000, "g", 0))));
        Gate gate = new Gate();
        engine.select(gate, gate.inner.nextRequest(ScoreTable.TABLE), SCORE, gateRow);
        TestClient client = new TestClient();
        int window = client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(),
                Key.ofLong(ScoreTable.POINTS.column(), 0), true, Key.ofLong(ScoreTable.POINTS.column(), 100), true, 2,
                false);
        int last = client.select(engine, SCORE, ScoreTable.TABLE, ids.get(39));
        drain();

        gate.armed = true;
        db.run(0, tx -> tx.update(ScoreTable.TABLE, gateRow).payload(1));
        assertTrue(gate.entered.await(60, TimeUnit.SECONDS), "the engine reached the gate");
        // Empties the window and its reserve.
        db.run(0, tx -> {
            for (int points = 0; points < 36; points++) {
                tx.delete(ScoreTable.TABLE, ids.get(points));
            }
        });
        db.run(0, tx -> {
            tx.update(ScoreTable.TABLE, ids.get(39)).payload(39);
            tx.insert(ScoreTable.TABLE, new Score(50, 50, "new", 0));
        });
        db.run(0, tx -> tx.update(ScoreTable.TABLE, ids.get(37)).payload(37));
        long newest = db.backend().lastSeq();
        gate.release.countDown();
        drain();

        List<TestClient.Frame> frames = client.frames();
        assertEquals(3, frames.size(), "two SUBSCRIBED, then one UPDATE: " + frames);
        TestClient.Frame update = frames.get(2);
        assertEquals(newest, update.seq(), "stamped with the re-read's seq, not the commit that emptied the window");
        assertEquals(List.of("-" + ids.get(0), "-" + ids.get(1), "+" + ids.get(36), "+" + ids.get(37),
                "~" + ids.get(39)), update.items().stream().map(LaggingEngineTest::describe).toList());
        assertEquals(Set.of(ids.get(36), ids.get(37)), client.mirror(window).keySet());
        Map<Long, byte[]> rows = client.mirror(window);
        byte[] stored = new byte[ScoreTable.TABLE.layout().size()];
        db.backend().read(SCORE, ids.get(37), MemorySegment.ofArray(stored), 0);
        assertArrayEquals(stored, rows.get(ids.get(37)), "the row as of the re-read");
        assertEquals(Set.of(ids.get(39)), client.mirror(last).keySet());
        assertEquals(2, gate.inner.frames().size());
        assertClean(client);
        assertClean(gate.inner);
    }

    private static String describe(TestClient.Item item) {
        return "+~-".charAt(item.kind() - 1) + Long.toString(item.rowId());
    }
}
