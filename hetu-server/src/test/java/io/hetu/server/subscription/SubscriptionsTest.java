package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.Key;
import io.hetu.schema.KeyRange;
import io.hetu.schema.TableDescriptor;
import io.hetu.system.Rejection;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubscriptionsTest extends EngineFixture {

    @BeforeEach
    void start() {
        open(SubscriptionLimits.DEFAULTS);
    }

    // ---------------------------------------------------------------- helpers

    long insertScore(int points, long player, String name) {
        return db.transact(0, tx -> tx.id(tx.insert(ScoreTable.TABLE, new Score(points, player, name, 0))));
    }

    byte[] stored(int table, long id) {
        byte[] row = new byte[TABLES.get(table).layout().size()];
        assertTrue(db.backend().read(table, id, MemorySegment.ofArray(row), 0) != 0, "row " + id + " exists");
        return row;
    }

    static <R extends Record> R decode(TableDescriptor<R, ?> table, byte[] row) {
        return table.newRow().wrap(MemorySegment.ofArray(row), 0).toRecord();
    }

    static Map<Long, Score> scores(TestClient client, int subscription) {
        Map<Long, Score> rows = new LinkedHashMap<>();
        client.mirror(subscription).forEach((id, row) -> rows.put(id, decode(ScoreTable.TABLE, row)));
        return rows;
    }

    /** The ids the query returns now, in order, read straight from storage. */
    List<Long> expected(KeyRange range, int limit, boolean descending) {
        return db.transact(0, tx -> {
            List<Long> ids = new ArrayList<>();
            for (var row : tx.range(ScoreTable.POINTS, range, limit, descending)) {
                ids.add(tx.id(row));
            }
            return ids;
        });
    }

    /**
     * A connection whose first UPDATE holds the engine's thread: {@code entered} opens when it is
     * reached, and the engine goes on once {@code release} opens.
     */
    static TestClient holdingFirstUpdate(CountDownLatch entered, CountDownLatch release) {
        TestClient blocker = new TestClient();
        blocker.onFrame((client, frame) -> {
            if (frame.type() == (byte) 0x90 && entered.getCount() > 0) {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return blocker;
    }

    static Key points(int value) {
        return Key.ofLong(ScoreTable.POINTS.column(), value);
    }

    static Key player(long value) {
        return Key.ofLong(ScoreTable.PLAYER.column(), value);
    }

    // ---------------------------------------------------------------- select

    @Test
    void selectByIdFollowsTheRowUntilItIsDeleted() {
        long id = insertScore(10, 1, "ann");
        long other = insertScore(20, 2, "bob");
        TestClient client = new TestClient();
        int subscription = client.select(engine, SCORE, ScoreTable.TABLE, id);
        drain();
        assertEquals(Map.of(id, new Score(10, 1, "ann", 0)), scores(client, subscription));

        db.run(0, tx -> tx.update(ScoreTable.TABLE, id).points(11));
        db.run(0, tx -> tx.update(ScoreTable.TABLE, other).points(21));
        drain();
        assertEquals(Map.of(id, new Score(11, 1, "ann", 0)), scores(client, subscription));
        assertEquals(2, client.frames().size(), "the other row's change is not sent");

        db.run(0, tx -> tx.delete(ScoreTable.TABLE, id));
        drain();
        assertEquals(Map.of(), scores(client, subscription));
        List<TestClient.Frame> frames = client.frames();
        assertEquals(3, frames.getLast().items().getFirst().kind());
        assertClean(client);
    }

    @Test
    void commitsNobodyWatchesArePassedInOrderWithTheWatchedOnes() throws Exception {
        long noteSeq = db.commit(0, tx -> tx.insert(NoteTable.TABLE, new Note(1, 1, 0)));
        engine.processed(noteSeq).get(60, TimeUnit.SECONDS);
        assertTrue(engine.processedSeq() >= noteSeq, "a commit nobody watches is processed");

        long id = insertScore(10, 1, "ann");
        TestClient client = new TestClient();
        int subscription = client.select(engine, SCORE, ScoreTable.TABLE, id);
        Set<Long> scoreSeqs = new HashSet<>();
        for (int points = 11; points <= 40; points++) {
            int value = points;
            db.run(0, tx -> tx.insert(NoteTable.TABLE, new Note(value, value, 0)));
            scoreSeqs.add(db.commit(0, tx -> tx.update(ScoreTable.TABLE, id).points(value)));
        }
        long lastNote = db.commit(0, tx -> tx.insert(NoteTable.TABLE, new Note(0, 0, 0)));
        engine.processed(lastNote).get(60, TimeUnit.SECONDS);
        drain();
        assertEquals(Map.of(id, new Score(40, 1, "ann", 0)), scores(client, subscription));
        List<TestClient.Frame> frames = client.frames();
        // Commits matched in one batch share a frame, so there are at most 30 updates.
        assertTrue(frames.size() >= 2 && frames.size() <= 31, "the snapshot and up to one update per watched"
                + " commit, got " + frames.size() + " frames");
        for (TestClient.Frame frame : frames.subList(1, frames.size())) {
            assertTrue(scoreSeqs.contains(frame.seq()), "an update is stamped with a watched commit, not "
                    + frame.seq());
            assertEquals(1, frame.items().size(), "one net change of the row per frame");
        }
        assertClean(client);
    }

    @Test
    void selectOfAMissingRowIsEmpty() {
        TestClient client = new TestClient();
        int subscription = client.select(engine, SCORE, ScoreTable.TABLE, 12345);
        insertScore(1, 1, "x");
        drain();
        assertEquals(Map.of(), client.mirror(subscription));
        assertEquals(1, client.frames().size());
        assertClean(client);
    }

    @Test
    void framesAreByteExact() throws Exception {
        long id = insertScore(10, 1, "ann");
        long snapshotSeq = db.backend().lastSeq();
        TestClient client = new TestClient();
        int subscription = client.select(engine, SCORE, ScoreTable.TABLE, id);
        drain();
        byte[] row = stored(SCORE, id);
        ByteBuffer subscribed = ByteBuffer.allocate(1 + 4 + 4 + 8 + 4 + 8 + row.length).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x84).putInt(1).putInt(subscription).putLong(snapshotSeq).putInt(1).putLong(id).put(row);
        assertArrayEquals(subscribed.array(), client.rawFrames().get(0));

        db.run(0, tx -> tx.update(ScoreTable.TABLE, id).payload(99));
        long updateSeq = db.backend().lastSeq();
        engine.processed(updateSeq).get(60, TimeUnit.SECONDS);
        assertTrue(engine.processedSeq() >= updateSeq);
        byte[] changed = stored(SCORE, id);
        ByteBuffer update = ByteBuffer.allocate(1 + 8 + 2 + 4 + 1 + 8 + changed.length)
                .order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x90).putLong(updateSeq).putShort((short) 1)
                .putInt(subscription).put((byte) 2).putLong(id).put(changed);
        assertArrayEquals(update.array(), client.rawFrames().get(1));
        assertEquals(new Score(10, 1, "ann", 99), decode(ScoreTable.TABLE, changed));

        db.run(0, tx -> tx.delete(ScoreTable.TABLE, id));
        long deleteSeq = db.backend().lastSeq();
        drain();
        ByteBuffer delete = ByteBuffer.allocate(1 + 8 + 2 + 4 + 1 + 8).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x90).putLong(deleteSeq).putShort((short) 1).putInt(subscription).put((byte) 3)
                .putLong(id);
        assertArrayEquals(delete.array(), client.rawFrames().get(2));
        assertClean(client);
    }

    @Test
    void oneFramePerCommitCoalescesAConnectionsSubscriptions() {
        long a = insertScore(10, 1, "ann");
        long b = insertScore(20, 2, "bob");
        TestClient client = new TestClient();
        int first = client.select(engine, SCORE, ScoreTable.TABLE, a);
        int second = client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null,
                false, 10, false);
        drain();
        db.run(0, tx -> {
            tx.update(ScoreTable.TABLE, a).payload(1);
            tx.update(ScoreTable.TABLE, b).payload(2);
        });
        drain();
        List<TestClient.Frame> frames = client.frames();
        assertEquals(3, frames.size());
        List<TestClient.Item> items = frames.get(2).items();
        assertEquals(3, items.size(), "row a for both subscriptions, row b for the query");
        assertEquals(List.of(first, second, second), items.stream().map(TestClient.Item::subscription).toList());
        assertClean(client);
    }

    @Test
    void commitsQueuedWhileTheEngineIsBusyReachAConnectionAsOneFrameOfNetChanges() throws Exception {
        long kept = insertScore(10, 1, "ann");
        long gone = insertScore(20, 2, "bob");
        TestClient watcher = new TestClient();
        int query = watcher.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null,
                false, 100, false);
        // A second connection whose first UPDATE holds the engine's thread until the test lets go.
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestClient blocker = holdingFirstUpdate(entered, release);
        blocker.select(engine, SCORE, ScoreTable.TABLE, kept);
        drain();
        int framesBefore = watcher.frames().size();
        db.run(0, tx -> tx.update(ScoreTable.TABLE, kept).payload(1));
        assertTrue(entered.await(60, TimeUnit.SECONDS), "the engine is sending the first update");
        // Queued behind it: more moves of one row, a row that comes and goes, a row that leaves.
        long last = 0;
        for (int payload = 2; payload <= 5; payload++) {
            int value = payload;
            last = db.commit(0, tx -> tx.update(ScoreTable.TABLE, kept).payload(value));
        }
        long brief = db.transact(0, tx -> tx.id(tx.insert(ScoreTable.TABLE, new Score(30, 3, "cy", 0))));
        db.run(0, tx -> tx.delete(ScoreTable.TABLE, brief));
        long end = db.commit(0, tx -> tx.delete(ScoreTable.TABLE, gone));
        release.countDown();
        engine.processed(end).get(60, TimeUnit.SECONDS);
        drain();
        assertEquals(Map.of(kept, new Score(10, 1, "ann", 5)), scores(watcher, query));
        List<TestClient.Frame> after = watcher.frames().subList(framesBefore, watcher.frames().size());
        // The first commit went out alone; everything queued behind it shares one frame.
        assertEquals(2, after.size(), "frames: " + after);
        TestClient.Frame batch = after.get(1);
        assertEquals(end, batch.seq(), "stamped with the newest commit it reports");
        assertEquals(2, batch.items().size(), "one item per row: " + batch.items());
        TestClient.Item moved = batch.items().stream().filter(i -> i.rowId() == kept).findFirst().orElseThrow();
        assertEquals(2, moved.kind(), "an update");
        assertEquals(new Score(10, 1, "ann", 5), decode(ScoreTable.TABLE, moved.row()), "with the latest bytes");
        assertEquals(3, batch.items().stream().filter(i -> i.rowId() == gone).findFirst().orElseThrow().kind());
        assertTrue(last < end);
        assertClean(watcher);
        assertClean(blocker);
    }

    @Test
    void aRowThatLeavesAndReturnsThousandsOfTimesInOneBatchIsOneNetChange() throws Exception {
        // A window long enough that everything queued behind the held send is matched before one flush.
        engine.close();
        engine = new Subscriptions(db, SubscriptionLimits.DEFAULTS, Duration.ofSeconds(1));
        long bouncing = insertScore(50, 1, "ann");
        long moving = insertScore(60, 2, "bob");
        TestClient watcher = new TestClient();
        int query = watcher.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), points(0), true,
                points(100), true, 100, false);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestClient blocker = holdingFirstUpdate(entered, release);
        blocker.select(engine, SCORE, ScoreTable.TABLE, moving);
        drain();
        int framesBefore = watcher.frames().size();
        db.run(0, tx -> tx.update(ScoreTable.TABLE, moving).payload(-1));
        assertTrue(entered.await(60, TimeUnit.SECONDS), "the engine is sending the first update");
        // More repeated items than the open frame gathers before it compacts itself.
        long last = 0;
        for (int round = 0; round < 20_000; round++) {
            int value = round;
            last = db.commit(0, tx -> {
                tx.update(ScoreTable.TABLE, bouncing).points(value % 2 == 0 ? 500 : 50);
                tx.update(ScoreTable.TABLE, moving).payload(value);
            });
        }
        release.countDown();
        engine.processed(last).get(120, TimeUnit.SECONDS);
        drain();
        // The last round put the bouncing row back in range (an even round moves it out, 19,999 is odd).
        assertEquals(Map.of(bouncing, new Score(50, 1, "ann", 0), moving, new Score(60, 2, "bob", 19_999)),
                scores(watcher, query));
        List<TestClient.Frame> after = watcher.frames().subList(framesBefore, watcher.frames().size());
        int items = after.stream().mapToInt(f -> f.items().size()).sum();
        // 40,000 changes (more repeated items than an open frame gathers before it compacts itself)
        // reach the watcher as a few frames of net changes, one item per row each.
        assertTrue(after.size() <= 2 + 20_000 / 512 + 1, after.size() + " frames");
        assertTrue(items <= 2 * after.size(), items + " items in " + after.size() + " frames");
        assertClean(watcher);
        assertClean(blocker);
    }

    @Test
    void aPushWindowGathersTheCommitsWithinItIntoOneFrame() throws Exception {
        engine.close();
        engine = new Subscriptions(db, SubscriptionLimits.DEFAULTS, Duration.ofSeconds(1));
        long id = insertScore(10, 1, "ann");
        TestClient client = new TestClient();
        int subscription = client.select(engine, SCORE, ScoreTable.TABLE, id);
        drain();
        long started = System.nanoTime();
        long last = 0;
        for (int payload = 1; payload <= 20; payload++) {
            int value = payload;
            last = db.commit(0, tx -> tx.update(ScoreTable.TABLE, id).payload(value));
        }
        long committing = System.nanoTime() - started;
        engine.processed(last).get(60, TimeUnit.SECONDS);
        assertEquals(Map.of(id, new Score(10, 1, "ann", 20)), scores(client, subscription));
        int updates = client.frames().size() - 1;
        if (committing < TimeUnit.MILLISECONDS.toNanos(900)) {
            // The window that was open when the commits began ends at most once while they are made.
            assertTrue(updates <= 2, updates + " frames for commits made within one window");
        }
        assertTrue(updates >= 1);
        assertClean(client);
    }

    @Test
    void aCommitOfExactly65535ChangesEndsWithAnEmptyFrameOfItsSeq() {
        engine.close();
        engine = new Subscriptions(db, new SubscriptionLimits(10, 100_000));
        TestClient client = new TestClient();
        for (int i = 0; i < 5; i++) {
            client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null, false,
                    Integer.MAX_VALUE, false);
        }
        // 5 subscriptions see each of 13,107 new rows: 65,535 changes, one full frame.
        db.run(0, tx -> {
            for (int i = 0; i < 13_107; i++) {
                tx.insert(ScoreTable.TABLE, new Score(i, i, "", 0));
            }
        });
        long seq = db.backend().lastSeq();
        drain();
        List<TestClient.Frame> frames = client.frames();
        assertEquals(7, frames.size(), "5 SUBSCRIBED, the full UPDATE and the empty one that ends it");
        assertEquals(List.of(seq, seq), List.of(frames.get(5).seq(), frames.get(6).seq()));
        assertEquals(List.of(65_535, 0), List.of(frames.get(5).items().size(), frames.get(6).items().size()));
        assertClean(client);
    }

    @Test
    void aCommitWithMoreThan65535ChangesIsSplitAtTheSameSeq() {
        engine.close();
        engine = new Subscriptions(db, new SubscriptionLimits(10, 100_000));
        TestClient client = new TestClient();
        List<Integer> subscriptions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            subscriptions.add(client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false,
                    null, false, Integer.MAX_VALUE, i % 2 == 0));
        }
        // 8 subscriptions see each of 9,000 new rows: 72,000 changes for one connection in one commit.
        db.run(0, tx -> {
            for (int i = 0; i < 9_000; i++) {
                tx.insert(ScoreTable.TABLE, new Score(i, i, "", 0));
            }
        });
        long seq = db.backend().lastSeq();
        drain();
        List<TestClient.Frame> frames = client.frames();
        assertEquals(10, frames.size());
        assertEquals(List.of(seq, seq), List.of(frames.get(8).seq(), frames.get(9).seq()));
        assertEquals(List.of(65_535, 72_000 - 65_535),
                List.of(frames.get(8).items().size(), frames.get(9).items().size()));
        for (int subscription : subscriptions) {
            assertEquals(9_000, client.mirror(subscription).size());
        }
        assertClean(client);
    }

    @Test
    void selectUniqueFollowsTheKeyFromRowToRow() {
        TestClient client = new TestClient();
        int subscription = client.selectUnique(engine, SCORE, ScoreTable.TABLE, ScoreTable.PLAYER.position(),
                player(7));
        drain();
        assertEquals(Map.of(), scores(client, subscription));

        long first = insertScore(1, 7, "first");
        drain();
        assertEquals(Map.of(first, new Score(1, 7, "first", 0)), scores(client, subscription));

        long second = insertScore(2, 8, "second");
        db.run(0, tx -> {
            tx.update(ScoreTable.TABLE, first).player(9);
            tx.update(ScoreTable.TABLE, second).player(7);
        });
        drain();
        assertEquals(Map.of(second, new Score(2, 7, "second", 0)), scores(client, subscription));

        db.run(0, tx -> tx.update(ScoreTable.TABLE, second).player(70));
        drain();
        assertEquals(Map.of(), scores(client, subscription));
        assertClean(client);
    }

    // ---------------------------------------------------------------- query windows

    @Test
    void aLimitedWindowStaysFull() {
        List<Long> ids = new ArrayList<>();
        for (int points = 10; points <= 50; points += 10) {
            ids.add(insertScore(points, points, "p" + points));
        }
        TestClient client = new TestClient();
        int subscription = client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false,
                null, false, 3, false);
        drain();
        assertEquals(ids.subList(0, 3), new ArrayList<>(client.mirror(subscription).keySet()), "in key order");

        db.run(0, tx -> tx.delete(ScoreTable.TABLE, ids.get(1)));
        drain();
        assertWindow(client, subscription, KeyRange.all(), 3, false);

        long low = insertScore(5, 5, "p5");
        drain();
        assertWindow(client, subscription, KeyRange.all(), 3, false);
        assertTrue(client.mirror(subscription).containsKey(low));

        db.run(0, tx -> tx.update(ScoreTable.TABLE, low).points(99));
        drain();
        assertWindow(client, subscription, KeyRange.all(), 3, false);
        assertFalse(client.mirror(subscription).containsKey(low));
        assertClean(client);
    }

    @Test
    void aWindowRefillsFromStorageWhenItsReserveRunsOut() {
        List<Long> ids = new ArrayList<>();
        db.run(0, tx -> {
            for (int points = 0; points < 200; points++) {
                ids.add(tx.id(tx.insert(ScoreTable.TABLE, new Score(points, points, "p", 0))));
            }
        });
        KeyRange range = KeyRange.closedOpen(5, 190);
        TestClient ascending = new TestClient();
        int up = ascending.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), points(5), true,
                points(190), false, 4, false);
        TestClient descending = new TestClient();
        int down = descending.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), points(5), true,
                points(190), false, 4, true);
        drain();
        // Far more rows leave in one commit than a window keeps in reserve.
        db.run(0, tx -> {
            for (int points = 0; points < 60; points++) {
                tx.delete(ScoreTable.TABLE, ids.get(points));
            }
            for (int points = 199; points > 140; points--) {
                tx.delete(ScoreTable.TABLE, ids.get(points));
            }
        });
        drain();
        assertWindow(ascending, up, range, 4, false);
        assertWindow(descending, down, range, 4, true);
        // And one by one, each commit pulling the next row in.
        for (int points = 60; points < 100; points++) {
            long id = ids.get(points);
            db.run(0, tx -> tx.update(ScoreTable.TABLE, id).points(1000));
            int top = 140 - (points - 60);
            long topId = ids.get(top);
            db.run(0, tx -> tx.delete(ScoreTable.TABLE, topId));
        }
        drain();
        assertWindow(ascending, up, range, 4, false);
        assertWindow(descending, down, range, 4, true);
        assertClean(ascending);
        assertClean(descending);
    }

    @Test
    void descendingQueriesOverStringKeysOrderLikeTheIndex() {
        String[] names = {"abcdefgh10", "abcdefgh2", "abcdefgh1", "b", "abcdefgh", "é", "a"};
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            ids.add(insertScore(i, i, names[i]));
        }
        TestClient client = new TestClient();
        var name = ScoreTable.NAME;
        int subscription = client.query(engine, SCORE, ScoreTable.TABLE, name.position(),
                Key.ofString(name.column(), "abcdefgh"), false, Key.ofString(name.column(), "b"), true, 3, true);
        drain();
        List<String> got = scores(client, subscription).values().stream().map(Score::name).toList();
        assertEquals(List.of("b", "abcdefgh2", "abcdefgh10"), got);

        db.run(0, tx -> tx.update(ScoreTable.TABLE, ids.get(3)).name("c"));
        drain();
        got = new ArrayList<>(scores(client, subscription).values().stream().map(Score::name).toList());
        got.sort(null);
        assertEquals(List.of("abcdefgh1", "abcdefgh10", "abcdefgh2"), got);
        assertClean(client);
    }

    @Test
    void limitZeroHoldsNothing() {
        insertScore(1, 1, "a");
        TestClient client = new TestClient();
        int subscription = client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false,
                null, false, 0, false);
        insertScore(2, 2, "b");
        drain();
        assertEquals(Map.of(), client.mirror(subscription));
        assertEquals(1, client.frames().size());
        assertClean(client);
    }

    void assertWindow(TestClient client, int subscription, KeyRange range, int limit, boolean descending) {
        assertEquals(expected(range, limit, descending).stream().sorted().toList(),
                client.mirror(subscription).keySet().stream().sorted().toList());
        client.mirror(subscription).forEach((id, row) -> assertArrayEquals(stored(SCORE, id), row, "row " + id));
    }

    // ---------------------------------------------------------------- ending subscriptions

    @Test
    void unsubscribeStopsTheChanges() {
        long id = insertScore(1, 1, "a");
        TestClient client = new TestClient();
        int kept = client.select(engine, SCORE, ScoreTable.TABLE, id);
        int ended = client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null,
                false, 10, false);
        drain();
        assertTrue(engine.unsubscribe(client, ended));
        client.unsubscribed(ended);
        assertFalse(engine.unsubscribe(client, ended), "only once");
        assertFalse(engine.unsubscribe(client, 999));
        assertFalse(engine.unsubscribe(new TestClient(), kept), "subscription ids are per connection");
        db.run(0, tx -> tx.update(ScoreTable.TABLE, id).payload(5));
        insertScore(2, 2, "b");
        drain();
        List<TestClient.Frame> frames = client.frames();
        assertEquals(3, frames.size());
        assertEquals(List.of(kept), frames.get(2).items().stream().map(TestClient.Item::subscription).toList());
        int next = client.select(engine, SCORE, ScoreTable.TABLE, id);
        assertEquals(3, next, "ids are not reused within a connection");
        assertClean(client);
    }

    @Test
    void aDisconnectedSubscriberHearsNothingMore() {
        long id = insertScore(1, 1, "a");
        TestClient gone = new TestClient();
        TestClient stays = new TestClient();
        gone.select(engine, SCORE, ScoreTable.TABLE, id);
        stays.select(engine, SCORE, ScoreTable.TABLE, id);
        drain();
        engine.disconnected(gone);
        engine.disconnected(gone);
        db.run(0, tx -> tx.update(ScoreTable.TABLE, id).payload(5));
        drain();
        assertEquals(1, gone.frames().size());
        assertEquals(2, stays.frames().size());
        assertEquals(1, gone.select(engine, SCORE, ScoreTable.TABLE, id), "a new connection state after a disconnect");
    }

    // ---------------------------------------------------------------- rejections

    @Test
    void rejectsWhatTheCallerMayNotReadAndWhatDoesNotExist() {
        TestClient client = new TestClient();
        Rejection none = assertThrows(Rejection.class,
                () -> client.select(engine, INTERNAL, InternalTable.TABLE, 1));
        assertEquals("PERMISSION", none.code());
        assertEquals("PERMISSION", assertThrows(Rejection.class,
                () -> client.select(engine, PROFILE, ProfileTable.TABLE, 1)).code());
        assertEquals("PERMISSION", assertThrows(Rejection.class,
                () -> client.query(engine, AUDIT, AuditTable.TABLE, 0, null, false, null, false, 5, false)).code());
        sessions.edit(client, context -> {
            context.elevate(5, true);
            context.setAdmin(true);
        });
        client.select(engine, PROFILE, ProfileTable.TABLE, 1);
        client.query(engine, AUDIT, AuditTable.TABLE, 0, null, false, null, false, 5, false);

        assertThrows(IllegalArgumentException.class, () -> engine.select(client, 9, TABLES.size(), 1));
        assertThrows(IllegalArgumentException.class, () -> engine.select(client, 9, -1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> engine.query(client, 9, SCORE, 7, null, false, null, false, 1, false));
        assertThrows(IllegalArgumentException.class,
                () -> engine.selectUnique(client, 9, SCORE, ScoreTable.POINTS.position(), points(1)),
                "not a unique index");
        assertThrows(IllegalArgumentException.class,
                () -> engine.selectUnique(client, 9, SCORE, ScoreTable.PLAYER.position(), points(1)),
                "an i32 key for an i64 column");
        assertThrows(IllegalArgumentException.class,
                () -> engine.query(client, 9, SCORE, ScoreTable.POINTS.position(), null, false, null, false, -1,
                        false));
        drain();
        assertEquals(2, client.frames().size(), "only the two accepted subscriptions");
        assertClean(client);
    }

    // ---------------------------------------------------------------- limits

    @Test
    void tooManySubscriptionsRegistersNothing() {
        engine.close();
        engine = new Subscriptions(db, new SubscriptionLimits(2, 100));
        long id = insertScore(1, 1, "a");
        TestClient client = new TestClient();
        client.select(engine, SCORE, ScoreTable.TABLE, id);
        client.select(engine, SCORE, ScoreTable.TABLE, id);
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> client.select(engine, SCORE, ScoreTable.TABLE, id));
        assertEquals("TOO_MANY_SUBSCRIPTIONS", e.code());
        db.run(0, tx -> tx.update(ScoreTable.TABLE, id).payload(5));
        drain();
        assertEquals(3, client.frames().size());
        assertEquals(2, client.frames().get(2).items().size());
        assertFalse(engine.unsubscribe(client, 3));
        assertTrue(engine.unsubscribe(client, 2));
        assertEquals(3, client.select(engine, SCORE, ScoreTable.TABLE, id), "the refused one used no id");
        assertClean(client);
    }

    @Test
    void tooManyRowsRegistersNothing() {
        engine.close();
        engine = new Subscriptions(db, new SubscriptionLimits(10, 5));
        for (int i = 0; i < 8; i++) {
            insertScore(i, i, "r");
        }
        TestClient client = new TestClient();
        int first = client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null,
                false, 3, false);
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null,
                        false, 3, true));
        assertEquals("TOO_MANY_ROWS", e.code());
        insertScore(-1, 100, "r");
        drain();
        assertEquals(2, client.frames().size(), "SUBSCRIBED, then one UPDATE for the first query only");
        assertEquals(3, client.mirror(first).size());
        int second = client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null,
                false, 2, true);
        assertEquals(2, second, "the refused subscription used no id");
        drain();
        assertEquals(2, client.mirror(second).size());
        assertClean(client);
    }

    @Test
    void aConnectionWhoseRowsGrowPastTheLimitIsToldAndForgotten() {
        engine.close();
        engine = new Subscriptions(db, new SubscriptionLimits(10, 5));
        TestClient client = new TestClient();
        client.query(engine, SCORE, ScoreTable.TABLE, ScoreTable.POINTS.position(), null, false, null, false,
                Integer.MAX_VALUE, false);
        for (int i = 0; i < 5; i++) {
            insertScore(i, i, "r");
        }
        drain();
        assertEquals(List.of(), client.errors());
        insertScore(9, 9, "r");
        drain();
        assertEquals(List.of("TOO_MANY_ROWS"), client.errors());
        int frames = client.rawFrames().size();
        insertScore(10, 10, "r");
        drain();
        assertEquals(frames, client.rawFrames().size());
        assertClean(client);
    }
}
