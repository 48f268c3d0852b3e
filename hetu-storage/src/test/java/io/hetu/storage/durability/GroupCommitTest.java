package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many committers, one fsync for many commits: what group commit means. */
class GroupCommitTest {
    private static final int THREADS = 16;
    private static final int COMMITS_PER_THREAD = 250;

    @TempDir
    Path dir;

    @Test
    void concurrentCommitsShareFsyncs() throws Exception {
        int commits = THREADS * COMMITS_PER_THREAD;
        ReentrantLock commitLock = new ReentrantLock(); // stands in for the engine's commit lock
        AtomicLong lastSeq = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        long elapsedNanos;
        long fsyncs;
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            WriteAheadLog wal = durability.wal();
            long fsyncsBefore = wal.fsyncCount();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < COMMITS_PER_THREAD; i++) {
                        long seq;
                        commitLock.lock();
                        try {
                            seq = lastSeq.incrementAndGet();
                            wal.append(seq, payload(seq));
                        } finally {
                            commitLock.unlock();
                        }
                        wal.awaitDurable(seq);
                        acknowledged.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            elapsedNanos = System.nanoTime() - start;
            pool.shutdown();
            fsyncs = wal.fsyncCount() - fsyncsBefore;
            assertEquals(commits, acknowledged.get());
            assertEquals(commits, wal.durableSeq());
        }
        assertTrue(fsyncs < commits, fsyncs + " fsyncs for " + commits + " commits: commits did not share fsyncs");
        System.out.printf("group commit, fsync=always, %d threads: %d commits, %d fsyncs (%.1f commits per fsync),"
                + " %.0f commits/s%n", THREADS, commits, fsyncs, (double) commits / fsyncs, commits * 1e9 / elapsedNanos);

        RecordingReplay replay = new RecordingReplay();
        try (Durability ignored = TestData.open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, commits);
        }
    }
}
