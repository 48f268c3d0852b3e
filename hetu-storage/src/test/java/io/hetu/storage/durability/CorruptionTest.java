package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.appendRange;
import static io.hetu.storage.durability.TestData.config;
import static io.hetu.storage.durability.TestData.flipByte;
import static io.hetu.storage.durability.TestData.payload;
import static io.hetu.storage.durability.TestData.recordOffsets;
import static io.hetu.storage.durability.TestData.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage anywhere but a torn tail refuses to start, naming the file, the byte offset and a way out. */
class CorruptionTest {
    @TempDir
    Path dir;

    private void writeLog(long segmentBytes, long records) throws Exception {
        try (Durability durability = TestData.open(dir, config(FsyncPolicy.ALWAYS, segmentBytes), new RecordingReplay())) {
            appendRange(durability.wal(), 1, records);
        }
    }

    private CorruptDataException refusesToStart(Class<? extends CorruptDataException> type, Path file, long offset)
            throws IOException {
        CorruptDataException e = assertThrows(type, () -> TestData.open(dir, DurabilityConfig.defaults(),
                new RecordingReplay()));
        assertEquals(file, e.file());
        assertEquals(offset, e.offset());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + offset + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("backup"), "tells the operator what to do: " + e.getMessage());
        return e;
    }

    @Test
    void aFlippedByteInARecordFollowedByValidRecordsIsCorruption() throws Exception {
        writeLog(64 << 20, 60);
        Path segment = segmentFiles(dir).getFirst();
        List<Long> offsets = recordOffsets(segment);
        // In the payload, in the length field, in the CRC and in the seq of records in the middle.
        long[][] cases = {
            {30, 16 + payload(30).length / 2}, {31, 0}, {33, 5}, {35, 12}, {40, 3}};
        assertTrue(payload(30).length > 0);
        byte[] pristine = Files.readAllBytes(segment);
        for (long[] c : cases) {
            long recordStart = offsets.get((int) c[0] - 1);
            flipByte(segment, recordStart + c[1]);
            byte[] damaged = Files.readAllBytes(segment);
            CorruptDataException e = refusesToStart(CorruptLogException.class, segment, recordStart);
            assertTrue(e.getMessage().contains("record seq " + c[0]), e.getMessage());
            assertTrue(e.getMessage().contains("truncate -s " + recordStart), e.getMessage());
            assertArrayEquals(damaged, Files.readAllBytes(segment), "a refused log is left as it was");
            Files.write(segment, pristine);
        }
    }

    @Test
    void aFlippedByteInTheLastRecordOfACleanlyClosedLogIsCorruption() throws Exception {
        writeLog(64 << 20, 60);
        Path segment = segmentFiles(dir).getFirst();
        long lastRecord = recordOffsets(segment).getLast();
        flipByte(segment, lastRecord + 20);
        CorruptDataException e = refusesToStart(CorruptLogException.class, segment, lastRecord);
        assertTrue(e.getMessage().contains("closed cleanly"), e.getMessage());
    }

    @Test
    void theSameDamageWithoutTheCloseMarkerIsATornTailOfACrash() throws Exception {
        writeLog(64 << 20, 60);
        Path segment = segmentFiles(dir).getFirst();
        long lastRecord = recordOffsets(segment).getLast();
        TestData.removeCloseMarker(dir);
        flipByte(segment, lastRecord + 20);
        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, 59);
            assertEquals(lastRecord, durability.recovery().tornTail().orElseThrow().offset());
        }
    }

    @Test
    void aCleanlyClosedLogReopensWithoutATornTailAndGoesOn() throws Exception {
        writeLog(64 << 20, 60);
        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, 60);
            assertTrue(durability.recovery().tornTail().isEmpty());
            appendRange(durability.wal(), 61, 70);
        }
        RecordingReplay again = new RecordingReplay();
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), again)) {
            again.assertRange(1, 70);
        }
    }

    @Test
    void aFlippedByteInASegmentThatIsNotTheLastIsCorruption() throws Exception {
        writeLog(4096, 100);
        List<Path> segments = segmentFiles(dir);
        assertTrue(segments.size() >= 3);
        Path first = segments.getFirst();
        long lastRecord = recordOffsets(first).getLast();
        flipByte(first, lastRecord + 9); // even the last record of a segment: more segments follow it
        CorruptDataException e = refusesToStart(CorruptLogException.class, first, lastRecord);
        assertTrue(e.getMessage().contains("followed by another"), e.getMessage());
        assertTrue(e.getMessage().contains("move every later wal-*.log"), e.getMessage());
    }

    @Test
    void aDamagedHeaderOfASegmentThatIsNotTheLastIsCorruption() throws Exception {
        writeLog(4096, 100);
        Path second = segmentFiles(dir).get(1);
        flipByte(second, 9);
        refusesToStart(CorruptLogException.class, second, 0);
    }

    @Test
    void aMissingSegmentIsCorruption() throws Exception {
        writeLog(4096, 100);
        List<Path> segments = segmentFiles(dir);
        Files.delete(segments.get(1));
        CorruptDataException e = refusesToStart(CorruptLogException.class, segments.get(2), 0);
        long from = WalFormat.firstSeqOf(segments.get(1));
        long to = WalFormat.firstSeqOf(segments.get(2)) - 1;
        assertTrue(e.getMessage().contains("records " + from + " to " + to + " are missing"), e.getMessage());
    }

    @Test
    void theOperatorsCutAcceptsTheLossAndStarts() throws Exception {
        writeLog(64 << 20, 60);
        Path segment = segmentFiles(dir).getFirst();
        long record40 = recordOffsets(segment).get(39);
        flipByte(segment, record40 + 5);
        refusesToStart(CorruptLogException.class, segment, record40);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(record40); // what the message says to do
        }
        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, 39);
            assertTrue(durability.recovery().tornTail().isEmpty());
        }
    }

    private Path writeSnapshotDir() throws Exception {
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 20);
            SnapshotTest.writeSnapshot(durability, 20, new byte[] {1, 2, 3}, SnapshotTest.sampleTables(9));
        }
        return dir.resolve(SnapshotFormat.fileName(20));
    }

    /** The size of the first table's header block in the sample snapshot. */
    private static long firstTableHeaderBytes() {
        var table = SnapshotTest.sampleTables(9).getFirst();
        return 4 + 4 + table.name().getBytes(StandardCharsets.UTF_8).length + 4
                + table.layoutHash().getBytes(StandardCharsets.UTF_8).length + 4 + 8 + 4;
    }

    @Test
    void aFlippedByteInASnapshotRowBlockIsCorruption() throws Exception {
        Path snapshot = writeSnapshotDir();
        long firstBlock = SnapshotFormat.HEADER_SIZE + firstTableHeaderBytes();
        flipByte(snapshot, firstBlock + 12 + 100);
        CorruptDataException e = refusesToStart(CorruptSnapshotException.class, snapshot, firstBlock);
        assertTrue(e.getMessage().contains("row block of table 'ssw.Position'"), e.getMessage());
        assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
    }

    @Test
    void aFlippedByteInASnapshotTableHeaderIsCorruption() throws Exception {
        Path snapshot = writeSnapshotDir();
        flipByte(snapshot, SnapshotFormat.HEADER_SIZE + 10);
        refusesToStart(CorruptSnapshotException.class, snapshot, SnapshotFormat.HEADER_SIZE);
    }

    @Test
    void aFlippedByteInTheSnapshotMetadataIsCorruption() throws Exception {
        Path snapshot = writeSnapshotDir();
        long size = Files.size(snapshot);
        long endBlock = size - SnapshotFormat.TRAILER_SIZE - SnapshotFormat.END_FIXED_SIZE - 3;
        flipByte(snapshot, endBlock + 29);
        refusesToStart(CorruptSnapshotException.class, snapshot, endBlock);
    }

    @Test
    void aTruncatedSnapshotIsCorruption() throws Exception {
        Path snapshot = writeSnapshotDir();
        long size = Files.size(snapshot);
        byte[] bytes = Files.readAllBytes(snapshot);
        Files.write(snapshot, Arrays.copyOf(bytes, (int) size - 100));
        CorruptDataException e = refusesToStart(CorruptSnapshotException.class, snapshot, size - 100);
        assertTrue(e.getMessage().contains("MANIFEST says " + size), e.getMessage());
    }

    @Test
    void aDamagedManifestIsCorruption() throws Exception {
        writeSnapshotDir();
        Path manifest = dir.resolve("MANIFEST");
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("seq 20", "seq 21"));
        CorruptDataException e = refusesToStart(CorruptSnapshotException.class, manifest, text.indexOf("crc32c"));
        assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
    }

    @Test
    void aManifestNamingAMissingSnapshotIsCorruption() throws Exception {
        Path snapshot = writeSnapshotDir();
        Files.move(snapshot, dir.resolve("moved-away"));
        CorruptDataException e = refusesToStart(CorruptSnapshotException.class, dir.resolve("MANIFEST"), 0);
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
