package io.hetu.sdk.csharp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.sdk.ErrorClosingServer;
import io.hetu.sdk.LargeCommit;
import io.hetu.sdk.OnceCalls;
import io.hetu.sdk.fixtures.GadgetRow;
import io.hetu.sdk.fixtures.GadgetTable;
import io.hetu.sdk.fixtures.Mood;
import io.hetu.sdk.fixtures.StandingTable;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.test.Link;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated C# SDK, compiled with mcs and run on Mono, against a live in-process server. */
class CSharpMonoEndToEndTest {

    @TempDir
    Path dir;

    private App app;
    private Database database;
    private HetuServer server;

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        database = Embedded.inMemory(app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        database.close();
    }

    private String url() {
        return "ws://127.0.0.1:" + server.port() + "/hetu";
    }

    /** Compiles the SDK with one program (and the checks it counts with) into {@code <name>.exe}. */
    private Path build(String program) throws Exception {
        List<Path> sources = new ArrayList<>(CSharpSdkFixture.writeSdk(dir.resolve("sdk")));
        sources.add(CSharpSdkFixture.program(program + ".cs"));
        sources.add(CSharpSdkFixture.program("Checks.cs"));
        Path exe = dir.resolve(program + ".exe");
        CSharpSdkFixture.compile(dir, List.of("-out:" + exe), sources);
        return exe;
    }

    @Test
    void callsSubscriptionsAndEveryColumnTypeOnMono() throws Exception {
        String mono = CSharpSdkFixture.tool("mono");
        Path exe = build("E2eProgram");
        CSharpSdkFixture.Result result = CSharpSdkFixture.run(dir, List.of(mono, "--debug", exe.toString(), url()));
        String out = result.output();
        assertFalse(out.contains("FAIL"), out);
        Matcher summary = Pattern.compile("SUMMARY checks=(\\d+) failures=0").matcher(out);
        assertTrue(summary.find(), out);
        // 59 checks, then per posted standing (30) one for the board and one for the podium, then four more.
        assertEquals(59 + 30 * 2 + 4, Integer.parseInt(summary.group(1)), "every check ran:\n" + out);
        assertEquals(0, result.exitCode(), out);
        for (String check : List.of("ok rejection code", "ok extremes min", "ok multi-byte name", "ok negative instant nanos",
                "ok null int", "ok spot owner", "ok delete when out of range", "ok no updates after unsubscribe",
                "ok the board keeps ten", "ok rows left the podium as deletes",
                "ok CompareListOrder orders text by code point")) {
            assertTrue(out.contains(check), check + " missing:\n" + out);
        }
        long saved = database.transact(0, tx -> {
            var row = tx.getBy(GadgetTable.OWNER, 7L);
            return row.level() == 30 && row.mood() == Mood.HAPPY ? 1L : 0L;
        });
        assertEquals(1L, saved, "the C# client's writes reached the server's store");
        assertEquals(10, (int) database.transact(0, tx -> tx.size(StandingTable.LIST, 3)), "the stored board");
    }

    @Test
    void afterACallWhenSeenOfItsSeqCompletesOnceTheSubscriptionsHoldItsWrites() throws Exception {
        Path exe = build("SeenProgram");
        CSharpSdkFixture.Result result = CSharpSdkFixture.run(dir, List.of(CSharpSdkFixture.tool("mono"), "--debug",
                exe.toString(), url()));
        String out = result.output();
        assertFalse(out.contains("FAIL"), out);
        // Twenty moves, then that LastCallSeq grew, the fill, the wait, and CLOSED.
        assertTrue(out.contains("SUMMARY checks=24 failures=0"), out);
        assertTrue(out.contains("ok a write no subscription covers leaves WhenSeenAsync waiting"), out);
        assertEquals(0, result.exitCode(), out);
    }

    @Test
    void aCommitOfSeveralUpdateFramesReachesTheAppAtOnce() throws Exception {
        server.close();
        server = HetuServer.start(app, database,
                LargeCommit.roomFor(ServerConfig.defaults().withHost("127.0.0.1").withPort(0)));
        Path exe = build("LargeCommitProgram");
        CSharpSdkFixture.Result result = CSharpSdkFixture.run(dir, List.of(CSharpSdkFixture.tool("mono"), "--debug",
                exe.toString(), url(), Integer.toString(LargeCommit.ROWS)));
        String out = result.output();
        assertEquals(0, result.exitCode(), out);
        int both = LargeCommit.ROWS + 65_535;
        assertTrue(out.contains("SUMMARY inserts=" + both + " sizes=" + LargeCommit.ROWS + "," + both + "\n"),
                "the app saw the cache only between commits, the one of exactly 65,535 ended by an empty UPDATE:\n" + out);
    }

    @Test
    void reconnectsResubscribesAndReconcilesWhatChangedWhileAway() throws Exception {
        String mono = CSharpSdkFixture.tool("mono");
        Path exe = build("ReconnectProgram");
        database.run(0, tx -> {
            for (long owner = 1; owner <= 3; owner++) {
                GadgetRow row = tx.upsert(GadgetTable.OWNER, owner);
                row.level((int) owner * 10).name("g" + owner);
            }
        });
        int port = server.port();
        String output;
        try (Running client = new Running(List.of(mono, "--debug", exe.toString(), url()))) {
            // The client says READY once subscribed.
            client.awaitLine("READY", "the client did not get ready");
            server.close();
            server = null;
            database.run(0, tx -> {
                tx.upsert(GadgetTable.OWNER, 2L).level(21).name("changed");
                tx.delete(GadgetTable.TABLE, tx.id(tx.getBy(GadgetTable.OWNER, 3L)));
                tx.upsert(GadgetTable.OWNER, 4L).level(40).name("new");
            });
            server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(port));
            output = client.finish();
            assertEquals(0, client.process.exitValue(), output);
        }
        assertFalse(output.contains("FAIL"), output);
        assertTrue(output.contains("SUMMARY checks=16 failures=0"), output);
        assertTrue(output.contains("ok inserted while away") && output.contains("ok spot subscription resumed"), output);
    }

    @Test
    void aCallWhoseReplyIsLostWithTheConnectionIsSentAgainAndRunsOnce() throws Exception {
        String mono = CSharpSdkFixture.tool("mono");
        Path exe = build("OnceProgram");
        String output;
        try (Link relay = Link.to(server.port());
                Running client = new Running(List.of(mono, "--debug", exe.toString(),
                        "ws://127.0.0.1:" + relay.port() + "/hetu"))) {
            client.awaitLine("READY", "the client did not get ready");
            relay.holdReplies();
            client.write("go");
            client.awaitLine("SENT", "the client did not send the call");
            OnceCalls.awaitSteps(database, 11, 2);
            relay.cut();
            relay.restore();
            output = client.finish();
            assertEquals(0, client.process.exitValue(), output);
        }
        assertFalse(output.contains("FAIL"), output);
        assertTrue(output.contains("SUMMARY checks=6 failures=0"), output);
        assertEquals(3, OnceCalls.steps(database, 11), "the lost call ran once:\n" + output);
    }

    @Test
    void aLoginAsAnotherUserRenewsTheCachesEvenWithACancelInFlight() throws Exception {
        String mono = CSharpSdkFixture.tool("mono");
        Path exe = build("SessionsProgram");
        CSharpSdkFixture.Result result = CSharpSdkFixture.run(dir, List.of(mono, "--debug", exe.toString(), url()));
        String out = result.output();
        assertFalse(out.contains("FAIL"), out);
        assertTrue(out.contains("SUMMARY checks=12 failures=0"), out);
        assertEquals(0, result.exitCode(), out);
        assertEquals(71, (int) database.transact(0, tx -> tx.getBy(GadgetTable.OWNER, 301L).level()),
                "the writes made during the renewal reached the store");
    }

    @Test
    void afterEachErrorCodeTheClientReconnectsOrClosesAsTheRuleSays() throws Exception {
        String mono = CSharpSdkFixture.tool("mono");
        Path exe = build("AfterErrorProgram");
        try (ErrorClosingServer stand = new ErrorClosingServer(); ErrorClosingServer dropping = new ErrorClosingServer()) {
            CSharpSdkFixture.Result result = CSharpSdkFixture.run(dir, List.of(mono, "--debug", exe.toString(),
                    "ws://127.0.0.1:" + stand.port(), String.join(",", ErrorClosingServer.AFTER_ERROR.keySet()),
                    "ws://127.0.0.1:" + dropping.port() + "/NONE"));
            String out = result.output();
            assertEquals(0, result.exitCode(), out);
            Map<String, String> outcomes = new LinkedHashMap<>();
            Matcher line = Pattern.compile("AFTER (\\S+) (\\S+)").matcher(out);
            while (line.find()) {
                outcomes.put(line.group(1), line.group(2));
            }
            assertEquals(ErrorClosingServer.AFTER_ERROR, outcomes, out);
            assertTrue(out.contains("IN_FLIGHT DISCONNECTED\n"),
                    "a call in flight when the connection dropped, without a SessionStart, failed:\n" + out);
        }
    }

    /** A program running on Mono, its output read line by line as it comes. */
    private final class Running implements AutoCloseable {

        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder out = new StringBuilder();
        private final Thread reader;

        Running(List<String> command) throws IOException {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (out) {
                            out.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
        }

        /** Waits for the line {@code expected}; fails at a FAIL or SUMMARY line first. Hang guards only. */
        void awaitLine(String expected, String failure) throws InterruptedException {
            for (String line = ""; !line.equals(expected); ) {
                line = lines.poll(120, TimeUnit.SECONDS);
                assertTrue(line != null && !line.startsWith("FAIL") && !line.startsWith("SUMMARY"),
                        failure + ":\n" + output());
            }
        }

        /** Writes a line to the program's standard input. */
        void write(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** Waits for the program to end; all it printed. */
        String finish() throws InterruptedException {
            assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the client did not finish:\n" + output());
            reader.join();
            return output();
        }

        String output() {
            synchronized (out) {
                return out.toString();
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
