package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.time.RingRow;
import io.hetu.server.fixtures.time.RingTable;
import io.hetu.server.fixtures.time.TimeSystems;
import io.hetu.server.time.GameTime;
import io.hetu.server.time.ManualClock;
import io.hetu.server.time.ScheduledCallTable;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled calls and ticks on a server whose clock only the test moves: calls made over real
 * sockets schedule, the test advances game time, and the rings in the database say what fired.
 */
class GameTimeTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private App app;
    private Database database;
    private HetuServer server;
    private ManualClock clock;
    private TestClient client;
    private int request;

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        clock = new ManualClock(START);
        open();
    }

    private void open() throws Exception {
        database = Embedded.open(dir, DurabilityConfig.defaults(), app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                AdminConfig.defaults(), clock);
        client = TestClient.greeted(server.port(), app.schemaHash());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        database.close();
    }

    private GameTime time() {
        return server.gameTime();
    }

    static int system(App app, String name) {
        for (int id = 0; id < app.systems().size(); id++) {
            var def = app.systems().get(id).def();
            if (def.namespace().equals("timetest") && def.name().equals(name)) {
                return id;
            }
        }
        throw new AssertionError("no system timetest." + name + " in the test manifest");
    }

    private Message call(String name) {
        return new Message(Protocol.CALL).i32(++request).u16(system(app, name));
    }

    /** Sends the call and returns its RESULT, positioned at the result's first byte. */
    private ByteBuffer result(Message call) throws InterruptedException {
        client.send(call);
        ByteBuffer reply = client.next();
        assertEquals(Protocol.RESULT, reply.get(0), () -> "expected a RESULT, got " + describe(reply));
        return reply.position(13);
    }

    private String rejected(Message call) throws InterruptedException {
        client.send(call);
        ByteBuffer reply = client.next();
        assertEquals(Protocol.REJECTED, reply.get(0), "expected a rejection");
        reply.position(5);
        return TestClient.readStr(reply);
    }

    private static String describe(ByteBuffer reply) {
        if (reply.get(0) != Protocol.REJECTED) {
            return "frame type " + reply.get(0);
        }
        ByteBuffer copy = reply.duplicate().position(5);
        return "REJECTED " + TestClient.readStr(copy) + ": " + TestClient.readStr(copy);
    }

    /** The alarm's ring row as a record, or null when it never rang. */
    private io.hetu.server.fixtures.time.Ring ring(long alarm) {
        return database.transact(0, tx -> {
            RingRow row = tx.getBy(RingTable.ALARM, alarm);
            return row == null ? null : row.toRecord();
        });
    }

    private long count(long alarm) {
        var ring = ring(alarm);
        return ring == null ? 0 : ring.count();
    }

    /** Pending calls besides the hourly tick, counted in the database. */
    private long pendingCalls() {
        return rows() - 1;
    }

    private long rows() {
        return database.transact(0, tx -> (long) tx.range(ScheduledCallTable.DUE, io.hetu.schema.KeyRange.all(),
                10_000, false).size());
    }

    @Test
    void aCallFiresOnceWhenDueAsTheServerWithItsLateness() throws Exception {
        result(call("setAlarm").i64(1).i64(1_000));
        assertEquals(1, pendingCalls());
        assertEquals(0, time().advance(Duration.ofMillis(999)), "not due yet");
        assertEquals(0, count(1));
        assertEquals(1, time().advance(Duration.ofMillis(5)));
        var ring = ring(1);
        assertEquals(1, ring.count());
        assertEquals(Duration.ofMillis(4), ring.lastLateness(), "due at 1000 ms, fired at 1004 ms");
        assertEquals(0, ring.lastCaller(), "a scheduled call runs as the server, with no caller");
        assertTrue(ring.lastAdmin(), "and with admin rights");
        assertEquals(0, pendingCalls(), "a one-time call's row is gone with its firing");
        assertEquals(0, time().advance(Duration.ofMinutes(10)), "it never fires again");
        assertEquals(1, count(1));
        assertEquals(1, time().fired());
    }

    @Test
    void aCallAtAPastInstantFiresAtTheNextLook() throws Exception {
        result(call("setAlarmAt").i64(2).i64(START.minusSeconds(60).toEpochMilli()));
        assertEquals(1, time().advance(Duration.ZERO));
        assertEquals(Duration.ofSeconds(60), ring(2).lastLateness());
    }

    @Test
    void aRolledBackTransactionSchedulesNothing() throws Exception {
        assertEquals("CHANGED_MIND", rejected(call("setAlarmThenFail").i64(3).i64(10)));
        assertEquals(0, pendingCalls());
        time().advance(Duration.ofSeconds(1));
        assertEquals(0, count(3));
    }

    @Test
    void ensureSchedulesOncePerKeyAndAgainAfterTheFiring() throws Exception {
        long due = result(call("ensureAlarm").string("daily").i64(4).i64(1_000)).getLong();
        long again = result(call("ensureAlarm").string("daily").i64(4).i64(60_000)).getLong();
        assertEquals(START.plusSeconds(1).toEpochMilli(), due);
        assertEquals(due, again, "the pending call with the key is kept as it is");
        assertEquals(1, pendingCalls());
        time().advance(Duration.ofSeconds(2));
        assertEquals(1, count(4));
        long next = result(call("ensureAlarm").string("daily").i64(4).i64(1_000)).getLong();
        assertEquals(START.plusSeconds(3).toEpochMilli(), next, "after the firing the key is free again");
    }

    @Test
    void cancelByKeyAndByHandle() throws Exception {
        result(call("ensureAlarm").string("k").i64(5).i64(1_000));
        assertEquals(1, result(call("cancelAlarm").string("k")).get(), "true: it was pending");
        assertEquals(0, result(call("cancelAlarm").string("k")).get(), "false: nothing left to cancel");
        long id = result(call("setAlarm").i64(6).i64(1_000)).getLong();
        assertEquals(1, result(call("cancelById").i64(id)).get());
        assertEquals(0, result(call("cancelById").i64(id)).get());
        assertEquals(0, pendingCalls());
        time().advance(Duration.ofSeconds(5));
        assertEquals(0, count(5));
        assertEquals(0, count(6));
    }

    @Test
    void aTicksScheduleCannotBeCancelled() throws Exception {
        long tick = database.transact(0, tx -> tx.id(tx.getBy(ScheduledCallTable.KEY, GameTime.TICK_PREFIX + "hourly")));
        try (LogCapture log = new LogCapture()) {
            assertEquals("INTERNAL", rejected(call("cancelById").i64(tick)),
                    "a system that cancels a tick's schedule fails, and its transaction with it");
            assertTrue(log.text().contains("is the schedule of tick hourly"), log.text());
        }
        assertEquals(1, rows(), "the tick's schedule is still there");
        time().advance(Duration.ofHours(1));
        assertEquals(1, count(TimeSystems.TICK_ALARM), "and the tick runs");
    }

    @Test
    void aRecurringCallSkipsMissedRunsOrCatchesUp() throws Exception {
        result(call("repeat").string("skip").i64(7).i64(100).u8(0));
        result(call("repeat").string("catch").i64(8).i64(100).u8(1));
        time().advance(Duration.ofMillis(1_000));
        var skipped = ring(7);
        assertEquals(1, skipped.count(), "missed runs are skipped: one late run");
        assertEquals(Duration.ofMillis(900), skipped.lastLateness());
        var caught = ring(8);
        assertEquals(10, caught.count(), "one run per period due: 100, 200, ... 1000 ms");
        assertEquals(9, caught.lastRun());
        assertEquals(Duration.ZERO, caught.lastLateness(), "the last caught-up run, due at 1000 ms, is on time");
        time().advance(Duration.ofMillis(100));
        assertEquals(2, count(7), "the skipping call goes on at the next run still ahead, 1100 ms");
        assertEquals(1, ring(7).lastRun());
        assertEquals(11, count(8));
        assertEquals(2, pendingCalls(), "recurring calls stay pending");
    }

    @Test
    void aFailingCallIsRemovedWithoutItsWritesAndTheOthersGoOn() throws Exception {
        try (LogCapture log = new LogCapture()) {
            result(call("setRefusal").i64(9).i64(10));
            result(call("setAlarm").i64(10).i64(20));
            assertEquals(1, time().advance(Duration.ofMillis(50)), "the refusing call does not count as fired");
            assertEquals(0, count(9), "the refusal's write was rolled back");
            assertEquals(1, count(10));
            assertEquals(1, time().failed());
            assertEquals(0, pendingCalls(), "the failed call is removed, not retried forever");
            String output = log.text();
            assertTrue(output.contains("REFUSED") && output.contains("timetest.refuse"), output);
            assertEquals(0, log.stackTraceLines(), "a rejection is no stack trace");
        }
    }

    @Test
    void theTickRunsEachPeriodAndAnOverrunSkipsInsteadOfStacking() throws Exception {
        time().advance(Duration.ofMinutes(59));
        assertEquals(0, count(TimeSystems.TICK_ALARM));
        time().advance(Duration.ofMinutes(1));
        assertEquals(1, count(TimeSystems.TICK_ALARM));
        assertEquals(0, time().overruns());
        time().advance(Duration.ofHours(3).plusMinutes(30));
        assertEquals(2, count(TimeSystems.TICK_ALARM), "three hours late: one run, not three");
        assertEquals(1, time().overruns());
        assertEquals(1, rows(), "the tick's schedule stays");
        String stats = new String(java.net.URI.create("http://127.0.0.1:" + server.port() + "/hetu/stats").toURL()
                .openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(stats.contains("\"scheduled\":{") && stats.contains("\"tickOverruns\":1")
                && stats.contains("\"ticks\":1") && stats.contains("\"tickRuns\":2"), stats);
    }

    @Test
    void clientsCannotCallWhatOnlySchedulesRun() throws Exception {
        assertEquals("PERMISSION", rejected(call("ring").i64(11)));
        int scheduledTable = app.tables().indexOf(ScheduledCallTable.TABLE);
        assertEquals(app.tables().size() - 4, scheduledTable, "the server's own tables come after the app's");
    }

    @Test
    void pendingCallsSurviveARestartAndThoseDueMeanwhileFireOnStart() throws Exception {
        result(call("setAlarm").i64(12).i64(1_000));
        result(call("setAlarm").i64(13).i64(60_000));
        client.close();
        server.close();
        database.close();
        clock.advance(Duration.ofSeconds(5));
        open();
        assertEquals(2, pendingCalls(), "both calls were recovered from the log");
        assertEquals(1, time().advance(Duration.ZERO), "the call that came due while the server was down");
        assertEquals(Duration.ofSeconds(4), ring(12).lastLateness());
        time().advance(Duration.ofMinutes(1));
        assertEquals(1, count(13));
        assertEquals(1, count(12));
    }

    @Test
    void racingEnsuresAndCancelsLeaveAtMostOneCallPerKey() throws Exception {
        int clients = 4;
        int rounds = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int me = c;
                done.add(pool.submit(() -> {
                    try (TestClient racer = TestClient.greeted(server.port(), app.schemaHash())) {
                        go.await();
                        for (int round = 0; round < rounds; round++) {
                            int i = round;
                            String name = (me + i) % 3 == 0 ? "cancelAlarm" : "ensureAlarm";
                            Message m = new Message(Protocol.CALL).i32(i).u16(system(app, name)).string("race");
                            racer.send(name.equals("ensureAlarm") ? m.i64(14).i64(1_000) : m);
                            ByteBuffer reply = racer.next();
                            assertEquals(Protocol.RESULT, reply.get(0), () -> "racer " + me + " call " + i + ": "
                                    + describe(reply));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long rows = database.transact(0, tx -> tx.getBy(ScheduledCallTable.KEY, "race") == null ? 0L : 1L);
        assertEquals(rows, pendingCalls(), "the key's unique index holds at most one call");
        time().advance(Duration.ofSeconds(2));
        assertEquals(rows, count(14), "and it fires once");
    }

    @Test
    void aScheduleKeyIsCheckedWhereItIsMade() {
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> io.hetu.system.Schedule.after(Duration.ZERO).key("hetu:tick:hourly"));
        assertTrue(reserved.getMessage().contains("hetu:"), reserved.getMessage());
        assertThrows(IllegalArgumentException.class, () -> io.hetu.system.Schedule.every(Duration.ZERO));
        assertThrows(IllegalStateException.class,
                () -> io.hetu.system.Schedule.at(START).missed(io.hetu.system.Schedule.Missed.CATCH_UP));
        assertNull(io.hetu.system.Schedule.at(START).key());
    }
}
