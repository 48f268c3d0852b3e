package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.appendRange;
import static io.hetu.storage.durability.TestData.config;
import static io.hetu.storage.durability.TestData.recordOffsets;
import static io.hetu.storage.durability.TestData.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import io.hetu.storage.durability.TestData.RecordingVisitor;
import io.hetu.storage.durability.TestData.Row;
import io.hetu.storage.durability.TestData.Table;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {
    @TempDir
    Path dir;

    /** Three tables: many rows in several blocks, rows larger than a block, and an empty table. */
    static List<Table> sampleTables(long seed) {
        Random random = new Random(seed);
        List<Table> tables = new ArrayList<>();
        tables.add(randomTable(random, "ssw.Position", "0123456789abcdef", 24, 5_000));
        tables.add(randomTable(random, "ssw.Inventory", "fedcba9876543210", 100_000, 3));
        tables.add(randomTable(random, "chat.Message", "00000000ffffffff", 64, 0));
        return tables;
    }

    private static Table randomTable(Random random, String name, String hash, int rowSize, int rows) {
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            byte[] bytes = new byte[rowSize];
            random.nextBytes(bytes);
            list.add(new Row(random.nextLong(), random.nextLong(), bytes));
        }
        return new Table(name, hash, rowSize, rows, list);
    }

    static void writeSnapshot(Durability durability, long seq, byte[] meta, List<Table> tables) throws IOException {
        try (SnapshotWriter writer = durability.beginSnapshot()) {
            writeTables(writer, tables);
            writer.commit(seq, meta);
        }
    }

    static void writeTables(SnapshotWriter writer, List<Table> tables) throws IOException {
        for (Table table : tables) {
            writer.beginTable(table.name(), table.layoutHash(), table.rowSize(), table.rowCount());
            for (Row row : table.rows()) {
                // A row among other bytes, as it sits in a table segment.
                MemorySegment memory = MemorySegment.ofArray(new byte[table.rowSize() + 8]);
                MemorySegment.copy(MemorySegment.ofArray(row.bytes()), 0, memory, 8, table.rowSize());
                writer.row(row.id(), row.version(), memory, 8);
            }
            writer.endTable();
        }
    }

    static void assertTables(List<Table> expected, List<Table> actual) {
        assertEquals(expected.size(), actual.size());
        for (int t = 0; t < expected.size(); t++) {
            Table want = expected.get(t);
            Table got = actual.get(t);
            assertEquals(want.name(), got.name());
            assertEquals(want.layoutHash(), got.layoutHash());
            assertEquals(want.rowSize(), got.rowSize());
            assertEquals(want.rowCount(), got.rowCount());
            assertEquals(want.rows().size(), got.rows().size());
            for (int r = 0; r < want.rows().size(); r++) {
                assertEquals(want.rows().get(r).id(), got.rows().get(r).id());
                assertEquals(want.rows().get(r).version(), got.rows().get(r).version());
                assertArrayEquals(want.rows().get(r).bytes(), got.rows().get(r).bytes(), want.name() + " row " + r);
            }
        }
    }

    @Test
    void recoveryIsTheSnapshotPlusTheLogAfterIt() throws Exception {
        List<Table> tables = sampleTables(1);
        byte[] meta = "engine metadata".getBytes(StandardCharsets.UTF_8);
        try (Durability durability = TestData.open(dir, config(FsyncPolicy.ALWAYS, 8192), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 100);
            writeSnapshot(durability, 100, meta, tables);
            assertEquals(100, durability.snapshotSeq());
            appendRange(durability.wal(), 101, 150);
        }
        List<Path> segments = segmentFiles(dir);
        assertTrue(WalFormat.firstSeqOf(segments.get(0)) <= 101
                && (segments.size() == 1 || WalFormat.firstSeqOf(segments.get(1)) > 101),
                "only the segments wholly before the snapshot are gone: " + segments);

        RecordingVisitor visitor = new RecordingVisitor();
        RecordingReplay replay = new RecordingReplay();
        try (Durability durability = Durability.open(dir, config(FsyncPolicy.ALWAYS, 8192), visitor, replay)) {
            assertEquals(100, visitor.seq);
            assertArrayEquals(meta, visitor.meta);
            assertTables(tables, visitor.tables);
            replay.assertRange(101, 150);
            RecoveryReport report = durability.recovery();
            assertEquals(100, report.snapshotSeq());
            assertEquals(3, report.tablesLoaded());
            assertEquals(5_003, report.rowsLoaded());
            assertEquals(50, report.recordsReplayed());
            assertEquals(150, report.lastSeq());
            appendRange(durability.wal(), 151, 151);
        }
    }

    @Test
    void theManifestNamesTheSnapshotInItsDocumentedFormat() throws Exception {
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 7);
            writeSnapshot(durability, 7, new byte[0], List.of());
        }
        String manifest = Files.readString(dir.resolve("MANIFEST"), StandardCharsets.US_ASCII);
        String name = "snap-00000000000000000007.snap";
        long size = Files.size(dir.resolve(name));
        assertTrue(manifest.matches("hetu-manifest 1\nsnapshot " + name + "\nseq 7\nsize " + size
                + "\ncrc32c [0-9a-f]{8}\n"), manifest);
    }

    @Test
    void aNewSnapshotReplacesThePreviousOne() throws Exception {
        List<Table> second = sampleTables(2);
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 10);
            writeSnapshot(durability, 10, new byte[] {1}, sampleTables(1));
            appendRange(durability.wal(), 11, 20);
            writeSnapshot(durability, 20, new byte[] {2}, second);
        }
        assertEquals(List.of("snap-00000000000000000020.snap"), snapshotFiles());
        RecordingVisitor visitor = new RecordingVisitor();
        RecordingReplay replay = new RecordingReplay();
        try (Durability ignored = Durability.open(dir, DurabilityConfig.defaults(), visitor, replay)) {
            assertEquals(20, visitor.seq);
            assertArrayEquals(new byte[] {2}, visitor.meta);
            assertTables(second, visitor.tables);
            assertTrue(replay.seqs.isEmpty());
        }
    }

    @Test
    void aCrashBeforePublishingLeavesThePreviousSnapshotInForce() throws Exception {
        List<Table> published = sampleTables(3);
        Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay());
        appendRange(durability.wal(), 1, 50);
        writeSnapshot(durability, 50, new byte[] {5}, published);
        appendRange(durability.wal(), 51, 120);
        SnapshotWriter unfinished = durability.beginSnapshot();
        writeTables(unfinished, sampleTables(4));
        // The crash: the temporary snapshot is written but never committed. Also leave what a crash
        // between renaming a snapshot and writing the MANIFEST would leave.
        durability.close();
        Files.copy(dir.resolve("snap-00000000000000000050.snap"), dir.resolve("snap-00000000000000000100.snap"));
        Files.writeString(dir.resolve("MANIFEST.tmp"), "hetu-manif");
        assertTrue(Files.exists(dir.resolve("snapshot.tmp")));

        RecordingVisitor visitor = new RecordingVisitor();
        RecordingReplay replay = new RecordingReplay();
        try (Durability reopened = Durability.open(dir, DurabilityConfig.defaults(), visitor, replay)) {
            assertEquals(50, visitor.seq);
            assertTables(published, visitor.tables);
            replay.assertRange(51, 120);
            assertFalse(Files.exists(dir.resolve("snapshot.tmp")));
            assertFalse(Files.exists(dir.resolve("MANIFEST.tmp")));
            assertEquals(List.of("snap-00000000000000000050.snap"), snapshotFiles());
        } finally {
            unfinished.close();
        }
    }

    @Test
    void anAbandonedSnapshotLeavesNothingBehind() throws Exception {
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 5);
            try (SnapshotWriter writer = durability.beginSnapshot()) {
                writeTables(writer, sampleTables(5));
            }
            assertFalse(Files.exists(dir.resolve("snapshot.tmp")));
            assertEquals(0, durability.snapshotSeq());
            writeSnapshot(durability, 5, new byte[0], sampleTables(6));
            assertEquals(5, durability.snapshotSeq());
        }
    }

    @Test
    void misuseIsRejectedWithAReason() throws Exception {
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 10);
            writeSnapshot(durability, 5, new byte[0], List.of());
            try (SnapshotWriter writer = durability.beginSnapshot()) {
                assertThrows(IllegalStateException.class, durability::beginSnapshot, "one snapshot at a time");
                var old = assertThrows(IllegalArgumentException.class, () -> writer.commit(5));
                assertTrue(old.getMessage().contains("not newer"), old.getMessage());
                var ahead = assertThrows(IllegalArgumentException.class, () -> writer.commit(11));
                assertTrue(ahead.getMessage().contains("ahead of the log"), ahead.getMessage());
                writer.beginTable("t", "h", 8, 2);
                writer.row(1, 1, MemorySegment.ofArray(new byte[8]), 0);
                var short1 = assertThrows(IllegalStateException.class, writer::endTable);
                assertTrue(short1.getMessage().contains("declared with 2 rows but 1"), short1.getMessage());
            }
            writeSnapshot(durability, 10, new byte[0], List.of());
        }
    }

    /** The log lost unsynced records that a snapshot already holds: it goes on after the snapshot. */
    @Test
    void aSnapshotNewerThanTheWholeLogIsContinuedAfter() throws Exception {
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 100);
            writeSnapshot(durability, 100, new byte[0], sampleTables(7));
        }
        Path segment = segmentFiles(dir).getFirst();
        long record90 = recordOffsets(segment).get(89);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(record90);
        }
        try (Durability durability = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            assertEquals(100, durability.recovery().lastSeq());
            assertEquals(List.of(dir.resolve(WalFormat.fileName(101))), segmentFiles(dir),
                    "the old segment holds only records the snapshot covers");
            appendRange(durability.wal(), 101, 130);
        }
        RecordingReplay replay = new RecordingReplay();
        try (Durability ignored = Durability.open(dir, DurabilityConfig.defaults(), new RecordingVisitor(), replay)) {
            replay.assertRange(101, 130);
        }
    }

    private List<String> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("snap")).sorted().toList();
        }
    }
}
