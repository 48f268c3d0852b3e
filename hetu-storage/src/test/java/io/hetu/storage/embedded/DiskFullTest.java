package io.hetu.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.fixtures.Item;
import io.hetu.storage.fixtures.ItemTable;
import io.hetu.system.CommitOutcomeUnknownException;
import io.hetu.system.StorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real disk that fills: a 3 MiB tmpfs, filled by another file. Mounting needs root; where it
 * is refused the test is skipped (and says so), and LogFailureTest covers the same states with
 * injected faults.
 */
class DiskFullTest {
    private static final DurabilityConfig CONFIG = DurabilityConfig.defaults().withFsync(FsyncPolicy.ALWAYS)
            .withSnapshotsEvery(0, 0);
    private static final String NO_SPACE = "No space left on device";
    private static Path mount;

    @BeforeAll
    static void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory("hetu-disk-full");
        Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            Files.deleteIfExists(mount);
            mount = null;
            System.err.println("SKIPPED DiskFullTest: cannot mount a tmpfs here (" + output + ")");
            Assumptions.abort("cannot mount a tmpfs here: " + output);
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void aFullDiskRefusesCommitsUnappliedThenResumesAndARestartKeepsExactlyWhatWasApplied() throws Exception {
        Path data = mount.resolve("data");
        Path filler = mount.resolve("filler");
        List<String> acknowledged = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        String refused = null;
        try (Database db = Embedded.open(data, CONFIG, List.of(ItemTable.TABLE))) {
            for (int i = 0; i < 10; i++) {
                acknowledged.add(insert(db, i));
            }
            fill(filler);
            for (int i = 10; i < 100_000 && refused == null; i++) {
                String name = "item-" + i;
                try {
                    insert(db, i);
                    acknowledged.add(name); // the last page of the segment had room left
                } catch (CommitOutcomeUnknownException e) {
                    assertTrue(e.getMessage().contains("may or may not") && e.getMessage().contains(NO_SPACE),
                            e.getMessage());
                    unknown.add(name);
                } catch (StorageException e) {
                    assertTrue(e.getMessage().contains("refused and not applied") && e.getMessage().contains(NO_SPACE),
                            e.getMessage());
                    refused = name;
                }
            }
            assertNotNull(refused, "the full disk refused no commit");
            assertFalse(unknown.isEmpty(), "the commit being written when the disk filled reports an unknown outcome");
            String notApplied = refused;
            assertNull(db.transact(0, tx -> tx.getBy(ItemTable.NAME, notApplied)), "a refused commit is not applied");
            assertTrue(db.durable(db.backend().lastSeq()).isCompletedExceptionally(),
                    "no read of the commits the log lost can be confirmed as durable");

            Files.delete(filler);
            awaitAccepted(db, refused);
        }
        try (Database db = Embedded.open(data, CONFIG, List.of(ItemTable.TABLE))) {
            for (String name : acknowledged) {
                assertNotNull(db.transact(0, tx -> tx.getBy(ItemTable.NAME, name)), name + " was acknowledged");
            }
            for (String name : unknown) {
                assertNotNull(db.transact(0, tx -> tx.getBy(ItemTable.NAME, name)),
                        name + " was written when the log resumed");
            }
            String retried = refused;
            assertNotNull(db.transact(0, tx -> tx.getBy(ItemTable.NAME, retried)), "the retry was applied");

            fill(filler);
            StorageException onClose = null;
            for (int i = 200_000; i < 300_000 && onClose == null; i++) {
                try {
                    insert(db, i);
                } catch (StorageException e) {
                    onClose = assertThrows(StorageException.class, db::close, "a close after the failure says so");
                }
            }
            assertNotNull(onClose, "the full disk refused no commit");
            assertTrue(onClose.getMessage().contains(NO_SPACE), onClose.getMessage());
        }
        IOException atStart = assertThrows(IOException.class, () -> Embedded.open(data, CONFIG, List.of(ItemTable.TABLE)));
        assertTrue(atStart.getMessage().contains("bytes free"), atStart.getMessage());
        Files.delete(filler);
        try (Database db = Embedded.open(data, CONFIG, List.of(ItemTable.TABLE))) {
            String retried = refused;
            assertNotNull(db.transact(0, tx -> tx.getBy(ItemTable.NAME, retried)));
        }
    }

    private static String insert(Database db, int i) {
        String name = "item-" + i;
        db.run(0, tx -> tx.insert(ItemTable.TABLE, new Item(i % 7, name, i, i)));
        return name;
    }

    /** Writes {@code file} until the disk is full. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains(NO_SPACE), full.toString());
        }
    }

    /** Retries the refused commit until the log resumed and took it. */
    private static void awaitAccepted(Database db, String name) throws InterruptedException {
        int i = Integer.parseInt(name.substring("item-".length()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                insert(db, i);
                return;
            } catch (StorageException refused) {
                assertFalse(refused instanceof CommitOutcomeUnknownException, refused.getMessage());
                assertTrue(System.nanoTime() < deadline, "writes did not resume within 30 s after space was freed");
                Thread.sleep(100);
            }
        }
    }
}
