package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.appendRange;
import static io.hetu.storage.durability.TestData.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import io.hetu.storage.durability.TestData.RecordingVisitor;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous log shipping: the archive, restored on its own (the machine is gone), holds every
 * commit up to the last finished segment; a gap (a run without shipping) takes a new base; damage in
 * an archived segment is refused with its file named.
 */
class LogArchiveTest {

    private static final byte[] META = "catalog".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private static long restoredLast(Path dir, long from, long to) throws Exception {
        RecordingReplay replay = new RecordingReplay();
        try (Durability restored = Durability.open(dir, config(FsyncPolicy.ALWAYS, 4096), new RecordingVisitor(),
                replay)) {
            replay.assertRange(from, to);
            return restored.recovery().lastSeq();
        }
    }

    @Test
    void aLostMachineLosesAtMostTheSegmentBeingWritten() throws Exception {
        Path data = tmp.resolve("data");
        Path archive = tmp.resolve("archive");
        long held;
        long written = 3000;
        try (Durability durability = TestData.open(data, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay());
                LogArchive shipper = LogArchive.start(durability, archive)) {
            appendRange(durability.wal(), 1, 2000);
            shipper.ship();
            // A snapshot deletes the local segments it covers; the archive keeps them.
            SnapshotTest.writeSnapshot(durability, 1500, META, SnapshotTest.sampleTables(1));
            appendRange(durability.wal(), 2001, written);
            held = shipper.ship();
            List<LogSegment> local = durability.wal().segments();
            assertEquals(local.getLast().firstSeq() - 1, held, "every finished segment is in the archive");
            assertTrue(held > written - 200, "at most the segment being written is missing: " + held);
        }
        // The data directory is gone with the machine: only the archive is left.
        assertEquals(held, Backups.restoreArchive(archive, tmp.resolve("whole"), Long.MAX_VALUE,
                Backups.Progress.NONE));
        assertEquals(held, restoredLast(tmp.resolve("whole"), 1, held));
        assertEquals(1234, Backups.restoreArchive(archive, tmp.resolve("earlier"), 1234, Backups.Progress.NONE));
        assertEquals(1234, restoredLast(tmp.resolve("earlier"), 1, 1234));
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> Backups.restoreArchive(archive, tmp.resolve("x"), held + 1, Backups.Progress.NONE));
        assertTrue(beyond.getMessage().contains("cannot be restored to seq " + (held + 1)), beyond.getMessage());
        assertFalse(Files.exists(tmp.resolve("x")), "a refused restore leaves nothing behind");
    }

    @Test
    void aRunWithoutShippingLeavesAGapThatTheNextStartFillsWithANewBase() throws Exception {
        Path data = tmp.resolve("data");
        Path archive = tmp.resolve("archive");
        try (Durability durability = TestData.open(data, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay())) {
            try (LogArchive shipper = LogArchive.start(durability, archive)) {
                appendRange(durability.wal(), 1, 500);
                shipper.ship();
            }
            // Without the archive: commits, then a snapshot that deletes the segments it covers.
            appendRange(durability.wal(), 501, 2500);
            SnapshotTest.writeSnapshot(durability, 2400, META, SnapshotTest.sampleTables(2));
            appendRange(durability.wal(), 2501, 2600);
            try (LogArchive shipper = LogArchive.start(durability, archive)) {
                long held = shipper.ship();
                assertTrue(held >= 2600, "the new base holds every durable commit: " + held);
            }
        }
        try (Stream<Path> bases = Files.list(archive.resolve(LogArchive.BASE))) {
            assertEquals(2, bases.filter(p -> p.getFileName().toString().startsWith("backup-")).count(),
                    "a second base for the gap");
        }
        long restored = Backups.restoreArchive(archive, tmp.resolve("restored"), Long.MAX_VALUE, Backups.Progress.NONE);
        assertTrue(restored >= 2600, "restored up to " + restored);
        RecordingVisitor visitor = new RecordingVisitor();
        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = Durability.open(tmp.resolve("restored"), config(FsyncPolicy.ALWAYS, 4096),
                visitor, replay)) {
            assertEquals(2400, visitor.seq, "from the new base's snapshot");
            replay.assertRange(2401, restored);
        }
    }

    @Test
    void aDamagedArchivedSegmentIsRefusedNamingItAndALeftoverPartIsIgnored() throws Exception {
        Path data = tmp.resolve("data");
        Path archive = tmp.resolve("archive");
        try (Durability durability = TestData.open(data, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay());
                LogArchive shipper = LogArchive.start(durability, archive)) {
            appendRange(durability.wal(), 1, 1000);
            shipper.ship();
        }
        List<Path> shipped = LogArchive.segments(archive);
        assertTrue(shipped.size() >= 3, "segments shipped: " + shipped);
        // A copy a crash interrupted: never a segment of the archive.
        Files.writeString(archive.resolve(LogArchive.LOG_DIR).resolve(shipped.getLast().getFileName() + ".part"),
                "half a segment");
        long whole = Backups.restoreArchive(archive, tmp.resolve("fine"), Long.MAX_VALUE, Backups.Progress.NONE);
        assertTrue(whole >= 900, "restored up to " + whole);

        Path damaged = shipped.get(shipped.size() - 2);
        try (FileChannel channel = FileChannel.open(damaged, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = channel.size() / 2;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, at);
            channel.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x5A)}), at);
        }
        CorruptDataException refused = assertThrows(CorruptDataException.class,
                () -> Backups.restoreArchive(archive, tmp.resolve("bad"), Long.MAX_VALUE, Backups.Progress.NONE));
        assertTrue(refused.getMessage().contains(damaged.getFileName().toString()), refused.getMessage());
        assertFalse(Files.exists(tmp.resolve("bad")), "nothing restored");
    }
}
