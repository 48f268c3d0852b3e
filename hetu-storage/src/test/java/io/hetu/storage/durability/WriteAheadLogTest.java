package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.appendRange;
import static io.hetu.storage.durability.TestData.config;
import static io.hetu.storage.durability.TestData.open;
import static io.hetu.storage.durability.TestData.payload;
import static io.hetu.storage.durability.TestData.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsPayloadsOfEverySizeAcrossSegmentRotations() throws Exception {
        Random random = new Random(42);
        List<byte[]> written = new ArrayList<>();
        try (Durability durability = open(dir, config(FsyncPolicy.ALWAYS, 64 << 10), new RecordingReplay())) {
            WriteAheadLog wal = durability.wal();
            for (int i = 0; i < 3_000; i++) {
                int size = switch (i % 50) {
                    case 0 -> 0;
                    case 1 -> 65_537 + random.nextInt(100_000);
                    default -> random.nextInt(2_000);
                };
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                written.add(payload);
                wal.append(i + 1, payload);
            }
            wal.awaitDurable(written.size());
            assertEquals(written.size(), wal.durableSeq());
        }
        assertTrue(segmentFiles(dir).size() > 20, "expected many rotations, got " + segmentFiles(dir));

        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = open(dir, config(FsyncPolicy.ALWAYS, 64 << 10), replay)) {
            assertEquals(written.size(), replay.seqs.size());
            for (int i = 0; i < written.size(); i++) {
                assertEquals(i + 1, replay.seqs.get(i));
                assertArrayEquals(written.get(i), replay.payloads.get(i), "payload of seq " + (i + 1));
            }
            assertEquals(written.size(), durability.recovery().lastSeq());
            assertTrue(durability.recovery().tornTail().isEmpty());
            durability.wal().append(written.size() + 1, new byte[] {7});
        }
        RecordingReplay again = new RecordingReplay();
        try (Durability durability = open(dir, config(FsyncPolicy.ALWAYS, 64 << 10), again)) {
            assertEquals(written.size() + 1, again.seqs.size());
            assertArrayEquals(new byte[] {7}, again.payloads.getLast());
        }
    }

    @Test
    void acceptsOffHeapPayloads() throws Exception {
        try (Durability durability = open(dir, DurabilityConfig.defaults(), new RecordingReplay());
                Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(3);
            payload.copyFrom(MemorySegment.ofArray(new byte[] {1, 2, 3}));
            durability.wal().append(1, payload);
        }
        RecordingReplay replay = new RecordingReplay();
        try (Durability ignored = open(dir, DurabilityConfig.defaults(), replay)) {
            assertArrayEquals(new byte[] {1, 2, 3}, replay.payloads.getFirst());
        }
    }

    @Test
    void rejectsSeqsOutOfOrder() throws Exception {
        try (Durability durability = open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            WriteAheadLog wal = durability.wal();
            wal.append(1, new byte[1]);
            var skipped = assertThrows(IllegalArgumentException.class, () -> wal.append(3, new byte[1]));
            assertTrue(skipped.getMessage().contains("expects seq 2"), skipped.getMessage());
            assertThrows(IllegalArgumentException.class, () -> wal.append(1, new byte[1]));
            assertThrows(IllegalArgumentException.class, () -> wal.durable(2), "seq 2 was never appended");
            wal.append(2, new byte[1]);
            wal.awaitDurable(2);
        }
    }

    @Test
    void listenersSeeDurableSeqsInOrderAndFuturesComplete() throws Exception {
        List<Long> seen = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (Durability durability = open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            WriteAheadLog wal = durability.wal();
            wal.onDurable(seq -> {
                assertTrue(seq <= wal.durableSeq(), "listener runs after the seq is durable");
                seen.add(seq);
            });
            for (long seq = 1; seq <= 500; seq++) {
                wal.append(seq, payload(seq));
                futures.add(wal.durable(seq));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            wal.awaitDurable(500);
        }
        assertFalse(seen.isEmpty());
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) > seen.get(i - 1), "listener values must rise: " + seen);
        }
        assertEquals(500, seen.getLast());
    }

    @Test
    void noPolicyNeverFsyncsUntilClose() throws Exception {
        WriteAheadLog wal;
        try (Durability durability = open(dir, config(FsyncPolicy.NO, 64 << 20), new RecordingReplay())) {
            wal = durability.wal();
            appendRange(wal, 1, 2_000);
            assertEquals(2_000, wal.durableSeq(), "written to the OS counts as durable under 'no'");
            assertEquals(0, wal.fsyncCount());
        }
        assertEquals(1, wal.fsyncCount(), "close() fsyncs once");
        assertEquals(2_000, wal.syncedSeq());
    }

    @Test
    void underNoTheThreadThatAsksWritesAndWhatNobodyAsksAboutIsWrittenToo() throws Exception {
        try (Durability durability = open(dir, config(FsyncPolicy.NO, 64 << 20), new RecordingReplay())) {
            WriteAheadLog wal = durability.wal();
            for (long seq = 1; seq <= 10; seq++) {
                wal.append(seq, payload(seq));
            }
            assertTrue(wal.durable(5).isDone(), "the asking thread wrote the log itself");
            assertTrue(wal.durable(10).isDone(), "and everything appended before it asked");
            assertEquals(10, wal.durableSeq());

            CompletableFuture<Long> heard = new CompletableFuture<>();
            wal.onDurable(seq -> {
                if (seq >= 11) {
                    heard.complete(seq);
                }
            });
            wal.append(11, payload(11));
            assertEquals(11L, (long) heard.get(30, TimeUnit.SECONDS), "the writer thread writes what nobody asked about");
        }
        RecordingReplay replay = new RecordingReplay();
        try (Durability ignored = open(dir, config(FsyncPolicy.NO, 64 << 20), replay)) {
            assertEquals(11, replay.payloads.size());
        }
    }

    @Test
    void everysecFsyncsInTheBackgroundWithoutNewCommits() throws Exception {
        try (Durability durability = open(dir, config(FsyncPolicy.EVERYSEC, 64 << 20), new RecordingReplay())) {
            WriteAheadLog wal = durability.wal();
            appendRange(wal, 1, 100);
            assertEquals(100, wal.durableSeq());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (wal.syncedSeq() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(100, wal.syncedSeq(), "the idle log was fsynced by the background timer");
            assertTrue(wal.fsyncCount() >= 1);
        }
    }

    @Test
    void truncateBeforeDeletesOnlySegmentsWhollyBeforeTheSeq() throws Exception {
        try (Durability durability = open(dir, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay())) {
            WriteAheadLog wal = durability.wal();
            for (long seq = 1; seq <= 100; seq++) {
                wal.append(seq, new byte[200]); // 216-byte frames: 18 records per segment
            }
            wal.awaitDurable(100);
            List<LogSegment> before = wal.segments();
            assertEquals(6, before.size());
            long secondFirst = before.get(1).firstSeq();
            assertEquals(0, wal.truncateBefore(secondFirst - 1), "segment 1 still holds seq " + (secondFirst - 1));
            assertEquals(1, wal.truncateBefore(secondFirst));
            assertFalse(Files.exists(before.get(0).path()));
            assertEquals(4, wal.truncateBefore(Long.MAX_VALUE), "all but the segment being written");
            assertEquals(List.of(before.getLast()), wal.segments());
        }
        RecordingReplay replay = new RecordingReplay();
        Path lastFile = segmentFiles(dir).getFirst();
        long first = WalFormat.firstSeqOf(lastFile);
        // Without a snapshot covering the deleted records the log is incomplete, and recovery says so.
        var missing = assertThrows(CorruptLogException.class, () -> open(dir, DurabilityConfig.defaults(), replay));
        assertTrue(missing.getMessage().contains("records 1 to " + (first - 1) + " are missing"), missing.getMessage());
    }

    @Test
    void anIoErrorFailsPendingCommitsAndEveryLaterAppend() throws Exception {
        Durability durability = open(dir, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay());
        WriteAheadLog wal = durability.wal();
        wal.append(1, new byte[200]);
        wal.awaitDurable(1);
        // The 19th 216-byte record starts segment wal-...19.log; a directory in its place makes creating it fail.
        Files.createDirectory(dir.resolve(WalFormat.fileName(19)));
        for (long seq = 2; seq <= 19; seq++) {
            wal.append(seq, new byte[200]);
        }
        ExecutionException failed = assertThrows(ExecutionException.class, () -> wal.durable(19).get(30, TimeUnit.SECONDS));
        assertTrue(assertInstanceOf(LogFailedException.class, failed.getCause()).outcomeUnknown());
        assertTrue(wal.durableSeq() < 19);
        LogFailedException rejected = assertThrows(LogFailedException.class, () -> wal.append(20, new byte[1]));
        assertFalse(rejected.outcomeUnknown());
        assertTrue(rejected.getMessage().contains("refused and not applied")
                && rejected.getMessage().contains("FileAlreadyExistsException"), rejected.getMessage());
        assertThrows(ExecutionException.class, () -> wal.durable(19).get());
        IOException onClose = assertThrows(LogFailedException.class, durability::close);
        assertTrue(onClose.getMessage().contains("were not written"), onClose.getMessage());

        Files.delete(dir.resolve(WalFormat.fileName(19)));
        RecordingReplay replay = new RecordingReplay();
        try (Durability reopened = open(dir, config(FsyncPolicy.ALWAYS, 4096), replay)) {
            assertTrue(replay.seqs.size() >= 1 && replay.seqs.size() <= 18, "records written before the failure: " + replay.seqs);
            reopened.wal().append(replay.seqs.size() + 1, new byte[1]);
        }
    }

    @Test
    void closeRejectsFurtherAppends() throws Exception {
        Durability durability = open(dir, DurabilityConfig.defaults(), new RecordingReplay());
        WriteAheadLog wal = durability.wal();
        wal.append(1, new byte[] {1});
        durability.close();
        assertEquals(1, wal.durableSeq());
        assertThrows(IllegalStateException.class, () -> wal.append(2, new byte[] {2}));
    }
}
