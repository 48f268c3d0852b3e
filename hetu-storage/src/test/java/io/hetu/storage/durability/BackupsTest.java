package io.hetu.storage.durability;

import static io.hetu.storage.durability.TestData.appendRange;
import static io.hetu.storage.durability.TestData.config;
import static io.hetu.storage.durability.TestData.flipByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import io.hetu.storage.durability.TestData.RecordingVisitor;
import io.hetu.storage.durability.TestData.Table;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot backups of a data directory while commits go on, their verification, and restores. */
class BackupsTest {
    @TempDir
    Path tmp;

    private static final byte[] META = "catalog".getBytes(StandardCharsets.UTF_8);

    /** Copies the pinned files of {@code source} into a backup in {@code folder}, as the server's stream does. */
    static Backups.Backup copy(BackupSource source, Path folder) throws IOException {
        try (Backups.Writer writer = Backups.write(folder)) {
            for (BackupSource.SourceFile file : source.files()) {
                byte[] bytes;
                try (InputStream in = Files.newInputStream(file.path())) {
                    bytes = in.readNBytes((int) file.length());
                }
                writer.file(file.name(), file.length(), new java.io.ByteArrayInputStream(bytes), Backups.Progress.NONE);
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                writer.expect(file.name(), (int) crc.getValue());
            }
            return writer.finish(source.snapshotSeq(), source.lastSeq());
        }
    }

    @Test
    void aBackupTakenWhileCommitsGoOnRestoresToItsLastSeqAndToAnEarlierOne() throws Exception {
        Path data = tmp.resolve("data");
        List<Table> tables = SnapshotTest.sampleTables(3);
        AtomicLong appended = new AtomicLong();
        Backups.Backup backup;
        try (Durability durability = TestData.open(data, config(FsyncPolicy.ALWAYS, 8192), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 400);
            SnapshotTest.writeSnapshot(durability, 300, META, tables);
            appended.set(400);
            AtomicBoolean running = new AtomicBoolean(true);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    while (running.get()) {
                        long next = appended.get() + 1;
                        appendRange(durability.wal(), next, next + 9);
                        appended.set(next + 9);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            try (BackupSource source = durability.beginBackup()) {
                assertEquals(300, source.snapshotSeq());
                assertTrue(source.lastSeq() >= 400);
                // A snapshot published during the backup must not delete what the backup reads.
                long later = durability.wal().durableSeq();
                SnapshotTest.writeSnapshot(durability, later, META, tables);
                for (BackupSource.SourceFile file : source.files()) {
                    assertTrue(Files.exists(file.path()), file.path() + " is still there");
                }
                Thread.sleep(50);
                backup = copy(source, tmp.resolve("backups"));
                assertTrue(Files.exists(data.resolve(SnapshotFormat.fileName(300))), "kept until the backup ends");
            }
            assertFalse(Files.exists(data.resolve(SnapshotFormat.fileName(300))), "deleted once the backup ended");
            running.set(false);
            writer.join();
        }
        assertEquals(backup.dir(), Backups.find(tmp.resolve("backups")).dir(), "the folder's newest backup");
        Backups.verify(tmp.resolve("backups"), Backups.Progress.NONE);

        assertRestores(backup, tmp.resolve("whole"), backup.lastSeq(), tables);
        assertRestores(backup, tmp.resolve("earlier"), 350, tables);
        assertRestores(backup, tmp.resolve("snapshot-only"), 300, tables);
        IllegalArgumentException before = assertThrows(IllegalArgumentException.class,
                () -> Backups.restore(backup, tmp.resolve("x"), 299, Backups.Progress.NONE));
        assertTrue(before.getMessage().contains("seq 299"), before.getMessage());
    }

    private static void assertRestores(Backups.Backup backup, Path target, long toSeq, List<Table> tables)
            throws Exception {
        assertEquals(toSeq, Backups.restore(backup, target, toSeq, Backups.Progress.NONE));
        RecordingVisitor visitor = new RecordingVisitor();
        RecordingReplay replay = new RecordingReplay();
        try (Durability restored = Durability.open(target, config(FsyncPolicy.ALWAYS, 8192), visitor, replay)) {
            assertEquals(300, visitor.seq);
            SnapshotTest.assertTables(tables, visitor.tables);
            replay.assertRange(301, toSeq);
            assertEquals(toSeq, restored.recovery().lastSeq());
            appendRange(restored.wal(), toSeq + 1, toSeq + 1); // and it goes on from there
        }
    }

    @Test
    void aDamagedBackupIsRefusedNamingTheFile() throws Exception {
        Path data = tmp.resolve("data");
        Backups.Backup backup;
        try (Durability durability = TestData.open(data, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 100);
            SnapshotTest.writeSnapshot(durability, 50, META, SnapshotTest.sampleTables(5));
            appendRange(durability.wal(), 101, 200);
            try (BackupSource source = durability.beginBackup()) {
                backup = copy(source, tmp.resolve("backups"));
            }
        }
        Path segment = backup.dir().resolve(backup.files().stream().filter(e -> e.name().endsWith(".log"))
                .reduce((a, b) -> b).orElseThrow().name());
        flipByte(segment, Files.size(segment) - 3);
        CorruptBackupException bad = assertThrows(CorruptBackupException.class,
                () -> Backups.verify(backup.dir(), Backups.Progress.NONE));
        assertEquals(segment, bad.file());
        assertTrue(bad.getMessage().contains(segment.getFileName().toString()), bad.getMessage());
        flipByte(segment, Files.size(segment) - 3);
        Backups.verify(backup.dir(), Backups.Progress.NONE);

        Path snapshot = backup.dir().resolve(SnapshotFormat.fileName(50));
        flipByte(snapshot, 100);
        assertEquals(snapshot, assertThrows(CorruptBackupException.class,
                () -> Backups.verify(backup.dir(), Backups.Progress.NONE)).file());
        assertThrows(CorruptBackupException.class,
                () -> Backups.restore(backup, tmp.resolve("restored"), 200, Backups.Progress.NONE));
        flipByte(snapshot, 100);

        Files.delete(segment);
        assertEquals(segment, assertThrows(CorruptBackupException.class,
                () -> Backups.verify(backup.dir(), Backups.Progress.NONE)).file());
    }

    @Test
    void anUnfinishedBackupLeavesTheEarlierOnesAndIsClearedByTheNext() throws Exception {
        Path data = tmp.resolve("data");
        Path folder = tmp.resolve("backups");
        try (Durability durability = TestData.open(data, config(FsyncPolicy.ALWAYS, 4096), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 100);
            Backups.Backup first;
            try (BackupSource source = durability.beginBackup()) {
                first = copy(source, folder);
            }
            appendRange(durability.wal(), 101, 120);
            // A backup that never finishes (its writer abandoned, as a kill would leave it).
            Backups.Writer abandoned = Backups.write(folder);
            abandoned.file("wal-00000000000000000001.log", 3, new java.io.ByteArrayInputStream(new byte[3]),
                    Backups.Progress.NONE);
            assertThrows(IOException.class, () -> Backups.write(folder), "one writer per folder at a time");
            assertEquals(first.dir(), Backups.find(folder).dir(), "the partial one is not a backup");
            abandoned.close();
            try (BackupSource source = durability.beginBackup()) {
                Backups.Backup second = copy(source, folder);
                assertEquals(120, second.lastSeq());
                assertEquals(second.dir(), Backups.find(folder).dir());
            }
            Backups.verify(first.dir(), Backups.Progress.NONE);
            try (var children = Files.list(folder)) {
                assertTrue(children.noneMatch(p -> p.getFileName().toString().startsWith(".partial-")));
            }
        }
    }

    @Test
    void aRestoreToATimeKeepsOnlyWhatWasDurableByThen() throws Exception {
        Path data = tmp.resolve("data");
        Instant afterFirst;
        Instant afterSecond;
        Backups.Backup backup;
        try (Durability durability = TestData.open(data, config(FsyncPolicy.ALWAYS, 1 << 20), new RecordingReplay())) {
            appendRange(durability.wal(), 1, 50);
            afterFirst = Instant.now();
            Thread.sleep(1_100);
            appendRange(durability.wal(), 51, 100);
            afterSecond = Instant.now();
            Thread.sleep(1_100);
            appendRange(durability.wal(), 101, 150);
            try (BackupSource source = durability.beginBackup()) {
                backup = copy(source, tmp.resolve("backups"));
            }
        }
        long first = Backups.seqAt(backup, afterFirst);
        long second = Backups.seqAt(backup, afterSecond);
        assertTrue(first >= 1 && first <= 50, "at most what was durable by then: " + first);
        assertTrue(second >= 51 && second <= 100, "later commits by the later time: " + second);
        assertEquals(150, Backups.seqAt(backup, Instant.now()));
        assertThrows(IllegalArgumentException.class, () -> Backups.seqAt(backup, afterFirst.minusSeconds(3600)));
        assertEquals(second, Backups.restore(backup, tmp.resolve("restored"), second, Backups.Progress.NONE));
    }
}
