package io.hetu.sdk.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.sdk.ErrorClosingServer;
import io.hetu.sdk.LargeCommit;
import io.hetu.sdk.LiveServer;
import io.hetu.sdk.OnceCalls;
import io.hetu.sdk.fixtures.GadgetTable;
import io.hetu.sdk.fixtures.Mood;
import io.hetu.sdk.fixtures.SpotTable;
import io.hetu.sdk.fixtures.StandingTable;
import io.hetu.storage.Database;
import io.hetu.test.Link;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Java SDK, compiled by javac with the test programs ({@code src/test/javaclient}), in clients in
 * this JVM against a real server started here on a loopback port: every system and value type, rejections,
 * subscriptions updated by another client, sorted lists, reconnection after a server restart, sessions, a commit of
 * several frames, and what the client does after each ERROR code.
 */
class JavaClientEndToEndTest {

    /** Guards against a hung program; not a performance expectation. */
    private static final long HANG_GUARD_SECONDS = 180;

    @TempDir
    static Path work;
    private static URLClassLoader programs;

    private LiveServer live;
    private Database database;

    @BeforeAll
    static void compileTheSdkAndThePrograms() throws Exception {
        List<Path> sources = new ArrayList<>(JavaSdkFixture.write(JavaSdkFixture.generate(), work.resolve("src")));
        sources.addAll(JavaSdkFixture.programs("E2eProgram", "ListsProgram", "ReconnectProgram", "SessionsProgram",
                "LargeCommitProgram", "AfterErrorProgram", "OnceProgram", "SeenProgram"));
        JavaSdkFixture.compile(sources, work.resolve("classes"));
        programs = JavaSdkFixture.load(work.resolve("classes"));
    }

    @AfterAll
    static void unload() throws IOException {
        if (programs != null) {
            programs.close();
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

    private String url() {
        return live.url();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String program, Map<String, Object> args) throws Exception {
        Function<Map<String, Object>, Map<String, Object>> main = (Function<Map<String, Object>, Map<String, Object>>)
                programs.loadClass("io.hetu.sdktest.programs." + program).getConstructor().newInstance();
        return main.apply(args);
    }

    /** Runs the program on another thread, for a test that acts on what it signals while it runs. */
    private static CompletableFuture<Map<String, Object>> start(String program, Map<String, Object> args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(program, args);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits for a program started with {@link #start} to complete {@code signal}; fails if it ends first. */
    private static void awaitSignal(CompletableFuture<?> signal, CompletableFuture<?> done, String what)
            throws Exception {
        CompletableFuture.anyOf(signal, done).get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        assertTrue(signal.isDone(), what + ": " + done);
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(Map<String, Object> summary, String key) {
        assertTrue(summary.containsKey(key), "the program's summary has " + key + ": " + summary);
        return (T) summary.get(key);
    }

    @Test
    void afterACallWhenSeenOfItsSeqCompletesOnceTheSubscriptionsHoldItsWrites() throws Exception {
        Map<String, Object> summary = run("SeenProgram", Map.of("url", url()));
        List<Long> seqs = get(summary, "seqs");
        assertEquals(20, seqs.size());
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "every move commits, so lastCallSeq grows: " + seqs);
        }
        assertEquals(3000, (int) get(summary, "filled"), "the whole commit is in the cache");
        boolean pending = get(summary, "pendingWhileSubscribed");
        assertTrue(pending, "a write no subscription covers leaves whenSeen waiting until nothing subscribed could change");
        assertEquals("CLOSED", get(summary, "closedCode"));
        assertEquals(List.of(), get(summary, "errors"));
    }

    @Test
    void aJavaClientCallsEverySystemAndFollowsAnotherClientsWrites() throws Exception {
        Map<String, Object> summary = run("E2eProgram", Map.of("url", url()));
        assertEquals(List.of(-1.5f, 2.25f), get(summary, "add"));
        assertEquals(List.of("a", "b", "ç🎮"), get(summary, "split"));
        assertEquals(null, summary.get("halfNull"));
        assertEquals(-4503599627370496L, (long) get(summary, "halfBig"));
        assertEquals(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L), get(summary, "extremes"));
        assertEquals(64, (int) get(summary, "inFlight"));
        assertEquals("NOT_ENOUGH_GOLD", get(summary, "refuse"));
        assertEquals("PERMISSION", get(summary, "moveToBeforeLogin"));
        assertEquals("PERMISSION", get(summary, "moveToByBob"));
        assertEquals(0, (int) get(summary, "spotRowsSeenByBob"), "an OWNER row is invisible to others");
        assertEquals("CLOSED", get(summary, "afterClose"));
        assertEquals("SCHEMA", get(summary, "otherSchema"));
        assertEquals(List.of("java.lang.IllegalStateException: a bug in the app's listener"),
                get(summary, "listenerErrors"), "a listener's error reached onError, once");

        // What the subscriptions saw, in order, matches what the server stored.
        List<String> events = get(summary, "events");
        assertEquals(List.of("gadgets insert", "gadgets insert", "gadgets delete", "gadgets update",
                "gadgets delete", "spot update"), events.stream().map(e -> e.split(" ")[0] + " " + e.split(" ")[1])
                .toList(), events.toString());
        assertTrue(events.getFirst().startsWith("gadgets insert 500 12 héllo✓🎮 "), events.getFirst());
        List<Long> ids = get(summary, "gadgetIds");
        long stored = database.transact(0, tx -> tx.id(tx.getBy(GadgetTable.OWNER, 500L)));
        assertEquals(stored, (long) ids.getFirst(), "saveGadget returned the row id the server stored");
        assertEquals(30, (int) database.transact(0, tx -> tx.getBy(GadgetTable.OWNER, 500L).level()));
        assertEquals(List.of(), get(summary, "errors"));
    }

    @Test
    void aJavaClientFollowsALiveTopThreeAndAWholeSortedList() throws Exception {
        Map<String, Object> summary = run("ListsProgram", Map.of("url", url()));
        List<String> stored = database.transact(0, tx -> tx.list(StandingTable.LIST, 1).stream()
                .map(r -> r.player() + ":" + r.points() + ":" + r.name()).toList());
        assertEquals(10, stored.size(), "the list is capped at ten");
        assertEquals(stored, get(summary, "whole"));
        assertEquals(stored.subList(0, 3), get(summary, "top"));
        assertTrue((int) get(summary, "deletes") > 0 && (int) get(summary, "inserts") > 3,
                "rows entered and left the top three: " + summary);
        assertEquals(List.of(), get(summary, "errors"));
    }

    @Test
    void aJavaClientReconnectsResumesItsSubscriptionsAndReconcilesWhatChangedWhileAway() throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        CompletableFuture<Void> called = new CompletableFuture<>();
        Map<String, Object> args = Map.of("url", url(), "ready", ready, "called", called);
        CompletableFuture<Map<String, Object>> done = start("ReconnectProgram", args);
        awaitSignal(ready, done, "the client got ready");

        live.stop();
        called.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        database.run(0, tx -> {
            tx.upsert(GadgetTable.OWNER, 101L).name("changed");
            tx.delete(GadgetTable.TABLE, tx.id(tx.getBy(GadgetTable.OWNER, 102L)));
            tx.upsert(GadgetTable.OWNER, 103L).level(50).name("away").mood(Mood.HAPPY);
            tx.upsert(SpotTable.OWNER, 7L).x(9f);
        });
        live.startAgain();

        Map<String, Object> summary = done.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        List<String> reconciled = get(summary, "reconciled");
        assertEquals(Set.of("gadgets delete 102 g102", "gadgets update 101 changed", "gadgets insert 103 away",
                "spot update 7 9.0"), Set.copyOf(reconciled));
        assertEquals(4, reconciled.size(), "each change fires once: " + reconciled);
        assertEquals(List.of(100L, 101L, 103L, 104L), get(summary, "owners"));
        assertEquals(List.of("after", "away", "changed", "g100"), get(summary, "names"));
        assertEquals(5.0f, (float) get(summary, "spotX"));
        List<String> states = get(summary, "states");
        assertTrue(states.size() >= 2 && states.getFirst().equals("RECONNECTING") && states.getLast().equals("OPEN"),
                "the client went through reconnecting back to open: " + states);
        assertEquals(List.of(), get(summary, "errors"), "no errors reached onError");
    }

    @Test
    void aCallWhoseReplyIsLostWithTheConnectionIsSentAgainAndRunsOnce() throws Exception {
        try (Link relay = Link.to(live.port())) {
            CompletableFuture<Integer> ready = new CompletableFuture<>();
            CompletableFuture<Void> go = new CompletableFuture<>();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Map<String, Object> args = Map.of("url", "ws://127.0.0.1:" + relay.port() + live.config().path(),
                    "ready", ready, "go", go, "sent", sent);
            CompletableFuture<Map<String, Object>> done = start("OnceProgram", args);
            awaitSignal(ready, done, "the client got ready");
            relay.holdReplies();
            go.complete(null);
            awaitSignal(sent, done, "the client sent the call");
            OnceCalls.awaitSteps(database, 11, 2);
            relay.cut();
            relay.restore();

            Map<String, Object> summary = done.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            assertEquals(1, (int) get(summary, "before"));
            assertEquals(2, (int) get(summary, "first"), "the lost call completed with its first run's result");
            assertEquals(3, (int) get(summary, "next"), "and did not run again: the next call is the third run");
            assertEquals(3, OnceCalls.steps(database, 11));
            assertTrue(((List<?>) get(summary, "states")).contains("RECONNECTING"), summary.toString());
            assertEquals(List.of(), get(summary, "errors"), "no errors reached onError");
        }
    }

    @Test
    void cancelsDuringRenewalsLoginsAsAnotherUserAndAKickWithoutOnErrorLeaveEveryClientConsistent()
            throws Exception {
        try (DroppingProxy proxy = new DroppingProxy(live.port())) {
            Map<String, Object> args = new HashMap<>(Map.of("url", url(), "drop", (Runnable) proxy::drop));
            args.put("proxyUrl", "ws://127.0.0.1:" + proxy.port() + live.config().path());
            Map<String, Object> summary = run("SessionsProgram", args);
            int rounds = get(summary, "rounds");
            List<String> states = get(summary, "states");
            assertEquals(rounds, states.stream().filter("RECONNECTING"::equals).count(),
                    "each dropped socket was reconnected, none ended the client: " + states);
            assertEquals(List.of(8L), get(summary, "ownersAtLogin"),
                    "when login() completes, the cache holds the new user's rows only");
            assertEquals(List.of("delete 7", "insert 8"), get(summary, "eventsAtLogin"));
            assertEquals(List.of(8L), get(summary, "ownersAfter"));
            assertEquals(0, (int) get(summary, "gadgetEvents"), "a result the login does not change fires nothing");
            List<String> otherStates = get(summary, "otherStates");
            assertEquals("CLOSED", otherStates.getLast(), "the kicked client closed");
            List<String> warnings = get(summary, "warnings");
            assertEquals(1, warnings.size(), "the kick without onError is one warning: " + warnings);
            assertTrue(warnings.getFirst().contains("HetuError KICKED"), warnings.getFirst());
            assertEquals("HetuRejection NO_WAY: refused: NO_WAY", get(summary, "rejection"));
            assertEquals(List.of(), get(summary, "errors"));
            int level = database.transact(0, tx -> tx.getBy(GadgetTable.OWNER, 200L).level());
            assertEquals(60 + rounds, level, "every write made while a cancel was in flight was applied");
        }
    }

    @Test
    void aCommitOfSeveralUpdateFramesReachesTheAppAtOnce() throws Exception {
        live.startAgain(LargeCommit::roomFor);
        Map<String, Object> summary = run("LargeCommitProgram", Map.of("url", url(), "count", LargeCommit.ROWS));
        assertEquals(LargeCommit.ROWS, (int) get(summary, "inserts"), summary.toString());
        assertEquals(true, get(summary, "seqAdvancedAtFirstInsert"), "the commit's seq is applied with its first event");
        assertEquals(LargeCommit.ROWS, (int) get(summary, "rowsAfterFirstInsert"),
                "nothing runs on the client thread between the frames of one commit: " + summary);
    }

    @Test
    void afterEachErrorCodeTheClientReconnectsOrClosesAsTheRuleSays() throws Exception {
        int dead;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = unused.getLocalPort();
        }
        // Its backlog takes the connection; nobody reads from it.
        try (ErrorClosingServer stand = new ErrorClosingServer(); ErrorClosingServer dropping = new ErrorClosingServer();
                ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ErrorClosingServer newer = new ErrorClosingServer(3)) {
            Map<String, Object> summary = run("AfterErrorProgram", Map.of("url", "ws://127.0.0.1:" + stand.port(),
                    "codes", List.copyOf(ErrorClosingServer.AFTER_ERROR.keySet()),
                    "droppingUrl", "ws://127.0.0.1:" + dropping.port() + "/NONE",
                    "deadUrl", "ws://127.0.0.1:" + dead + "/hetu",
                    "silentUrl", "ws://127.0.0.1:" + silent.getLocalPort() + "/hetu",
                    "newerUrl", "ws://127.0.0.1:" + newer.port() + "/NONE"));
            assertEquals(ErrorClosingServer.AFTER_ERROR, get(summary, "outcomes"));
            Map<String, List<String>> reported = get(summary, "reported");
            assertEquals(List.of("KICKED"), reported.get("KICKED"), "the error that closed the connection reached onError");
            assertEquals(List.of(), reported.get("SHUTDOWN"), "a reconnect is no error to report");
            assertEquals("DISCONNECTED", get(summary, "inFlight"), "a call in flight when the connection dropped");
            assertEquals("CONNECT_FAILED", get(summary, "deadConnect"));
            assertTrue(((String) get(summary, "silentConnect")).contains("no WELCOME"), summary.toString());
            assertEquals("PROTOCOL: the client could not process a frame: the server speaks protocol version 3, "
                    + "this SDK 2", get(summary, "newerVersion"));
        }
    }
}
