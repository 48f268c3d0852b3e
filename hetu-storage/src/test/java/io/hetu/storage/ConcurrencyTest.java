package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hetu.schema.KeyRange;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.fixtures.Account;
import io.hetu.storage.fixtures.AccountRow;
import io.hetu.storage.fixtures.AccountTable;
import io.hetu.storage.fixtures.Doctor;
import io.hetu.storage.fixtures.DoctorRow;
import io.hetu.storage.fixtures.DoctorTable;
import io.hetu.storage.fixtures.Item;
import io.hetu.storage.fixtures.ItemRow;
import io.hetu.storage.fixtures.ItemTable;
import io.hetu.storage.fixtures.Presence;
import io.hetu.storage.fixtures.PresenceRow;
import io.hetu.storage.fixtures.PresenceTable;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.system.ConflictException;
import io.hetu.system.UniqueViolationException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The storage engine under real threads: more threads than cores, bounded work, and invariants that
 * only hold when transactions are serializable. Nothing here measures time; the thread join limit
 * only turns a deadlock into a failure with stack traces instead of a hung build.
 */
@Conformance
public class ConcurrencyTest {

    private static final int THREADS = 6;
    private static final Duration HANG_LIMIT = Duration.ofMinutes(3);

    /** Runs {@code body(thread)} on {@code count} threads started together; rethrows the first failure. */
    public static void onThreads(int count, ThreadBody body) {
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            int index = t;
            threads.add(Thread.ofPlatform().name("storage-test-" + t).start(() -> {
                try {
                    start.await();
                    body.run(index);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            try {
                if (!thread.join(HANG_LIMIT)) {
                    StringBuilder dump = new StringBuilder();
                    for (Thread other : threads) {
                        dump.append('\n').append(other.getName()).append(' ').append(other.getState());
                        for (StackTraceElement frame : other.getStackTrace()) {
                            dump.append("\n    at ").append(frame);
                        }
                    }
                    fail("a worker thread did not finish: deadlock or livelock?" + dump);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("a worker thread failed: " + failures.getFirst(),
                    failures.getFirst());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    @FunctionalInterface
    public interface ThreadBody {
        void run(int thread) throws Exception;
    }

    // ------------------------------------------------------------------------------------- bank

    record Transfer(long from, long to, long amount) {}

    @Test
    void bankTransfersKeepTheTotalAndReadersSeeIt() {
        long seed = TestSeeds.seed("ConcurrencyTest.bankTransfersKeepTheTotalAndReadersSeeIt");
        int accounts = 8;
        long initial = 1_000;
        long total = accounts * initial;
        int writers = 4;
        int readers = 2;
        int transfersPerWriter = 3_000;
        int readsPerReader = 1_500;
        try (Database db = Backends.open(List.of(AccountTable.TABLE))) {
            db.run(0, tx -> {
                for (long owner = 1; owner <= accounts; owner++) {
                    tx.insert(AccountTable.TABLE, new Account(owner, initial));
                }
            });
            LongAdder attempts = new LongAdder();
            LongAdder readAttempts = new LongAdder();
            List<Transfer> done = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger refused = new AtomicInteger();
            onThreads(writers + readers, thread -> {
                Random rnd = new Random(seed + thread);
                if (thread >= writers) {
                    for (int i = 0; i < readsPerReader; i++) {
                        int style = i % 3;
                        long[] seen = db.transact(1_000, tx -> {
                            readAttempts.increment();
                            return readBalances(tx, accounts, style);
                        });
                        assertEquals(total, Arrays.stream(seen).sum(),
                                "a read-only transaction (style " + style + ") saw balances " + Arrays.toString(seen));
                        for (long balance : seen) {
                            assertTrue(balance >= 0, "a negative balance was seen: " + Arrays.toString(seen));
                        }
                    }
                    return;
                }
                for (int i = 0; i < transfersPerWriter; i++) {
                    long from = 1 + rnd.nextInt(accounts);
                    long to = 1 + (from + rnd.nextInt(accounts - 1)) % accounts;
                    long amount = 1 + rnd.nextInt(400);
                    boolean viaUpsert = rnd.nextBoolean();
                    Transfer transfer = db.transact(10_000, tx -> {
                        attempts.increment();
                        if (viaUpsert) {
                            AccountRow payer = tx.upsert(AccountTable.OWNER, from);
                            if (payer.balance() < amount) {
                                return null;
                            }
                            Thread.yield();
                            payer.balance(payer.balance() - amount);
                            AccountRow payee = tx.upsert(AccountTable.OWNER, to);
                            payee.balance(payee.balance() + amount);
                        } else {
                            AccountRow payer = tx.getBy(AccountTable.OWNER, from);
                            AccountRow payee = tx.getBy(AccountTable.OWNER, to);
                            long payerBalance = payer.balance();
                            long payeeBalance = payee.balance();
                            if (payerBalance < amount) {
                                return null;
                            }
                            Thread.yield();
                            tx.update(AccountTable.TABLE, tx.id(payer)).balance(payerBalance - amount);
                            tx.update(AccountTable.TABLE, tx.id(payee)).balance(payeeBalance + amount);
                        }
                        return new Transfer(from, to, amount);
                    });
                    if (transfer == null) {
                        refused.incrementAndGet();
                    } else {
                        done.add(transfer);
                    }
                }
            });
            long[] expected = new long[accounts + 1];
            Arrays.fill(expected, initial);
            for (Transfer t : done) {
                expected[(int) t.from()] -= t.amount();
                expected[(int) t.to()] += t.amount();
            }
            long[] actual = db.transact(0, tx -> readBalances(tx, accounts, 0));
            for (int owner = 1; owner <= accounts; owner++) {
                assertEquals(expected[owner], actual[owner - 1], "balance of owner " + owner
                        + " is not what the committed transfers add up to (a lost or doubled update)");
                assertTrue(actual[owner - 1] >= 0);
            }
            assertEquals(total, Arrays.stream(actual).sum());
            assertEquals(writers * transfersPerWriter, done.size() + refused.get());
            long transferRetries = attempts.sum() - (long) writers * transfersPerWriter;
            long readRetries = readAttempts.sum() - (long) readers * readsPerReader;
            System.out.println("  " + done.size() + " transfers, " + refused.get() + " refused for lack of funds, "
                    + transferRetries + " transfer retries, " + readRetries + " read-only retries");
        }
    }

    /** All balances, by owner, read three ways: one scan, point lookups, an in-place visit. */
    static long[] readBalances(Transaction tx, int accounts, int style) {
        long[] balances = new long[accounts];
        switch (style) {
            case 0 -> {
                List<AccountRow> rows = tx.range(AccountTable.OWNER, KeyRange.all(), Integer.MAX_VALUE, false);
                assertEquals(accounts, rows.size());
                for (AccountRow row : rows) {
                    balances[(int) row.owner() - 1] = row.balance();
                }
            }
            case 1 -> {
                for (long owner = accounts; owner >= 1; owner--) {
                    AccountRow row = tx.getBy(AccountTable.OWNER, owner);
                    balances[(int) owner - 1] = row.balance();
                    if (owner % 3 == 0) {
                        Thread.yield();
                    }
                }
            }
            default -> tx.forEach(AccountTable.OWNER, KeyRange.closed(1L, (long) accounts), accounts, true,
                    row -> balances[(int) row.owner() - 1] = row.balance());
        }
        return balances;
    }

    // ------------------------------------------------------------------------------ write skew

    @Test
    void writeSkewCannotTakeTheLastDoctorOffCall() {
        long seed = TestSeeds.seed("ConcurrencyTest.writeSkewCannotTakeTheLastDoctorOffCall");
        int wards = 6;
        int doctorsPerWard = 4;
        int rounds = 60;
        try (Database db = Backends.open(List.of(DoctorTable.TABLE))) {
            long[][] ids = new long[wards][doctorsPerWard];
            db.run(0, tx -> {
                for (int d = 0; d < doctorsPerWard; d++) {
                    for (int w = 0; w < wards; w++) {
                        ids[w][d] = tx.id(tx.insert(DoctorTable.TABLE, new Doctor(w, true)));
                    }
                }
            });
            LongAdder attempts = new LongAdder();
            for (int round = 0; round < rounds; round++) {
                if (round > 0) {
                    db.run(0, tx -> {
                        for (long[] ward : ids) {
                            for (long id : ward) {
                                tx.update(DoctorTable.TABLE, id).onCall(true);
                            }
                        }
                    });
                }
                int currentRound = round;
                onThreads(doctorsPerWard, doctor -> {
                    Random rnd = new Random(seed * 31 + currentRound * 131L + doctor);
                    List<Integer> order = new ArrayList<>();
                    for (int w = 0; w < wards; w++) {
                        order.add(w);
                    }
                    Collections.shuffle(order, rnd);
                    for (int ward : order) {
                        int style = rnd.nextInt(3);
                        db.run(10_000, tx -> {
                            attempts.increment();
                            int onCall;
                            boolean mineOnCall;
                            if (style < 2) {
                                // Read the ward through a scan; the doctor of this thread is the
                                // doctor-th row by id.
                                List<DoctorRow> doctors = tx.range(DoctorTable.WARD, KeyRange.equalTo(ward), 100,
                                        style == 1);
                                assertEquals(doctorsPerWard, doctors.size());
                                onCall = (int) doctors.stream().filter(DoctorRow::onCall).count();
                                DoctorRow mine = doctors.get(style == 1 ? doctorsPerWard - 1 - doctor : doctor);
                                assertEquals(ids[ward][doctor], tx.id(mine));
                                mineOnCall = mine.onCall();
                            } else {
                                // Count in place, then read this thread's doctor by id.
                                int[] count = {0};
                                tx.forEach(DoctorTable.WARD, KeyRange.closedOpen(ward, ward + 1), Integer.MAX_VALUE,
                                        false, row -> count[0] += row.onCall() ? 1 : 0);
                                onCall = count[0];
                                mineOnCall = tx.get(DoctorTable.TABLE, ids[ward][doctor]).onCall();
                            }
                            // Let the other doctors read the ward before this one writes.
                            Thread.yield();
                            if (onCall >= 2 && mineOnCall) {
                                tx.update(DoctorTable.TABLE, ids[ward][doctor]).onCall(false);
                            }
                        });
                    }
                });
                int[] onCall = db.transact(0, tx -> {
                    int[] counts = new int[wards];
                    for (DoctorRow row : tx.range(DoctorTable.WARD, KeyRange.all(), Integer.MAX_VALUE, false)) {
                        counts[row.ward()] += row.onCall() ? 1 : 0;
                    }
                    return counts;
                });
                for (int w = 0; w < wards; w++) {
                    // In any serial order the first three go off call and the last one sees only itself.
                    assertEquals(1, onCall[w], "round " + currentRound + ", ward " + w + ": doctors on call "
                            + Arrays.toString(onCall));
                }
            }
            System.out.println("  " + attempts.sum() + " attempts for " + rounds * wards * doctorsPerWard
                    + " transactions");
        }
    }

    // -------------------------------------------------------------------------------- phantoms

    @Test
    void phantomsCannotOverfillARange() {
        long seed = TestSeeds.seed("ConcurrencyTest.phantomsCannotOverfillARange");
        int levels = 4;
        int cap = 5;
        int attemptsPerLevel = 8;
        int rounds = 12;
        LongAdder attempts = new LongAdder();
        for (int round = 0; round < rounds; round++) {
            phantomRound(seed + round * 1_000_003L, levels, cap, attemptsPerLevel, attempts);
        }
        System.out.println("  " + attempts.sum() + " attempts for " + rounds * THREADS * levels * attemptsPerLevel
                + " transactions");
    }

    private static void phantomRound(long seed, int levels, int cap, int attemptsPerLevel, LongAdder attempts) {
        try (Database db = Backends.open(List.of(ItemTable.TABLE))) {
            // Rows outside the counted ranges, next to them in both indexes.
            db.run(0, tx -> {
                for (int level = -1; level <= levels; level += levels + 1) {
                    for (int i = 0; i < 5; i++) {
                        tx.insert(ItemTable.TABLE, new Item(level, "outside-" + level + "-" + i, level + 0.5, 0));
                    }
                }
                for (int level = 0; level < levels; level++) {
                    tx.insert(ItemTable.TABLE, new Item(level, "edge-" + level, level, 0));
                }
            });
            onThreads(THREADS, thread -> {
                Random rnd = new Random(seed + thread);
                for (int i = 0; i < levels * attemptsPerLevel; i++) {
                    int level = rnd.nextInt(levels);
                    int style = rnd.nextInt(4);
                    String name = "t" + thread + "-" + i;
                    db.run(10_000, tx -> {
                        attempts.increment();
                        int count = countLevel(tx, level, style, cap);
                        Thread.yield();
                        if (count < cap) {
                            // The score lies in (level, level + 1), so both indexes count the row.
                            tx.insert(ItemTable.TABLE, new Item(level, name, level + 0.25 + rnd.nextDouble() / 2, thread));
                        }
                    });
                }
            });
            db.run(0, tx -> {
                for (int level = 0; level < levels; level++) {
                    for (int style = 0; style < 4; style++) {
                        assertEquals(cap, countLevel(tx, level, style, Integer.MAX_VALUE - 1),
                                "level " + level + " counted by style " + style);
                    }
                }
            });
        }
    }

    /** Rows of one level (plus the one "edge" row whose score is exactly the level), counted four ways. */
    static int countLevel(Transaction tx, int level, int style, int cap) {
        return switch (style) {
            case 0 -> tx.range(ItemTable.LEVEL, KeyRange.equalTo(level), cap + 1, false).size() - 1;
            case 1 -> tx.range(ItemTable.LEVEL, KeyRange.closedOpen(level, level + 1), cap + 1, true).size() - 1;
            case 2 -> tx.range(ItemTable.SCORE, KeyRange.open((double) level, level + 1.0), cap, false).size();
            default -> {
                int[] count = {0};
                tx.forEach(ItemTable.SCORE, KeyRange.closedOpen((double) level, level + 1.0), Integer.MAX_VALUE, true,
                        row -> count[0]++);
                yield count[0] - 1;
            }
        };
    }

    // ----------------------------------------------------------------- consistency across tables

    @Test
    void readOnlyTransactionsSeeOneStateAcrossTables() {
        long seed = TestSeeds.seed("ConcurrencyTest.readOnlyTransactionsSeeOneStateAcrossTables");
        int pairs = 5;
        long total = 10_000;
        try (Database db = Backends.open(List.of(AccountTable.TABLE, PresenceTable.TABLE))) {
            db.run(0, tx -> {
                for (long owner = 1; owner <= pairs; owner++) {
                    tx.insert(AccountTable.TABLE, new Account(owner, total));
                    tx.insert(PresenceTable.TABLE, new Presence(owner, 0));
                }
            });
            AtomicLong checked = new AtomicLong();
            onThreads(THREADS, thread -> {
                Random rnd = new Random(seed + thread);
                for (int i = 0; i < 2_000; i++) {
                    long owner = 1 + rnd.nextInt(pairs);
                    if (thread < 3) {
                        // Move some of the pair's sum from one table to the other.
                        int delta = rnd.nextInt(-50, 51);
                        boolean presenceFirst = rnd.nextBoolean();
                        db.run(10_000, tx -> {
                            if (presenceFirst) {
                                PresenceRow presence = tx.upsert(PresenceTable.OWNER, owner);
                                presence.room(presence.room() + delta);
                            }
                            AccountRow account = tx.upsert(AccountTable.OWNER, owner);
                            account.balance(account.balance() - delta);
                            if (!presenceFirst) {
                                PresenceRow presence = tx.upsert(PresenceTable.OWNER, owner);
                                presence.room(presence.room() + delta);
                            }
                        });
                    } else {
                        boolean scan = rnd.nextBoolean();
                        long[] sums = db.transact(10_000, tx -> {
                            long[] s = new long[pairs + 1];
                            if (scan) {
                                for (PresenceRow row : tx.range(PresenceTable.OWNER, KeyRange.all(), 100, false)) {
                                    s[(int) row.owner()] += row.room();
                                }
                                tx.forEach(AccountTable.OWNER, KeyRange.all(), 100, false,
                                        row -> s[(int) row.owner()] += row.balance());
                            } else {
                                for (long o = 1; o <= pairs; o++) {
                                    s[(int) o] += tx.getBy(AccountTable.OWNER, o).balance();
                                    Thread.yield();
                                    s[(int) o] += tx.getBy(PresenceTable.OWNER, o).room();
                                }
                            }
                            return s;
                        });
                        for (int o = 1; o <= pairs; o++) {
                            assertEquals(total, sums[o], "owner " + o + " as seen by one read-only transaction");
                        }
                        checked.incrementAndGet();
                    }
                }
            });
            assertTrue(checked.get() > 0);
        }
    }

    // -------------------------------------------------------------------------------- lost updates

    @Test
    void upsertCountersLoseNoIncrement() {
        int counters = 3;
        int increments = 1_500;
        try (Database db = Backends.open(List.of(AccountTable.TABLE))) {
            onThreads(THREADS, thread -> {
                for (int i = 0; i < increments; i++) {
                    long owner = (i + thread) % counters;
                    // The first upsert of each counter races with the others' inserts.
                    db.run(10_000, tx -> {
                        AccountRow row = tx.upsert(AccountTable.OWNER, owner);
                        Thread.yield();
                        row.balance(row.balance() + 1);
                    });
                }
            });
            db.run(0, tx -> {
                List<AccountRow> rows = tx.range(AccountTable.OWNER, KeyRange.all(), 100, false);
                assertEquals(counters, rows.size(), "one row per counter");
                assertEquals((long) THREADS * increments, rows.stream().mapToLong(AccountRow::balance).sum());
            });
        }
    }

    @Test
    void racingInsertsOfOneUniqueKeyLeaveOneRow() {
        int keys = 500;
        try (Database db = Backends.open(List.of(ItemTable.TABLE))) {
            Map<String, Integer> winners = new ConcurrentHashMap<>();
            LongAdder violations = new LongAdder();
            onThreads(THREADS, thread -> {
                for (int k = 0; k < keys; k++) {
                    String name = "key-" + (thread % 2 == 0 ? k : keys - 1 - k);
                    try {
                        db.run(10_000, tx -> tx.insert(ItemTable.TABLE, new Item(thread, name, thread, thread)));
                        Integer before = winners.putIfAbsent(name, thread);
                        assertNull(before, name + " was inserted by threads " + before + " and " + thread);
                    } catch (UniqueViolationException e) {
                        violations.increment();
                    }
                }
            });
            assertEquals(keys, winners.size());
            assertEquals((long) keys * (THREADS - 1), violations.sum());
            db.run(0, tx -> {
                assertEquals(keys, tx.range(ItemTable.NAME, KeyRange.all(), Integer.MAX_VALUE, false).size());
                for (Map.Entry<String, Integer> e : winners.entrySet()) {
                    ItemRow row = tx.getBy(ItemTable.NAME, e.getKey());
                    assertNotNull(row);
                    assertEquals((int) e.getValue(), row.level(), e.getKey() + " holds the winner's row");
                }
            });
        }
    }

    // ------------------------------------------------------------------------------- change feed

    @Test
    void changeFeedDeliversEveryCommitOnceInOrderAndReplaysToTheTables() {
        long seed = TestSeeds.seed("ConcurrencyTest.changeFeedDeliversEveryCommitOnceInOrderAndReplaysToTheTables");
        List<TableDescriptor<?, ?>> tables = List.of(ItemTable.TABLE, AccountTable.TABLE, PresenceTable.TABLE);
        try (Database db = Backends.open(tables)) {
            // A durable backend has logged its catalog before the first commit: seqs continue from here.
            long firstSeq = db.backend().lastSeq();
            List<ChangeSet> feed = new ArrayList<>();
            AtomicInteger concurrentCalls = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            db.addChangeListener(changes -> {
                if (concurrentCalls.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                synchronized (feed) {
                    feed.add(changes);
                }
                concurrentCalls.decrementAndGet();
            });
            LongAdder writeCommits = new LongAdder();
            onThreads(THREADS, thread -> {
                Random rnd = new Random(seed + thread);
                for (int i = 0; i < 800; i++) {
                    int step = i;
                    int kind = rnd.nextInt(10);
                    long owner = rnd.nextInt(6);
                    int level = rnd.nextInt(5);
                    boolean wrote = db.transact(10_000, tx -> {
                        boolean writes = false;
                        if (kind < 3) {
                            for (int n = 0; n <= rnd.nextInt(3); n++) {
                                tx.insert(ItemTable.TABLE, new Item(level, "t" + thread + "-" + step + "-" + n,
                                        rnd.nextDouble(), owner));
                                writes = true;
                            }
                        } else if (kind < 6) {
                            List<ItemRow> rows = tx.range(ItemTable.LEVEL, KeyRange.equalTo(level), 4, rnd.nextBoolean());
                            for (ItemRow row : rows) {
                                // Reads are validated at commit only: a row the scan returned may be
                                // gone already. The commit would conflict, so retry now.
                                if (rnd.nextBoolean()) {
                                    ItemRow writable = tx.update(ItemTable.TABLE, tx.id(row));
                                    if (writable == null) {
                                        throw new ConflictException("row " + tx.id(row) + " was deleted meanwhile");
                                    }
                                    writable.score(rnd.nextDouble()).level(rnd.nextInt(5));
                                } else if (!tx.delete(ItemTable.TABLE, tx.id(row))) {
                                    throw new ConflictException("row " + tx.id(row) + " was deleted meanwhile");
                                }
                                writes = true;
                            }
                        } else if (kind < 8) {
                            AccountRow account = tx.upsert(AccountTable.OWNER, owner);
                            account.balance(account.balance() + 1);
                            PresenceRow presence = tx.upsert(PresenceTable.OWNER, owner);
                            presence.room(presence.room() + 1);
                            writes = true;
                        } else if (kind < 9) {
                            PresenceRow presence = tx.getBy(PresenceTable.OWNER, owner);
                            if (presence != null) {
                                tx.delete(PresenceTable.TABLE, tx.id(presence));
                                writes = true;
                            }
                        } else {
                            // Insert and delete again: nothing to publish, and no commit.
                            ItemRow row = tx.insert(ItemTable.TABLE, new Item(level, "gone-" + thread + "-" + step, 0, 0));
                            tx.delete(ItemTable.TABLE, tx.id(row));
                            tx.range(ItemTable.NAME, KeyRange.atLeast("t"), 3, false);
                        }
                        return writes;
                    });
                    if (wrote) {
                        writeCommits.increment();
                    }
                }
            });
            long lastSeq = db.backend().lastSeq();
            // Changes are published after they are durable, by the log writer: a commit's transact
            // may return before its publication has run. Wait for it (a hang guard, not a timing).
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (feedSize(feed) < lastSeq - firstSeq && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, overlaps.get(), "the listener ran on two threads at once");
            assertEquals(writeCommits.sum(), lastSeq - firstSeq, "every transaction that wrote takes one seq");
            assertEquals(lastSeq - firstSeq, feed.size(), "every commit is published once");
            for (int i = 0; i < feed.size(); i++) {
                assertEquals(firstSeq + i + 1, feed.get(i).seq(),
                        "the feed's seqs are strictly increasing, without gaps");
            }

            // Replay the after-images; every before-image must match what the replay holds.
            List<Map<Long, byte[]>> replayed = new ArrayList<>();
            for (int t = 0; t < tables.size(); t++) {
                replayed.add(new HashMap<>());
            }
            for (ChangeSet set : feed) {
                assertFalse(set.changes().isEmpty(), "commit " + set.seq() + " published no change");
                for (Change change : set.changes()) {
                    assertTrue(tables.get(change.tableNumber()) == change.table());
                    Map<Long, byte[]> rows = replayed.get(change.tableNumber());
                    byte[] current = rows.get(change.id());
                    String where = "seq " + set.seq() + " " + change.kind() + " " + change.table().name() + " row "
                            + change.id();
                    switch (change.kind()) {
                        case INSERT -> {
                            assertNull(current, where + ": inserted twice");
                            assertNull(change.before(), where);
                            rows.put(change.id(), bytes(change.after()));
                        }
                        case UPDATE -> {
                            assertNotNull(current, where + ": update of a row the feed never inserted");
                            assertArrayEquals(current, bytes(change.before()), where + ": before-image");
                            rows.put(change.id(), bytes(change.after()));
                        }
                        case DELETE -> {
                            assertNotNull(current, where + ": delete of a row the feed never inserted");
                            assertArrayEquals(current, bytes(change.before()), where + ": before-image");
                            assertNull(change.after(), where);
                            rows.remove(change.id());
                        }
                    }
                }
            }
            db.run(0, tx -> {
                assertSameRows(replayed.get(0), tableBytes(tx, tx.range(ItemTable.NAME, KeyRange.all(),
                        Integer.MAX_VALUE, false), ItemTable.TABLE), "Item");
                assertSameRows(replayed.get(1), tableBytes(tx, tx.range(AccountTable.OWNER, KeyRange.all(),
                        Integer.MAX_VALUE, false), AccountTable.TABLE), "Account");
                assertSameRows(replayed.get(2), tableBytes(tx, tx.range(PresenceTable.OWNER, KeyRange.all(),
                        Integer.MAX_VALUE, false), PresenceTable.TABLE), "Presence");
            });
        }
    }

    static void assertArrayEquals(byte[] expected, byte[] actual, String message) {
        assertTrue(Arrays.equals(expected, actual), message);
    }

    static byte[] bytes(MemorySegment segment) {
        assertNotNull(segment);
        return segment.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** The table's rows by id, as bytes. */
    static Map<Long, byte[]> tableBytes(Transaction tx, List<? extends io.hetu.schema.RowView<?>> rows,
            TableDescriptor<?, ?> table) {
        int size = table.layout().size();
        Map<Long, byte[]> out = new HashMap<>();
        for (var row : rows) {
            out.put(tx.id(row), row.segment().asSlice(row.offset(), size).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    static void assertSameRows(Map<Long, byte[]> expected, Map<Long, byte[]> actual, String table) {
        assertEquals(expected.keySet(), actual.keySet(), table + ": the ids of the rows");
        for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), table + " row " + e.getKey());
        }
    }

    private static int feedSize(List<ChangeSet> feed) {
        synchronized (feed) {
            return feed.size();
        }
    }
}
