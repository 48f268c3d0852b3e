package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.appendRange;
import static io.hetu.storage.durability.TestData.config;
import static io.hetu.storage.durability.TestData.open;
import static io.hetu.storage.durability.TestData.payload;
import static io.hetu.storage.durability.TestData.recordOffsets;
import static io.hetu.storage.durability.TestData.removeCloseMarker;
import static io.hetu.storage.durability.TestData.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.RecoveryReport.TornTail;
import io.hetu.storage.durability.TestData.RecordingReplay;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of an append leaves a torn tail, which recovery cuts off and continues after.
 * The logs damaged here have no close marker, as a crash leaves them.
 */
class TornTailTest {
    private static final int RECORDS = 20;
    /** Not zeros, or zeros written after a cut could complete the record again. */
    private static final byte[] LAST_PAYLOAD = filled(100, (byte) 0x33);

    @TempDir
    Path root;
    private Path pristine;
    private long lastRecordStart;
    private long fileEnd;

    /** A log of seqs 1..20 whose last record has a 100-byte payload. */
    @BeforeEach
    void writeLog() throws Exception {
        pristine = root.resolve("pristine");
        try (Durability durability = open(pristine, DurabilityConfig.defaults(), new RecordingReplay())) {
            appendRange(durability.wal(), 1, RECORDS - 1);
            durability.wal().append(RECORDS, LAST_PAYLOAD);
            durability.wal().awaitDurable(RECORDS);
        }
        removeCloseMarker(pristine);
        Path segment = segmentFiles(pristine).getFirst();
        lastRecordStart = recordOffsets(segment).getLast();
        fileEnd = Files.size(segment);
        assertEquals(lastRecordStart + 16 + 100, fileEnd);
    }

    @Test
    void cutAtEveryOffsetInsideTheLastRecordRecoversEverythingBeforeIt() throws Exception {
        for (long cut = lastRecordStart; cut < fileEnd; cut++) {
            Path dir = copy(pristine, "cut-" + cut);
            Path segment = segmentFiles(dir).getFirst();
            truncate(segment, cut);

            RecordingReplay replay = new RecordingReplay();
            try (Durability durability = open(dir, DurabilityConfig.defaults(), replay)) {
                replay.assertRange(1, RECORDS - 1);
                RecoveryReport report = durability.recovery();
                assertEquals(RECORDS - 1, report.lastSeq());
                if (cut == lastRecordStart) {
                    assertTrue(report.tornTail().isEmpty(), "a cut at a record boundary is a clean end");
                } else {
                    assertEquals(new TornTail(segment, lastRecordStart, cut - lastRecordStart), report.tornTail().orElseThrow());
                }
                assertEquals(lastRecordStart, Files.size(segment), "cut back to the last good record");
                appendRange(durability.wal(), RECORDS, RECORDS);
            }
            assertRecovers(dir, RECORDS);
        }
    }

    @Test
    void zerosAfterTheLastRecordAreCutOff() throws Exception {
        Path segment = segmentFiles(pristine).getFirst();
        Files.write(segment, new byte[8192], StandardOpenOption.APPEND);
        assertTornAt(pristine, fileEnd, 8192, RECORDS);
    }

    @Test
    void garbageAfterTheLastRecordIsCutOff() throws Exception {
        byte[] garbage = new byte[1000];
        new Random(7).nextBytes(garbage);
        Files.write(segmentFiles(pristine).getFirst(), garbage, StandardOpenOption.APPEND);
        assertTornAt(pristine, fileEnd, 1000, RECORDS);
    }

    @Test
    void aHalfWrittenRecordFollowedByZerosIsCutOff() throws Exception {
        Path segment = segmentFiles(pristine).getFirst();
        truncate(segment, lastRecordStart + 40);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
        assertTornAt(pristine, lastRecordStart, 40 + 4096, RECORDS - 1);
    }

    /** A complete last record with a bad CRC is what a power loss mid-sector leaves; it is treated as torn. */
    @Test
    void aLastRecordWithABadChecksumIsCutOff() throws Exception {
        TestData.flipByte(segmentFiles(pristine).getFirst(), lastRecordStart + 16 + 50);
        assertTornAt(pristine, lastRecordStart, fileEnd - lastRecordStart, RECORDS - 1);
    }

    @Test
    void aNewSegmentWithAnIncompleteHeaderIsRemoved() throws Exception {
        Path dir = root.resolve("rotated");
        try (Durability durability = open(dir, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 200);
        }
        removeCloseMarker(dir); // a crash, not a clean close, leaves a new segment behind
        List<Path> segments = segmentFiles(dir);
        assertTrue(segments.size() > 3);
        Path fresh = dir.resolve(WalFormat.fileName(201));
        byte[] header = Files.readAllBytes(segments.getLast());
        Files.write(fresh, Arrays.copyOf(header, 10)); // the crash hit while the header was written

        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = open(dir, config(FsyncPolicy.ALWAYS, 4096), replay)) {
            replay.assertRange(1, 200);
            assertEquals(new TornTail(fresh, 0, 10), durability.recovery().tornTail().orElseThrow());
            assertFalse(Files.exists(fresh), "the log goes on at the end of the previous segment");
            appendRange(durability.wal(), 201, 300);
        }
        assertRecovers(dir, 300);
    }

    @Test
    void anEmptyLastSegmentIsRemoved() throws Exception {
        Path fresh = pristine.resolve(WalFormat.fileName(RECORDS + 1));
        Files.createFile(fresh);
        assertTornAt(pristine, null, 0, RECORDS);
    }

    private void assertTornAt(Path dir, Long offset, long dropped, long lastSeq) throws Exception {
        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = open(dir, DurabilityConfig.defaults(), replay)) {
            assertPristine(replay, lastSeq);
            TornTail torn = durability.recovery().tornTail().orElseThrow();
            assertEquals(dropped, torn.droppedBytes());
            if (offset != null) {
                assertEquals(offset, torn.offset());
                assertEquals(offset, Files.size(torn.file()));
            }
            appendRange(durability.wal(), lastSeq + 1, lastSeq + 5);
        }
        RecordingReplay again = new RecordingReplay();
        try (Durability durability = open(dir, DurabilityConfig.defaults(), again)) {
            assertPristine(again, lastSeq);
            assertEquals(lastSeq + 5, again.seqs.getLast());
            assertTrue(durability.recovery().tornTail().isEmpty(), "a recovered log has no torn tail");
        }
    }

    /** The records of the pristine log up to {@code lastSeq}. */
    private static void assertPristine(RecordingReplay replay, long lastSeq) {
        assertEquals(1, replay.seqs.getFirst());
        for (int i = 0; i < lastSeq; i++) {
            long seq = i + 1;
            assertEquals(seq, replay.seqs.get(i));
            assertArrayEquals(seq == RECORDS ? LAST_PAYLOAD : payload(seq), replay.payloads.get(i), "payload of " + seq);
        }
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    /** Reopening finds exactly 1..lastSeq with their payloads and nothing torn. */
    private static void assertRecovers(Path dir, long lastSeq) throws IOException {
        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = open(dir, DurabilityConfig.defaults(), replay)) {
            replay.assertRange(1, lastSeq);
            assertTrue(durability.recovery().tornTail().isEmpty(), "a recovered log has no torn tail");
        }
    }

    private Path copy(Path from, String name) throws IOException {
        Path to = root.resolve(name);
        Files.createDirectories(to);
        for (Path segment : segmentFiles(from)) {
            Files.copy(segment, to.resolve(segment.getFileName()));
        }
        return to;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }
}
