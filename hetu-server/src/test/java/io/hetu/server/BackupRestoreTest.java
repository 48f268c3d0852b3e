package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.TableDescriptor;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.cli.HetuCli;
import io.hetu.storage.Database;
import io.hetu.storage.durability.Backups;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.embedded.EmbeddedBackend;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.wire.Protocol;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hetu backup} against a live server under load, then {@code hetu restore} whole, to a seq
 * and to a time, each compared row by row with what the server held at that seq (mirrored from its
 * change feed); a backup killed with SIGKILL halfway, and damaged backups.
 */
class BackupRestoreTest {

    private static final String SECRET = "backup-test-secret-0123456789";

    @TempDir
    Path tmp;

    private App app;
    private Path data;
    private Database database;
    private HetuServer server;
    private Path secretFile;
    /** Every commit's changes, in seq order: the server's state at any seq, for comparison. */
    private final List<Commit> history = new CopyOnWriteArrayList<>();

    record Commit(long seq, List<RowChange> changes) {}

    record RowChange(int table, ChangeKind kind, long id, String row) {}

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        data = tmp.resolve("data");
        // Small segments and no automatic snapshot: the test decides when one is taken.
        database = Embedded.open(data, DurabilityConfig.defaults().withSegmentBytes(16 << 10).withSnapshotsEvery(0, 0),
                app.tables());
        database.addChangeListener(changes -> {
            List<RowChange> rows = new ArrayList<>();
            for (Change change : changes.changes()) {
                if (change.table().durable()) {
                    rows.add(new RowChange(change.tableNumber(), change.kind(), change.id(),
                            change.after() == null ? null : hex(change.after().toArray(ValueLayout.JAVA_BYTE))));
                }
            }
            history.add(new Commit(changes.seq(), rows));
        });
        // The load below calls as fast as replies come back, which on an idle machine is more than
        // the default request budget of 1,000 a second (the server would close it with RATE).
        Limits usual = Limits.defaults();
        Limits unthrottled = new Limits(usual.maxFrameBytes(), usual.maxOutboundBytes(), usual.maxSubscriptions(),
                usual.maxSubscribedRows(), 1_000_000, usual.handshakeTimeout(), usual.idleTimeout());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withLimits(unthrottled), AdminConfig.defaults().withSecret(SECRET).withDataDirectory(data));
        secretFile = Files.writeString(tmp.resolve("secret"), SECRET + "\n");
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Clients that keep calling systems that write, until stopped. */
    private final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Load(int clients) throws Exception {
            int mark = TestSystems.id(app, "mark");
            int label = TestSystems.id(app, "label");
            for (int c = 0; c < clients; c++) {
                TestClient client = TestClient.greeted(server.port(), app.schemaHash());
                int seed = c;
                threads.add(Thread.ofPlatform().start(() -> {
                    try (client) {
                        for (int i = 0; running.get(); i++) {
                            long owner = (seed * 7919L + i * 31L) % 400;
                            if (i % 3 == 0) {
                                client.send(new Message(Protocol.CALL).i32(i).u16(label).i64(owner)
                                        .string(Integer.toString(i % 10_000)));
                            } else {
                                client.send(new Message(Protocol.CALL).i32(i).u16(mark).i64(owner).i32(i * 13 + seed));
                            }
                            ByteBuffer reply = client.poll(30_000);
                            if (reply == null) {
                                throw new AssertionError("a call was not answered in 30 s");
                            }
                            if (reply.get(0) != Protocol.RESULT && !rejectedForConflict(reply)) {
                                throw new AssertionError("a call was answered with 0x"
                                        + Integer.toHexString(reply.get(0) & 0xFF) + " " + rejection(reply)
                                        + (reply.get(0) == Protocol.ERROR ? " (ERROR " + errorText(reply) + ")" : ""));
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
        }

        /** Two clients marking one owner at once: the loser may run out of retries, which is not a failure. */
        private static boolean rejectedForConflict(ByteBuffer reply) {
            return reply.get(0) == Protocol.REJECTED && rejection(reply).startsWith("CONFLICT");
        }

        /** An ERROR frame's code and message. */
        private static String errorText(ByteBuffer reply) {
            return codeAndMessage(reply, 1);
        }

        /** A REJECTED frame's code and message. */
        private static String rejection(ByteBuffer reply) {
            return reply.get(0) == Protocol.REJECTED ? codeAndMessage(reply, 5) : "";
        }

        /** The two strings (code, message) that start at {@code at} in a frame. */
        private static String codeAndMessage(ByteBuffer reply, int at) {
            ByteBuffer frame = reply.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            frame.position(at);
            byte[] code = new byte[Short.toUnsignedInt(frame.getShort())];
            frame.get(code);
            byte[] message = new byte[Short.toUnsignedInt(frame.getShort())];
            frame.get(message);
            return new String(code, java.nio.charset.StandardCharsets.UTF_8) + ": "
                    + new String(message, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Fails the test with what stopped a load client, if one stopped. */
        void check() {
            Throwable stopped = failure.get();
            if (stopped != null) {
                throw new AssertionError("a load client stopped: " + stopped, stopped);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    /** Runs {@code hetu <args>} in this JVM; returns its exit code and what it printed to standard error. */
    private static Run hetu(String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new HetuCli());
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Run(code, err.toString());
    }

    record Run(int code, String err) {}

    private String endpoint() {
        return "http://127.0.0.1:" + server.port() + "/hetu";
    }

    private Run backup(Path folder, String... more) {
        List<String> args = new ArrayList<>(List.of("backup", "--to", folder.toString(), "--server", endpoint(),
                "--secret-file", secretFile.toString()));
        args.addAll(List.of(more));
        return hetu(args.toArray(String[]::new));
    }

    /** The durable rows after applying every commit up to {@code seq}: table, id, row bytes. */
    private Map<String, String> stateAt(long seq) {
        Map<String, String> rows = new TreeMap<>();
        long expected = history.getFirst().seq();
        for (Commit commit : history) {
            assertEquals(expected++, commit.seq(), "the change feed is complete");
            if (commit.seq() > seq) {
                break;
            }
            for (RowChange change : commit.changes()) {
                String key = change.table() + "/" + change.id();
                if (change.kind() == ChangeKind.DELETE) {
                    rows.remove(key);
                } else {
                    rows.put(key, change.row());
                }
            }
        }
        return rows;
    }

    /** Every durable row of a data directory, read by opening it as the server would. */
    private Map<String, String> rowsOf(Path dir) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Database restored = Embedded.open(dir, DurabilityConfig.defaults(), app.tables())) {
            List<TableDescriptor<?, ?>> tables = restored.backend().tables();
            for (int t = 0; t < tables.size(); t++) {
                if (!tables.get(t).durable()) {
                    continue;
                }
                int table = t;
                int size = tables.get(t).layout().size();
                restored.backend().scanTable(t, (id, version, row, offset) -> {
                    rows.put(table + "/" + id, hex(row.asSlice(offset, size).toArray(ValueLayout.JAVA_BYTE)));
                    return true;
                });
            }
        }
        return rows;
    }

    @Test
    void aBackupUnderLoadRestoresEveryRowWholeToASeqAndToATime() throws Exception {
        Path folder = tmp.resolve("backups");
        Instant pointInTime;
        long seqBeforePoint;
        long seqAfterPoint;
        Run run;
        try (Load load = new Load(3)) {
            Thread.sleep(700);
            long snapshotAt = ((EmbeddedBackend) database.backend()).snapshot();
            assertTrue(snapshotAt > 0);
            Thread.sleep(300);
            seqBeforePoint = database.backend().lastSeq();
            Thread.sleep(1_100); // a wall-clock second passes: a time mark after seqBeforePoint is written
            pointInTime = Instant.now();
            Thread.sleep(20);
            seqAfterPoint = database.backend().lastSeq();
            Thread.sleep(1_200);
            // A snapshot published while the (throttled) client still reads. The server may have handed
            // the small backup to the socket already; BackupsTest covers a snapshot while files are pinned.
            Run[] result = new Run[1];
            Thread running = Thread.ofPlatform().start(() -> result[0] = backup(folder, "--max-bytes-per-second",
                    "400000"));
            waitForPartial(folder);
            assertTrue(((EmbeddedBackend) database.backend()).snapshot() > snapshotAt);
            running.join();
            run = result[0];
            assertEquals(0, run.code(), run.err());
            // Commits go on after the backup; on a loaded machine the next one may take a while.
            long backedUp = Backups.find(folder).lastSeq();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (database.backend().lastSeq() <= backedUp && System.nanoTime() < deadline) {
                load.check();
                Thread.sleep(20);
            }
            load.check();
        }
        Backups.Backup backup = Backups.find(folder);
        assertTrue(database.backend().lastSeq() > backup.lastSeq(), "the server went on committing");
        assertTrue(backup.lastSeq() > backup.snapshotSeq() + 100, "the backup holds a log after its snapshot: "
                + backup.snapshotSeq() + ".." + backup.lastSeq());
        assertTrue(backup.files().stream().filter(f -> f.name().endsWith(".log")).count() > 1, "several segments");

        Path whole = tmp.resolve("whole");
        Run restored = hetu("restore", "--from", folder.toString(), "--data", "embedded:" + whole);
        assertEquals(0, restored.code(), restored.err());
        Map<String, String> expected = stateAt(backup.lastSeq());
        assertTrue(expected.size() > 300, "a state worth comparing: " + expected.size() + " rows");
        assertEquals(expected, rowsOf(whole), "every row as the server held it at seq " + backup.lastSeq());

        long middle = (backup.snapshotSeq() + backup.lastSeq()) / 2;
        Path toSeq = tmp.resolve("to-seq");
        assertEquals(0, hetu("restore", "--from", folder.toString(), "--data", toSeq.toString(), "--to-seq",
                Long.toString(middle)).code());
        assertEquals(stateAt(middle), rowsOf(toSeq), "every row at seq " + middle);
        assertNotEquals(stateAt(middle), expected);

        Path toTime = tmp.resolve("to-time");
        Run timed = hetu("restore", "--from", backup.dir().toString(), "--data", toTime.toString(), "--to-time",
                pointInTime.toString());
        assertEquals(0, timed.code(), timed.err());
        long timedSeq;
        try (Database check = Embedded.open(toTime, DurabilityConfig.defaults(), app.tables())) {
            timedSeq = check.backend().lastSeq() - 1; // opening logged its catalog as one more commit
        }
        assertTrue(timedSeq <= seqAfterPoint, "nothing committed after the time: " + timedSeq + " > " + seqAfterPoint);
        assertTrue(timedSeq >= seqBeforePoint - 50, "what was committed a second before the time is kept: "
                + timedSeq + " vs " + seqBeforePoint);
        assertEquals(stateAt(timedSeq), rowsOf(toTime), "every row at seq " + timedSeq);

        Run occupied = hetu("restore", "--from", folder.toString(), "--data", whole.toString());
        assertEquals(1, occupied.code(), "a restore never writes over a data directory");
        assertTrue(occupied.err().contains("is not empty"), occupied.err());
    }

    private static void waitForPartial(Path folder) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> children = Files.list(folder)) {
                    for (Path child : children.toList()) {
                        if (child.getFileName().toString().startsWith(".partial-")) {
                            try (Stream<Path> files = Files.list(child)) {
                                if (files.findAny().isPresent()) {
                                    return;
                                }
                            }
                        }
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no backup got under way in " + folder);
    }

    @Test
    void killNineDuringABackupLeavesThePreviousBackupIntact() throws Exception {
        Path folder = tmp.resolve("backups");
        Backups.Backup first;
        try (Load load = new Load(2)) {
            Thread.sleep(500);
            assertEquals(0, backup(folder).code());
            first = Backups.find(folder);
            Thread.sleep(500);
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    HetuCli.class.getName(), "backup", "--to", folder.toString(), "--server", endpoint(), "--secret-file",
                    secretFile.toString(), "--max-bytes-per-second", "20000")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            waitForPartial(folder);
            child.destroyForcibly().waitFor();
        }
        try (Stream<Path> children = Files.list(folder)) {
            assertTrue(children.anyMatch(p -> p.getFileName().toString().startsWith(".partial-")),
                    "the kill came in the middle of the backup");
        }
        assertEquals(first.dir(), Backups.find(folder).dir(), "the killed backup is not taken for one");
        Backups.verify(first.dir(), Backups.Progress.NONE);
        Path restored = tmp.resolve("restored");
        assertEquals(0, hetu("restore", "--from", folder.toString(), "--data", restored.toString()).code());
        assertEquals(stateAt(first.lastSeq()), rowsOf(restored));

        // The server let go of the files the killed backup pinned, and the next backup clears the remains.
        assertEquals(0, backup(folder).code());
        try (Stream<Path> children = Files.list(folder)) {
            assertTrue(children.noneMatch(p -> p.getFileName().toString().startsWith(".partial-")));
        }
        assertNotEquals(first.dir(), Backups.find(folder).dir());
        Backups.verify(first.dir(), Backups.Progress.NONE);
    }

    @Test
    void aDamagedBackupIsRefusedNamingTheFileAndABadSecretIsRefused() throws Exception {
        Path folder = tmp.resolve("backups");
        try (Load load = new Load(1)) {
            Thread.sleep(300);
            ((EmbeddedBackend) database.backend()).snapshot();
            Thread.sleep(300);
        }
        assertEquals(0, backup(folder).code());
        Backups.Backup backup = Backups.find(folder);
        assertEquals(0, hetu("verify", "--from", folder.toString()).code());

        Map<String, Path> damaged = new HashMap<>();
        for (Backups.Entry entry : backup.files()) {
            if (!entry.name().endsWith(".times")) {
                damaged.put(entry.name(), backup.dir().resolve(entry.name()));
            }
        }
        assertTrue(damaged.keySet().stream().anyMatch(n -> n.startsWith("snap-")), "the backup has a snapshot");
        for (Path file : damaged.values()) {
            byte[] bytes = Files.readAllBytes(file);
            int at = bytes.length / 2;
            bytes[at] ^= 0x20;
            Files.write(file, bytes);
            Path target = tmp.resolve("restore-" + file.getFileName());
            Run refused = hetu("restore", "--from", folder.toString(), "--data", target.toString());
            assertEquals(1, refused.code(), "a damaged " + file.getFileName() + " is refused");
            assertTrue(refused.err().contains(file.toString()), "the message names the file: " + refused.err());
            assertTrue(!Files.exists(target), "nothing was restored");
            bytes[at] ^= 0x20;
            Files.write(file, bytes);
        }
        assertEquals(0, hetu("verify", "--from", backup.dir().toString()).code());

        Path wrong = Files.writeString(tmp.resolve("wrong"), "not-the-secret-0123456789");
        Run unauthorized = hetu("backup", "--to", folder.toString(), "--server", endpoint(), "--secret-file",
                wrong.toString());
        assertEquals(1, unauthorized.code());
        assertTrue(unauthorized.err().contains("401"), unauthorized.err());
    }
}
