package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled calls across real crashes: a client keeps scheduling batches of calls, due up to two
 * seconds later, on a server in a child JVM (real clock, {@code fsync always}) that fires them as
 * they come due; the child is killed with SIGKILL mid-stream, twenty times, and restarted on its
 * data. In the end every call whose scheduling was acknowledged fired exactly once, and no call
 * fired twice.
 */
class ScheduledCallsCrashTest {

    private static final int ROUNDS = 20;
    private static final int BATCH = 50;
    private static final long MAX_DELAY_MILLIS = 2_000;
    private static final int MAX_BATCHES_PER_ROUND = 40;
    private static final int ROUNDS_OVERRIDE = Integer.getInteger("hetu.crash.rounds", ROUNDS);

    @TempDir
    Path tmp;

    private ServingChildren children;

    @org.junit.jupiter.api.BeforeEach
    void children() {
        children = new ServingChildren(tmp.resolve("child.log"));
    }

    @Test
    void everyAcknowledgedCallFiresExactlyOnceAcrossKillNine() throws Exception {
        App app = App.load(getClass().getClassLoader(), null);
        int setAlarms = GameTimeTest.system(app, "setAlarms");
        int rings = GameTimeTest.system(app, "rings");
        Path dir = tmp.resolve("data");
        long next = 1;
        java.util.BitSet acknowledged = new java.util.BitSet();
        for (int round = 0; round < ROUNDS_OVERRIDE; round++) {
            Process child = children.start(dir);
            try (TestClient client = TestClient.greeted(children.port(child), app.schemaHash())) {
                long deadline = System.nanoTime() + (200 + ThreadLocalRandom.current().nextInt(500)) * 1_000_000L;
                int request = 0;
                for (int batch = 0; batch < MAX_BATCHES_PER_ROUND && System.nanoTime() < deadline; batch++) {
                    long delay = ThreadLocalRandom.current().nextLong(MAX_DELAY_MILLIS);
                    client.send(new Message(Protocol.CALL).i32(++request).u16(setAlarms).i64(next).i32(BATCH)
                            .i64(delay));
                    ByteBuffer reply = client.poll(5_000);
                    assertTrue(reply != null && reply.get(0) == Protocol.RESULT, "round " + round
                            + ": scheduling was answered");
                    acknowledged.set((int) next, (int) next + BATCH);
                    next += BATCH;
                }
                // One more batch in flight as the server dies: it may or may not have committed.
                client.send(new Message(Protocol.CALL).i32(++request).u16(setAlarms).i64(next).i32(BATCH).i64(0));
                next += BATCH;
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
        Process child = children.start(dir);
        try (TestClient client = TestClient.greeted(children.port(child), app.schemaHash())) {
            long[] counts = new long[0];
            long stop = System.nanoTime() + 30_000_000_000L;
            boolean allFired = false;
            while (!allFired && System.nanoTime() < stop) {
                counts = counts(client, rings, 1, (int) (next - 1));
                allFired = true;
                for (int alarm = acknowledged.nextSetBit(0); alarm >= 0; alarm = acknowledged.nextSetBit(alarm + 1)) {
                    allFired &= counts[alarm - 1] >= 1;
                }
                if (!allFired && System.nanoTime() >= stop - 200_000_000L) {
                    System.err.println("child log:\n" + children.log());
                }
                if (!allFired) {
                    Thread.sleep(200);
                }
            }
            int late = 0;
            for (int i = 0; i < counts.length; i++) {
                long alarm = i + 1;
                assertTrue(counts[i] <= 1, "alarm " + alarm + " fired " + counts[i] + " times");
                if (acknowledged.get((int) alarm)) {
                    assertEquals(1, counts[i], "alarm " + alarm + " was acknowledged but never fired");
                } else if (counts[i] == 0) {
                    late++;
                }
            }
            int acked = acknowledged.cardinality();
            assertTrue(acked >= ROUNDS_OVERRIDE * BATCH, "every round scheduled at least one batch: " + acked);
            System.out.println("scheduled calls across " + ROUNDS_OVERRIDE + " kill -9 rounds: " + acked
                    + " acknowledged, each fired once; " + late + " of " + (next - 1 - acked)
                    + " unacknowledged never committed, the others fired once");
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    private static long[] counts(TestClient client, int rings, long first, int count) throws Exception {
        client.send(new Message(Protocol.CALL).i32(-1).u16(rings).i64(first).i32(count));
        ByteBuffer reply = client.next(Protocol.RESULT);
        reply.position(13);
        int n = reply.getInt();
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            counts[i] = reply.getLong();
        }
        return counts;
    }
}
