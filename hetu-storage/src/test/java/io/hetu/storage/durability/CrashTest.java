package io.hetu.storage.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM commits and acknowledges durable commits until it is killed with SIGKILL at
 * a random moment; then the directory is recovered and every acknowledged commit must be there, with
 * its payload, and nothing else may be damaged. The same directory goes through every round, so each
 * round also recovers from the previous crashes (torn tails, snapshots cut short, rotations).
 */
class CrashTest {
    @TempDir
    Path tmp;

    @Test
    void killNineUnderAlwaysLosesNoAcknowledgedCommit() throws Exception {
        crashRounds(FsyncPolicy.ALWAYS, 20);
    }

    /**
     * Under everysec an acknowledgement means "written to the OS". Killing the process does not lose
     * the OS's page cache, so every acknowledged commit must survive here too; only a crash of the
     * machine could lose up to about a second of them, which a test cannot cause.
     */
    @Test
    void killNineUnderEverysecLosesNothingWrittenToTheOs() throws Exception {
        crashRounds(FsyncPolicy.EVERYSEC, 5);
    }

    private void crashRounds(FsyncPolicy policy, int rounds) throws Exception {
        Path dir = tmp.resolve("data");
        Path log = tmp.resolve("child.log");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long recovered = 0;
        long totalAcks = 0;
        int tornTails = 0;
        int roundsWithAcks = 0;
        for (int round = 1; round <= rounds; round++) {
            ChildServer child = ChildServer.start(dir, policy, 4, log);
            long childRecovered = child.awaitReady();
            String context = "round " + round + " (seed " + seed + ", " + policy + ")";
            assertEquals(recovered, childRecovered, context + ": the child recovered what the test recovered");
            Thread.sleep(20 + random.nextInt(400));
            child.kill();
            totalAcks += child.acks();
            roundsWithAcks += child.acks() > 0 ? 1 : 0;

            CrashChild.Verifier verifier = new CrashChild.Verifier();
            try (Durability durability = Durability.open(dir, CrashChild.config(policy), verifier, verifier)) {
                RecoveryReport report = durability.recovery();
                verifier.assertComplete(report.lastSeq());
                assertTrue(report.lastSeq() >= child.maxAcked(), context + ": acknowledged up to seq " + child.maxAcked()
                        + " but recovered only up to " + report.lastSeq());
                tornTails += report.tornTail().isPresent() ? 1 : 0;
                recovered = report.lastSeq();
            } catch (Exception | AssertionError e) {
                throw new AssertionError(context + " failed; child log:\n" + child.logText(), e);
            }
            CrashChild.Verifier again = new CrashChild.Verifier();
            try (Durability durability = Durability.open(dir, CrashChild.config(policy), again, again)) {
                assertTrue(durability.recovery().tornTail().isEmpty(), context + ": a recovered log has no torn tail");
                assertEquals(recovered, durability.recovery().lastSeq());
                again.assertComplete(recovered);
            }
        }
        System.out.printf("crash test, fsync=%s: %d rounds of kill -9, %d commits acknowledged, %d recovered in all,"
                + " %d torn tails cut off%n", policy, rounds, totalAcks, recovered, tornTails);
        assertTrue(roundsWithAcks >= rounds / 2, "too few rounds committed anything before the kill: " + roundsWithAcks);
    }
}
