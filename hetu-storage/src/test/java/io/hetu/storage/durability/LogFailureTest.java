package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.appendRange;
import static io.hetu.storage.durability.TestData.config;
import static io.hetu.storage.durability.TestData.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import io.hetu.storage.durability.TestData.RecordingVisitor;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that refuses a write or an fsync puts the log in its failed state: later appends are
 * refused (not applied), the commits being written report an unknown outcome, and the log resumes
 * by itself once the disk takes the write again. The faults come from {@link FaultyDisk}.
 */
class LogFailureTest {
    @TempDir
    Path dir;
    private final FaultyDisk disk = new FaultyDisk();

    private Durability open(DurabilityConfig config) throws Exception {
        return Durability.open(dir, config, new RecordingVisitor(), new RecordingReplay(), disk);
    }

    @Test
    void aFullDiskRefusesCommitsUntilSpaceIsFreedThenTheLogResumesWithoutARestart() throws Exception {
        try (Durability durability = open(config(FsyncPolicy.ALWAYS, 64 << 20))) {
            WriteAheadLog wal = durability.wal();
            appendRange(wal, 1, 10);
            disk.fillAfter(100); // the next batch is cut off in the middle of a record
            long last = appendUntilRefused(wal, 11, 20);
            ExecutionException inFlight = assertThrows(ExecutionException.class,
                    () -> wal.durable(last).get(30, TimeUnit.SECONDS));
            LogFailedException unknown = assertInstanceOf(LogFailedException.class, inFlight.getCause());
            assertTrue(unknown.outcomeUnknown());
            assertTrue(unknown.getMessage().contains("may or may not have been applied")
                    && unknown.getMessage().contains(FaultyDisk.NO_SPACE), unknown.getMessage());
            assertTrue(wal.failed());

            LogFailedException refused = assertThrows(LogFailedException.class,
                    () -> wal.append(last + 1, payload(last + 1)));
            assertFalse(refused.outcomeUnknown());
            assertTrue(refused.getMessage().contains("refused and not applied")
                    && refused.getMessage().contains(FaultyDisk.NO_SPACE), refused.getMessage());
            assertEquals(last, wal.lastAppendedSeq(), "a refused commit takes no seq");

            disk.free();
            awaitHealthy(wal);
            assertEquals(last, wal.durableSeq(), "the batch the failure interrupted is written again");
            appendRange(wal, last + 1, 30);
        }
        RecordingReplay replay = new RecordingReplay();
        try (Durability reopened = TestData.open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, 30);
            assertTrue(reopened.recovery().tornTail().isEmpty(), "the half-written record was cut before the rewrite");
        }
    }

    @Test
    void aFailedFsyncUnderAlwaysIsRetriedToo() throws Exception {
        try (Durability durability = open(config(FsyncPolicy.ALWAYS, 64 << 20))) {
            WriteAheadLog wal = durability.wal();
            appendRange(wal, 1, 5);
            disk.failSyncs(true);
            wal.append(6, payload(6));
            ExecutionException inFlight = assertThrows(ExecutionException.class,
                    () -> wal.durable(6).get(30, TimeUnit.SECONDS));
            assertTrue(((LogFailedException) inFlight.getCause()).outcomeUnknown());
            assertEquals(5, wal.durableSeq());
            disk.failSyncs(false);
            awaitHealthy(wal);
            appendRange(wal, 7, 8);
        }
        RecordingReplay replay = new RecordingReplay();
        try (Durability reopened = TestData.open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, 8);
        }
    }

    @Test
    void aFailedFsyncUnderEverysecNeedsARestartAndSaysWhy() throws Exception {
        Durability durability = open(config(FsyncPolicy.EVERYSEC, 64 << 20));
        WriteAheadLog wal = durability.wal();
        disk.failSyncs(true);
        appendRange(wal, 1, 3); // written to the OS: durable under everysec
        // The fsync a second later fails; pages written before it may be lost, so no retry is safe.
        LogFailedException refused = awaitRefusal(wal, 4);
        assertTrue(refused.getMessage().contains("restart it") && refused.getMessage().contains("Input/output error"),
                refused.getMessage());
        disk.failSyncs(false);
        LogFailedException onClose = assertThrows(LogFailedException.class, durability::close);
        assertTrue(onClose.getMessage().contains("Input/output error"), onClose.getMessage());
    }

    @Test
    void underNoTheCauseIsKeptInEveryMessage() throws Exception {
        Durability durability = open(config(FsyncPolicy.NO, 64 << 20));
        WriteAheadLog wal = durability.wal();
        appendRange(wal, 1, 3);
        disk.fillAfter(0);
        wal.append(4, payload(4));
        ExecutionException inFlight = assertThrows(ExecutionException.class, () -> wal.durable(4).get());
        assertTrue(inFlight.getCause().getMessage().contains(FaultyDisk.NO_SPACE), inFlight.getCause().getMessage());
        LogFailedException refused = assertThrows(LogFailedException.class, () -> wal.append(5, payload(5)));
        assertTrue(refused.getMessage().contains(FaultyDisk.NO_SPACE), refused.getMessage());
        assertFalse(refused.getMessage().contains("null"), refused.getMessage());
        LogFailedException onClose = assertThrows(LogFailedException.class, durability::close);
        assertTrue(onClose.getMessage().contains(FaultyDisk.NO_SPACE) && onClose.getMessage().contains("after seq 3"),
                onClose.getMessage());
    }

    @Test
    void aCloseWhileTheDiskIsStillFullCutsWhatTheFailedBatchLeftAndOmitsTheCloseMarker() throws Exception {
        Durability durability = open(config(FsyncPolicy.ALWAYS, 64 << 20));
        WriteAheadLog wal = durability.wal();
        appendRange(wal, 1, 10);
        disk.fillAfter(300); // at least one whole record of the next batch reaches the file
        long last = appendUntilRefused(wal, 11, 20);
        assertThrows(ExecutionException.class, () -> wal.durable(last).get(30, TimeUnit.SECONDS));
        long acknowledged = wal.durableSeq(); // the writer may have taken seq 11 alone, before the disk filled
        assertThrows(LogFailedException.class, durability::close);

        RecordingReplay replay = new RecordingReplay();
        try (Durability reopened = TestData.open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, acknowledged);
            assertTrue(reopened.recovery().tornTail().isEmpty(), reopened.recovery().toString());
        }
    }

    /** Appends {@code from..to}, or up to the seq the failing log refuses; returns the last one appended. */
    private static long appendUntilRefused(WriteAheadLog wal, long from, long to) throws Exception {
        for (long seq = from; seq <= to; seq++) {
            try {
                wal.append(seq, payload(seq));
            } catch (LogFailedException refused) {
                assertFalse(refused.outcomeUnknown());
                return seq - 1;
            }
        }
        return to;
    }

    private static void awaitHealthy(WriteAheadLog wal) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (wal.failed()) {
            assertTrue(System.nanoTime() < deadline, "the log did not resume within 30 s after the disk recovered");
            Thread.sleep(50);
        }
    }

    private static LogFailedException awaitRefusal(WriteAheadLog wal, long seq) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!wal.failed()) {
            assertTrue(System.nanoTime() < deadline, "the log did not fail within 30 s");
            Thread.sleep(50);
        }
        return assertThrows(LogFailedException.class, () -> wal.append(seq, payload(seq)));
    }
}
