package io.hetu.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.annotations.Permission;
import io.hetu.annotations.TableKind;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.IndexDef;
import io.hetu.schema.KeyRange;
import io.hetu.schema.Layouts;
import io.hetu.schema.RlsRule;
import io.hetu.schema.RowLayout;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.fixtures.AccountRow;
import io.hetu.storage.fixtures.AccountTable;
import io.hetu.storage.fixtures.Item;
import io.hetu.storage.fixtures.ItemTable;
import io.hetu.storage.fixtures.Position;
import io.hetu.storage.fixtures.PositionRow;
import io.hetu.storage.fixtures.PositionTable;
import io.hetu.storage.fixtures.PresenceTable;
import io.hetu.system.SchemaMismatchException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded backend over a real data directory: restarts, snapshots, schema checks, kill -9. */
class DurableDatabaseTest {

    private static final DurabilityConfig NO_FSYNC = DurabilityConfig.defaults().withFsync(FsyncPolicy.NO);

    @TempDir
    Path dir;

    @Test
    void everyCommitSurvivesARestartWithItsIndexes() throws Exception {
        try (Database db = Embedded.open(dir, NO_FSYNC, List.of(ItemTable.TABLE, PresenceTable.TABLE))) {
            db.run(0, tx -> {
                for (int i = 0; i < 2_000; i++) {
                    tx.insert(ItemTable.TABLE, new Item(i % 7, "item-" + i, i / 3.0, i));
                }
            });
            for (int i = 0; i < 2_000; i += 3) {
                String name = "item-" + i;
                db.run(0, tx -> tx.upsert(ItemTable.NAME, name).level(100));
            }
            for (int i = 1; i < 2_000; i += 5) {
                String name = "item-" + i;
                db.run(0, tx -> tx.delete(ItemTable.TABLE, tx.id(tx.getBy(ItemTable.NAME, name))));
            }
            db.run(0, tx -> tx.upsert(PresenceTable.OWNER, 1L).room(3));
        }
        try (Database db = Embedded.open(dir, NO_FSYNC, List.of(ItemTable.TABLE, PresenceTable.TABLE))) {
            assertReopenedItems(db);
            assertNull(db.transact(0, tx -> tx.getBy(PresenceTable.OWNER, 1L)), "volatile rows are not kept");
        }
    }

    @Test
    void aSnapshotPlusTheLogAfterItRecoversEverything() throws Exception {
        try (Database db = Embedded.open(dir, NO_FSYNC, List.of(ItemTable.TABLE))) {
            db.run(0, tx -> {
                for (int i = 0; i < 2_000; i++) {
                    tx.insert(ItemTable.TABLE, new Item(i % 7, "item-" + i, i / 3.0, i));
                }
            });
            for (int i = 0; i < 2_000; i += 3) {
                String name = "item-" + i;
                db.run(0, tx -> tx.upsert(ItemTable.NAME, name).level(100));
            }
            assertTrue(((EmbeddedBackend) db.backend()).snapshot() > 0);
            for (int i = 1; i < 2_000; i += 5) {
                String name = "item-" + i;
                db.run(0, tx -> tx.delete(ItemTable.TABLE, tx.id(tx.getBy(ItemTable.NAME, name))));
            }
        }
        try (Database db = Embedded.open(dir, NO_FSYNC, List.of(ItemTable.TABLE))) {
            assertReopenedItems(db);
            long id = db.transact(0, tx -> tx.id(tx.insert(ItemTable.TABLE, new Item(1, "new", 1, 1))));
            assertNotNull(db.transact(0, tx -> tx.get(ItemTable.TABLE, id)), "ids keep working after recovery");
        }
    }

    private static void assertReopenedItems(Database db) {
        db.run(0, tx -> {
            for (int i = 0; i < 2_000; i++) {
                var row = tx.getBy(ItemTable.NAME, "item-" + i);
                if (i % 5 == 1) {
                    assertNull(row, "item-" + i + " was deleted");
                } else {
                    assertNotNull(row, "item-" + i);
                    assertEquals(i % 3 == 0 ? 100 : i % 7, row.level(), "item-" + i);
                    assertEquals(i / 3.0, row.score());
                }
            }
            int expected100 = 0;
            for (int i = 0; i < 2_000; i += 3) {
                expected100 += i % 5 == 1 ? 0 : 1;
            }
            assertEquals(expected100, tx.range(ItemTable.LEVEL, KeyRange.equalTo(100), 10_000, false).size());
        });
    }

    @Test
    void anIncompatibleSchemaRefusesToStartAndNamesTheDifference() throws Exception {
        try (Database db = Embedded.open(dir, NO_FSYNC, List.of(PositionTable.TABLE))) {
            db.run(0, tx -> tx.upsert(PositionTable.OWNER, 7L).x(1.5f));
        }
        TableDescriptor<?, ?> changed = new HandMadeTable("changed-hash", new RowLayout(16, 8, 16, 0, List.of(
                new FieldLayout("x", FieldType.F64, 0, 8, -1, 0, List.of()),
                new FieldLayout("owner", FieldType.I64, 8, 8, -1, 0, List.of()))));
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> Embedded.open(dir, NO_FSYNC, List.of(changed)));
        assertTrue(e.getMessage().contains("component test.Position"), e.getMessage());
        assertTrue(e.getMessage().contains("column 'x' changed type from f32 to f64"), e.getMessage());

        // The refused start left the directory as it was.
        try (Database db = Embedded.open(dir, NO_FSYNC, List.of(PositionTable.TABLE))) {
            assertEquals(1.5f, db.transact(0, tx -> tx.getBy(PositionTable.OWNER, 7L).toRecord()).x());
        }
    }

    @Test
    void aColumnAddedAtTheEndMigratesWithItsDefault() throws Exception {
        try (Database db = Embedded.open(dir, NO_FSYNC, List.of(PositionTable.TABLE))) {
            db.run(0, tx -> tx.upsert(PositionTable.OWNER, 7L).x(1.5f).y(-2f));
            ((EmbeddedBackend) db.backend()).snapshot();
            db.run(0, tx -> tx.upsert(PositionTable.OWNER, 8L).x(3f));
        }
        // Position plus a nullable int 'level' at the end: level at 16, null bitmap at 20, 24 bytes.
        HandMadeTable grown = new HandMadeTable("grown-hash", new RowLayout(24, 8, 20, 1, List.of(
                new FieldLayout("x", FieldType.F32, 0, 4, -1, 0, List.of()),
                new FieldLayout("y", FieldType.F32, 4, 4, -1, 0, List.of()),
                new FieldLayout("owner", FieldType.I64, 8, 8, -1, 0, List.of()),
                new FieldLayout("level", FieldType.I32, 16, 4, 0, 0, List.of()))));
        try (EmbeddedBackend backend = EmbeddedBackend.open(dir, NO_FSYNC.withSnapshotsEvery(0, 0), List.of(grown))) {
            MemorySegment row = MemorySegment.ofArray(new byte[24]);
            long id = backend.lookup(0, 0, io.hetu.schema.Key.ofLong(grown.layout().field("owner"), 7L));
            assertTrue(backend.read(0, id, row, 0) > 0);
            assertEquals(1.5f, row.get(Layouts.F32, 0));
            assertEquals(-2f, row.get(Layouts.F32, 4));
            assertEquals(7L, row.get(Layouts.I64, 8));
            assertEquals(0, row.get(Layouts.I8, 20), "the new nullable column starts null");
            long other = backend.lookup(0, 0, io.hetu.schema.Key.ofLong(grown.layout().field("owner"), 8L));
            assertTrue(backend.read(0, other, row, 0) > 0, "rows replayed from the log migrate too");
            assertEquals(3f, row.get(Layouts.F32, 0));
        }
    }

    @Test
    void killNineNeverLosesAnAcknowledgedCommit() throws Exception {
        Random random = new Random();
        long next = 1;
        for (int round = 0; round < 20; round++) {
            Process child = new ProcessBuilder(javaCommand(), "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(),
                    Long.toString(next), "always")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long acknowledged = next - 1;
            long killAt = System.nanoTime() + (200 + random.nextInt(600)) * 1_000_000L;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (System.nanoTime() < killAt && (line = out.readLine()) != null) {
                    acknowledged = Long.parseLong(line.trim());
                }
                child.destroyForcibly();
                child.waitFor();
            }
            long last = acknowledged;
            try (Database db = Embedded.open(dir, NO_FSYNC, List.of(AccountTable.TABLE, PresenceTable.TABLE))) {
                long found = db.transact(0, tx -> {
                    long n = 0;
                    for (long owner = 1; owner <= last; owner++) {
                        AccountRow row = tx.getBy(AccountTable.OWNER, owner);
                        assertNotNull(row, "acknowledged account " + owner + " is missing after kill -9");
                        assertEquals(owner * 3, row.balance());
                        n++;
                    }
                    return n;
                });
                assertEquals(last, found);
                // A commit made durable but not yet acknowledged may be there too; continue after it.
                long probe = last + 1;
                while (true) {
                    long owner = probe;
                    if (db.transact(0, tx -> tx.getBy(AccountTable.OWNER, owner)) == null) {
                        break;
                    }
                    probe++;
                }
                next = probe;
            }
        }
        assertTrue(next > 20, "the child committed across the rounds, reached owner " + next);
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** A descriptor written by hand, standing for another version of the Position component. */
    private record HandMadeTable(String layoutHash, RowLayout layout) implements TableDescriptor<Position, PositionRow> {
        @Override
        public String name() {
            return "Position";
        }

        @Override
        public String namespace() {
            return "test";
        }

        @Override
        public Permission permission() {
            return Permission.USER;
        }

        @Override
        public RlsRule rls() {
            return null;
        }

        @Override
        public TableKind kind() {
            return TableKind.GENERIC;
        }

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public List<IndexDef> indexes() {
            return List.of(new IndexDef("owner", true));
        }

        @Override
        public Class<Position> recordType() {
            return Position.class;
        }

        @Override
        public PositionRow newRow() {
            throw new UnsupportedOperationException("rows of this hand-made layout are read as bytes");
        }
    }

    @Test
    void aSnapshotIsWrittenAfterTheConfiguredNumberOfCommits() throws Exception {
        try (Database db = Embedded.open(dir, NO_FSYNC.withSnapshotsEvery(5, 0), List.of(ItemTable.TABLE))) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                db.run(0, tx -> tx.insert(ItemTable.TABLE, new Item(n, "item-" + n, n, n)));
            }
            awaitSnapshot();
        }
    }

    @Test
    void aSnapshotIsWrittenAfterTheConfiguredTime() throws Exception {
        try (Database db = Embedded.open(dir, NO_FSYNC.withSnapshotsEvery(0, 1), List.of(ItemTable.TABLE))) {
            db.run(0, tx -> tx.insert(ItemTable.TABLE, new Item(1, "item-1", 1, 1)));
            awaitSnapshot();
        }
    }

    private void awaitSnapshot() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".snap"))) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no snapshot within 30 s");
            Thread.sleep(100);
        }
    }
}
