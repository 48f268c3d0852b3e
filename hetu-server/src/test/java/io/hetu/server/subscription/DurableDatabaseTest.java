package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.Database;
import io.hetu.storage.TestSeeds;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.embedded.Embedded;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable database (fsync always) with writers on other threads: commits become durable, and are
 * published, after a delay, so snapshots are often taken ahead of what the engine has matched.
 * Nothing may reach a client before it is durable, and every mirror must still equal its query at
 * every frame's seq.
 */
class DurableDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void framesFollowDurabilityWithConcurrentWriters() throws Exception {
        long seed = TestSeeds.seed("framesFollowDurabilityWithConcurrentWriters");
        Random random = new Random(seed);
        Oracle oracle = new Oracle();
        try (Database db = Embedded.open(dir, DurabilityConfig.defaults(), EngineFixture.TABLES)) {
            db.addChangeListener(oracle);
            try (Subscriptions engine = new Subscriptions(db)) {
                AtomicInteger notDurable = new AtomicInteger();
                List<TestClient> clients = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    TestClient client = new TestClient();
                    client.onFrame((c, frame) -> {
                        if (!db.backend().durable(frame.seq()).isDone()) {
                            notDurable.incrementAndGet();
                        }
                        oracle.verify(c, frame.seq());
                    });
                    clients.add(client);
                }
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    long writerSeed = random.nextLong();
                    int players = w * 1_000;
                    writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> write(db, writerSeed, players)));
                }
                for (int i = 0; i < 40; i++) {
                    TestClient client = clients.get(random.nextInt(clients.size()));
                    int low = random.nextInt(20);
                    Oracle.Spec spec = new Oracle.Spec(EngineFixture.SCORE, ScoreTable.POINTS.position(), 0, low,
                            true, low + random.nextInt(10), random.nextBoolean(), 1 + random.nextInt(4),
                            random.nextBoolean());
                    spec.subscribe(client, engine, false);
                    Thread.sleep(2);
                }
                for (Thread writer : writers) {
                    writer.join();
                }
                engine.drained().get(60, TimeUnit.SECONDS);
                long last = db.backend().lastSeq();
                for (TestClient client : clients) {
                    oracle.verify(client, last);
                    assertEquals(List.of(), client.violations(), "seed " + seed);
                    assertTrue(client.frames().size() >= 1, "seed " + seed);
                }
                assertEquals(0, notDurable.get(), "frames sent before their seq was durable; seed " + seed);
            }
        }
    }

    private static void write(Database db, long seed, int firstPlayer) {
        Random random = new Random(seed);
        List<Long> ids = new ArrayList<>();
        long nextPlayer = firstPlayer;
        for (int i = 0; i < 150; i++) {
            int points = random.nextInt(30);
            if (ids.isEmpty() || random.nextInt(3) == 0) {
                long player = nextPlayer++;
                ids.add(db.transact(50, tx -> tx.id(tx.insert(ScoreTable.TABLE, new Score(points, player, "w", 0)))));
            } else if (random.nextInt(4) == 0) {
                long id = ids.remove(random.nextInt(ids.size()));
                db.run(50, tx -> tx.delete(ScoreTable.TABLE, id));
            } else {
                long id = ids.get(random.nextInt(ids.size()));
                db.run(50, tx -> tx.update(ScoreTable.TABLE, id).points(points));
            }
        }
    }
}
