package io.hetu.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.KeyRange;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.MarkerTable;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.Durability;
import io.hetu.storage.durability.LogArchive;
import io.hetu.storage.embedded.Embedded;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup.archive} end to end on the embedded store: commits shipped while they go on, the
 * machine lost, and {@code hetu restore --from <archive>} brings back every commit of every
 * finished segment, as rows an app reads.
 */
class ArchiveRestoreTest {

    @TempDir
    Path tmp;

    private static int restore(String... args) {
        picocli.CommandLine command = HetuCli.commandLine();
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Test
    void anArchiveRestoresEveryCommitOfItsShippedSegments() throws Exception {
        App app = App.load(getClass().getClassLoader(), null);
        Path data = tmp.resolve("data");
        Path archive = tmp.resolve("archive");
        long held;
        long firstMark = 0;
        int rows = 3_000;
        try (Database database = Embedded.open(data, DurabilityConfig.defaults().withSegmentBytes(16 << 10)
                .withSnapshotsEvery(1_000, 0), app.tables());
                LogArchive shipper = LogArchive.start(Durability.opened(data).orElseThrow(), archive)) {
            for (int i = 0; i < rows; i++) {
                long owner = i;
                long seq = database.commit(0, tx -> tx.upsert(MarkerTable.OWNER, owner).value((int) owner));
                firstMark = firstMark == 0 ? seq : firstMark;
            }
            // What a backup (and so the archive) takes is what is durable.
            database.transact(0, tx -> tx.upsert(MarkerTable.OWNER, -1L).value(-1));
            held = shipper.ship();
            long writing;
            try (var files = Files.list(data)) {
                writing = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("wal-\\d{20}\\.log"))
                        .mapToLong(n -> Long.parseLong(n.substring(4, 24))).max().orElseThrow();
            }
            assertEquals(writing - 1, held, "every commit but those of the segment being written is shipped");
            assertTrue(held > 1_000, "shipped up to seq " + held);
        }
        Path restored = tmp.resolve("restored");
        assertEquals(0, restore("restore", "--from", archive.toString(), "--data", "embedded:" + restored));
        try (Database database = Embedded.open(restored, DurabilityConfig.defaults(), app.tables())) {
            int count = database.transact(0, tx -> tx.range(MarkerTable.OWNER, KeyRange.atLeast(0L), Integer.MAX_VALUE,
                    false).size());
            assertEquals(held - firstMark + 1, count, "the rows of every commit the archive holds");
            for (long owner = 0; owner < count; owner++) {
                long expected = owner;
                int value = database.transact(0, tx -> tx.getBy(MarkerTable.OWNER, expected).value());
                assertEquals(expected, value, "row " + owner);
            }
        }
        Path early = tmp.resolve("early");
        assertEquals(0, restore("restore", "--from", archive.toString(), "--data", early.toString(), "--to-seq", "100"));
        try (Database database = Embedded.open(early, DurabilityConfig.defaults(), app.tables())) {
            int count = database.transact(0, tx -> tx.range(MarkerTable.OWNER, KeyRange.all(), Integer.MAX_VALUE, false)
                    .size());
            assertEquals(100 - firstMark + 1, count, "the rows of the commits up to seq 100, and none after");
        }
        assertEquals(2, restore("restore", "--from", archive.toString(), "--data", tmp.resolve("t").toString(),
                "--to-time", "2026-01-01T00:00:00Z"));
        assertTrue(Files.notExists(tmp.resolve("t")));
    }

    @Test
    void anArchiveNeedsAnEmbeddedStore() throws Exception {
        StartSettings settings = StartSettings.load(null);
        settings.set("db", "redis://127.0.0.1:6379/0", "in this test");
        settings.set("backup.archive", tmp.resolve("a").toString(), "in this test");
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, settings::archive);
        assertTrue(refused.getMessage().contains("embedded:"), refused.getMessage());
    }
}
