package io.hetu.sdk.typescript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.sdk.ErrorClosingServer;
import io.hetu.sdk.LargeCommit;
import io.hetu.sdk.LiveServer;
import io.hetu.sdk.OnceCalls;
import io.hetu.sdk.fixtures.GadgetRow;
import io.hetu.sdk.fixtures.GadgetTable;
import io.hetu.sdk.fixtures.Mood;
import io.hetu.sdk.fixtures.SpotTable;
import io.hetu.sdk.fixtures.StandingTable;
import io.hetu.storage.Database;
import io.hetu.test.Link;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated SDK, compiled by tsc, in Node clients (with {@code ws}) against a real server started in this JVM:
 * calls, rejections, subscriptions updated by another client, and reconnection after a server restart.
 */
class TypeScriptNodeEndToEndTest {

    /** Guards against a hung script; not a performance expectation. */
    private static final long HANG_GUARD_SECONDS = 180;

    @TempDir
    static Path work;
    private static String node;

    private final ObjectMapper json = new ObjectMapper();
    private LiveServer live;
    private Database database;

    @BeforeAll
    static void compileTheSdk() throws Exception {
        node = NodeTools.requireNodeAndTools();
        NodeTools.compile(node, NodeTools.write(NodeTools.generate(), work.resolve("sdk")));
        copyScripts(work);
    }

    /** The scripts import {@code ../sdk/dist/index.js}, so they sit next to the compiled SDK. */
    static void copyScripts(Path work) throws IOException {
        Path scripts = Files.createDirectories(work.resolve("scripts"));
        try (Stream<Path> files = Files.list(NodeTools.SCRIPTS)) {
            for (Path script : files.toList()) {
                Files.copy(script, scripts.resolve(script.getFileName()));
            }
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        live = LiveServer.start();
        database = live.database();
    }

    @AfterEach
    void stopServer() {
        live.close();
    }

    private List<String> script(String name) {
        return List.of(node, work.resolve("scripts").resolve(name).toString(), "--url",
                live.url(), "--node-modules", NodeTools.NODE_MODULES.toString());
    }

    private JsonNode lastLine(String stdout) throws IOException {
        String[] lines = stdout.strip().split("\n");
        return json.readTree(lines[lines.length - 1]);
    }

    private static Stream<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements.stream();
    }

    private static String bigint(JsonNode node) {
        assertNotNull(node.get("$bigint"), "a bigint, got " + node);
        return node.get("$bigint").asText();
    }

    @Test
    void aNodeClientCallsEverySystemAndFollowsAnotherClientsWrites() throws Exception {
        NodeTools.Result result = NodeTools.run(work, script("e2e.mjs"));
        assertEquals(0, result.exitCode(), "the Node client's checks failed:\n" + result.describe());
        JsonNode summary = lastLine(result.stdout());

        JsonNode calls = summary.get("calls");
        assertEquals(-1.5, calls.at("/add/x").asDouble());
        assertEquals(2.25, calls.at("/add/y").asDouble());
        assertEquals(List.of("a", "b", "ç🎮"), json.convertValue(calls.get("split"), List.class));
        assertTrue(calls.get("halfNull").isNull());
        assertEquals("-4503599627370496", bigint(calls.get("halfBig")));
        assertEquals(List.of(String.valueOf(Long.MIN_VALUE), String.valueOf(Long.MAX_VALUE), "0"),
                elements(calls.get("extremes")).map(TypeScriptNodeEndToEndTest::bigint).toList());
        assertEquals(64, calls.get("inFlight").asInt());
        JsonNode rejections = summary.get("rejections");
        assertEquals("NOT_ENOUGH_GOLD", rejections.at("/refuse/code").asText());
        assertEquals("PERMISSION", rejections.at("/moveToBeforeLogin/code").asText());
        assertEquals("PERMISSION", rejections.at("/moveToByBob/code").asText());
        assertEquals(0, summary.get("spotRowsSeenByBob").asInt(), "an OWNER row is invisible to others");

        // What the subscriptions saw, in order, matches what the server stored.
        List<String> events = elements(summary.get("events"))
                .map(e -> e.get("sub").asText() + " " + e.get("kind").asText()).toList();
        assertEquals(List.of("gadgets insert", "gadgets insert", "gadgets delete", "gadgets update", "gadgets delete",
                "spot update"), events);
        JsonNode inserted = summary.at("/events/0/row");
        assertEquals("héllo✓🎮", inserted.get("name").asText());
        assertEquals(String.valueOf(-1234567890123L), bigint(inserted.get("at")));
        assertEquals("00ff80", inserted.at("/data/$bytes").asText());
        assertTrue(inserted.get("maybe").isNull() && inserted.get("note").isNull());
        assertEquals(3.0, summary.at("/events/5/row/x").asDouble());
        long firstId = Long.parseLong(bigint(summary.at("/gadgetIds/0")));
        long stored = database.transact(0, tx -> tx.id(tx.getBy(GadgetTable.OWNER, 500L)));
        assertEquals(stored, firstId, "saveGadget returned the row id the server stored");
        assertEquals(30, (int) database.transact(0, tx -> tx.getBy(GadgetTable.OWNER, 500L).level()));
        assertEquals(List.of(), json.convertValue(summary.get("errors"), List.class));
    }

    @Test
    void afterACallWhenSeenOfItsSeqResolvesOnceTheSubscriptionsHoldItsWrites() throws Exception {
        NodeTools.Result result = NodeTools.run(work, script("seen.mjs"));
        assertEquals(0, result.exitCode(), "the Node client's checks failed:\n" + result.describe());
        JsonNode summary = lastLine(result.stdout());
        List<Long> seqs = elements(summary.get("seqs")).map(n -> Long.parseLong(n.asText())).toList();
        assertEquals(20, seqs.size());
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "every move commits, so lastCallSeq grows: " + seqs);
        }
        assertEquals(3000, summary.get("filled").asInt(), "the whole commit is in the cache");
        assertTrue(summary.get("pendingWhileSubscribed").asBoolean(),
                "a write no subscription covers leaves whenSeen waiting until nothing subscribed could change");
        assertEquals("CLOSED", summary.get("closedCode").asText());
        assertEquals(List.of(), json.convertValue(summary.get("errors"), List.class));
    }

    @Test
    void aNodeClientFollowsALiveTopThreeAndAWholeSortedList() throws Exception {
        NodeTools.Result result = NodeTools.run(work, script("lists.mjs"));
        assertEquals(0, result.exitCode(), "the Node client's checks failed:\n" + result.describe());
        JsonNode summary = lastLine(result.stdout());
        List<String> stored = database.transact(0, tx -> tx.list(StandingTable.LIST, 1).stream()
                .map(r -> r.player() + ":" + r.points() + ":" + r.name()).toList());
        assertEquals(10, stored.size(), "the list is capped at ten");
        assertEquals(stored, json.convertValue(summary.get("whole"), List.class));
        assertEquals(stored.subList(0, 3), json.convertValue(summary.get("top"), List.class));
        assertTrue(summary.at("/events/delete").asInt() > 0 && summary.at("/events/insert").asInt() > 3,
                "rows entered and left the top three: " + summary.get("events"));
        assertEquals(List.of(), json.convertValue(summary.get("errors"), List.class));
    }

    @Test
    void aRateLimitedSystemRefusesTheCallsPastItsBurstAndSaysWhenToCallAgain() throws Exception {
        NodeTools.Result result = NodeTools.run(work, script("limits.mjs"));
        assertEquals(0, result.exitCode(), "the Node client's checks failed:\n" + result.describe());
        JsonNode summary = lastLine(result.stdout());
        assertEquals(List.of(1, 2), json.convertValue(summary.get("results"), List.class));
        assertEquals(List.of("RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"),
                json.convertValue(summary.get("codes"), List.class));
        assertTrue(summary.get("message").asText().contains("limited allows 1 call(s) a second, 2 at once"),
                summary.get("message").asText());
        assertEquals(6, summary.get("after").asInt(), "after the wait it says, a call runs");
        assertEquals("open", summary.get("state").asText(), "a rejection leaves the connection open");
    }

    @Test
    void aCallWhoseReplyIsLostWithTheConnectionIsSentAgainAndRunsOnce() throws Exception {
        try (Link relay = Link.to(live.port())) {
            List<String> command = new ArrayList<>(script("once.mjs"));
            command.set(command.indexOf(live.url()), "ws://127.0.0.1:" + relay.port() + "/hetu");
            Process process = NodeTools.start(work, command);
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                Thread errors = Thread.ofVirtual().start(() -> System.err.print(
                        new String(NodeTools.readAll(process.getErrorStream()), StandardCharsets.UTF_8)));
                assertEquals("ready", json.readTree(out.readLine()).get("event").asText());
                relay.holdReplies();
                process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
                assertEquals("sent", json.readTree(out.readLine()).get("event").asText());
                OnceCalls.awaitSteps(database, 11, 2);
                relay.cut();
                relay.restore();
                JsonNode done = json.readTree(out.readLine());
                assertTrue(process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS), "the client did not finish");
                errors.join();
                assertEquals(1, done.get("before").asInt());
                assertEquals(2, done.get("first").asInt(), "the lost call resolved with its first run's result");
                assertEquals(3, done.get("next").asInt(), "and did not run again: the next call is the third run");
                assertEquals(3, OnceCalls.steps(database, 11));
                assertTrue(json.convertValue(done.get("states"), List.class).contains("reconnecting"));
                assertTrue(done.get("errors").isEmpty(), "no errors reached onError: " + done.get("errors"));
            } finally {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aNodeClientReconnectsResumesItsSubscriptionsAndReconcilesWhatChangedWhileAway() throws Exception {
        Process process = NodeTools.start(work, script("reconnect.mjs"));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder stderr = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lines.add("<end>");
            }
        });
        Thread errors = Thread.ofVirtual().start(() -> stderr.append(
                new String(NodeTools.readAll(process.getErrorStream()), StandardCharsets.UTF_8)));
        try {
            String ready = lines.poll(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            if (ready == null || !ready.contains("\"ready\"")) {
                errors.join();
                fail("the client did not get ready: " + ready + "\n" + stderr);
            }

            live.stop();
            database.run(0, tx -> {
                tx.upsert(GadgetTable.OWNER, 101L).name("changed");
                tx.delete(GadgetTable.TABLE, tx.id(tx.getBy(GadgetTable.OWNER, 102L)));
                tx.upsert(GadgetTable.OWNER, 103L).level(50).name("away").mood(Mood.HAPPY);
                tx.upsert(SpotTable.OWNER, 7L).x(9f);
            });
            live.startAgain();

            assertTrue(process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS), "the client did not finish");
            errors.join();
            List<String> output = new ArrayList<>();
            for (String line = lines.poll(HANG_GUARD_SECONDS, TimeUnit.SECONDS); line != null && !line.equals("<end>");
                    line = lines.poll(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                output.add(line);
            }
            assertEquals(0, process.exitValue(), "the Node client's checks failed:\n" + output + "\n" + stderr);
            assertTrue(!output.isEmpty(), "the client printed its summary");
            JsonNode done = json.readTree(output.getLast());
            assertEquals("done", done.get("event").asText());

            Set<String> reconciled = new HashSet<>();
            done.get("reconciled").forEach(e -> reconciled.add(e.get("sub").asText() + " " + e.get("kind").asText()
                    + " " + bigint(e.get("owner")) + " " + (e.get("name").isNull() ? e.get("x").asText()
                    : e.get("name").asText())));
            assertEquals(Set.of("gadgets delete 102 g102", "gadgets update 101 changed", "gadgets insert 103 away",
                    "spot update 7 9"), reconciled);
            assertEquals(4, done.get("reconciled").size(), "each change fires once");
            assertEquals(List.of("100", "101", "103", "104"),
                    elements(done.get("owners")).map(TypeScriptNodeEndToEndTest::bigint).toList());
            assertEquals(List.of("after", "away", "changed", "g100"),
                    json.convertValue(done.get("names"), List.class));
            assertEquals(5.0, done.get("spotX").asDouble());
            List<String> states = json.convertValue(done.get("states"), List.class);
            assertTrue(states.size() >= 2 && states.getFirst().equals("reconnecting") && states.getLast().equals("open"),
                    "the client went through reconnecting back to open: " + states);
            assertTrue(done.get("errors").isEmpty(), "no errors reached onError: " + done.get("errors"));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void cancelsDuringRenewalsLoginsAsAnotherUserAndAKickWithoutOnErrorLeaveEveryClientConsistent() throws Exception {
        NodeTools.Result result = NodeTools.run(work, script("sessions.mjs"));
        assertEquals(0, result.exitCode(), "the Node client's checks failed:\n" + result.describe());
        JsonNode summary = lastLine(result.stdout());
        List<String> states = json.convertValue(summary.get("states"), List.class);
        assertEquals(summary.get("rounds").asInt(), states.stream().filter("reconnecting"::equals).count(),
                "each dropped socket was reconnected, none ended the client: " + states);
        assertEquals(List.of("8"), elements(summary.get("ownersAtLogin")).map(TypeScriptNodeEndToEndTest::bigint)
                .toList(), "when login() resolves, the cache holds the new user's rows only");
        assertEquals(List.of("delete 7", "insert 8"), json.convertValue(summary.get("eventsAtLogin"), List.class));
        assertEquals(List.of("8"), elements(summary.get("ownersAfter")).map(TypeScriptNodeEndToEndTest::bigint)
                .toList());
        assertEquals(0, summary.get("gadgetEvents").asInt(), "a result the login does not change fires nothing");
        assertEquals("closed", json.convertValue(summary.get("otherStates"), List.class).getLast(),
                "the kicked client closed (and its process lived on to print this)");
        List<String> warnings = json.convertValue(summary.get("warnings"), List.class);
        assertEquals(1, warnings.size(), "the kick without onError is one warning: " + warnings);
        assertTrue(warnings.getFirst().contains("HetuError KICKED"), warnings.getFirst());
        assertEquals("HetuRejection NO_WAY: refused: NO_WAY", summary.get("rejection").asText());
        assertEquals(List.of(), json.convertValue(summary.get("errors"), List.class));
        int level = database.transact(0, tx -> tx.getBy(GadgetTable.OWNER, 200L).level());
        assertEquals(60 + summary.get("rounds").asInt(), level, "every write made while a cancel was in flight was applied");
    }

    @Test
    void aCommitOfSeveralUpdateFramesReachesTheAppAtOnce() throws Exception {
        live.startAgain(LargeCommit::roomFor);
        List<String> command = new ArrayList<>(script("large-commit.mjs"));
        command.addAll(List.of("--count", Integer.toString(LargeCommit.ROWS)));
        NodeTools.Result result = NodeTools.run(work, command);
        assertEquals(0, result.exitCode(), "the Node client's checks failed:\n" + result.describe());
        JsonNode summary = lastLine(result.stdout());
        assertEquals(LargeCommit.ROWS, summary.get("inserts").asInt(), summary.toString());
        assertTrue(summary.get("seqAdvancedAtFirstInsert").asBoolean(), "the commit's seq is applied with its first event");
        assertEquals(LargeCommit.ROWS, summary.get("rowsAfterFirstInsert").asInt(),
                "no code runs between the frames of one commit: " + summary);
    }

    @Test
    void afterEachErrorCodeTheClientReconnectsOrClosesAsTheRuleSays() throws Exception {
        try (ErrorClosingServer stand = new ErrorClosingServer(); ErrorClosingServer future = new ErrorClosingServer(3)) {
            NodeTools.Result result = NodeTools.run(work, List.of(node, work.resolve("scripts/after-error.mjs").toString(),
                    "--url", "ws://127.0.0.1:" + stand.port(), "--node-modules", NodeTools.NODE_MODULES.toString(),
                    "--codes", String.join(",", ErrorClosingServer.AFTER_ERROR.keySet()),
                    "--version-url", "ws://127.0.0.1:" + future.port() + "/KICKED"));
            assertEquals(0, result.exitCode(), "the Node client's checks failed:\n" + result.describe());
            JsonNode summary = lastLine(result.stdout());
            assertEquals(ErrorClosingServer.AFTER_ERROR, json.convertValue(summary.get("outcomes"), Map.class));
            assertEquals(List.of("KICKED"), json.convertValue(summary.at("/reported/KICKED"), List.class),
                    "the error that closed the connection reached onError");
            String refusal = summary.get("versionRefusal").asText();
            assertTrue(refusal.startsWith("PROTOCOL: ") && refusal.contains("protocol version 3"),
                    "a first connect to a server of another protocol version fails with PROTOCOL: " + refusal);
        }
    }
}
