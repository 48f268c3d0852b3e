package io.hetu.redis;

import static io.hetu.storage.ConcurrencyTest.onThreads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.KeyRange;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.Database;
import io.hetu.storage.fixtures.Account;
import io.hetu.storage.fixtures.AccountRow;
import io.hetu.storage.fixtures.AccountTable;
import io.hetu.storage.fixtures.Doctor;
import io.hetu.storage.fixtures.DoctorRow;
import io.hetu.storage.fixtures.DoctorTable;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two backends on one Redis database, as two server instances would be: serializability holds
 * across them (no lost update, no write skew), and each sees the other's commits on its change
 * feed, in seq order, once.
 */
class TwoInstancesTest {

    private static Database[] open(RedisConfig config, List<? extends TableDescriptor<?, ?>> tables) {
        return new Database[] {Redis.open(config, tables), Redis.open(config, tables)};
    }

    private static void closeAll(Database[] databases) {
        for (Database db : databases) {
            db.close();
        }
    }

    @Test
    void transfersThroughTwoInstancesKeepEveryUnitAndReadersSeeTheTotal() {
        int accounts = 6;
        long initial = 1_000;
        RedisConfig config = RedisServer.shared().database("two-bank");
        Database[] dbs = open(config, List.of(AccountTable.TABLE));
        try {
            dbs[0].run(0, tx -> {
                for (long owner = 1; owner <= accounts; owner++) {
                    tx.insert(AccountTable.TABLE, new Account(owner, initial));
                }
            });
            long[] net = new long[accounts + 1];
            onThreads(6, thread -> {
                Database db = dbs[thread % 2];
                Random rnd = new Random(thread);
                for (int i = 0; i < 300; i++) {
                    if (thread >= 4) {
                        long[] seen = db.transact(1_000, tx -> {
                            long[] balances = new long[accounts];
                            for (AccountRow row : tx.range(AccountTable.OWNER, KeyRange.all(), accounts, false)) {
                                balances[(int) row.owner() - 1] = row.balance();
                            }
                            return balances;
                        });
                        assertEquals(accounts * initial, Arrays.stream(seen).sum(), "a reader saw " + Arrays.toString(seen));
                        continue;
                    }
                    long from = 1 + rnd.nextInt(accounts);
                    long to = 1 + (from + rnd.nextInt(accounts - 1)) % accounts;
                    long amount = 1 + rnd.nextInt(300);
                    boolean moved = db.transact(10_000, tx -> {
                        AccountRow payer = tx.getBy(AccountTable.OWNER, from);
                        AccountRow payee = tx.getBy(AccountTable.OWNER, to);
                        long payerBalance = payer.balance();
                        long payeeBalance = payee.balance();
                        if (payerBalance < amount) {
                            return false;
                        }
                        Thread.yield();
                        tx.update(AccountTable.TABLE, tx.id(payer)).balance(payerBalance - amount);
                        tx.update(AccountTable.TABLE, tx.id(payee)).balance(payeeBalance + amount);
                        return true;
                    });
                    if (moved) {
                        synchronized (net) {
                            net[(int) from] -= amount;
                            net[(int) to] += amount;
                        }
                    }
                }
            });
            for (Database db : dbs) {
                for (long owner = 1; owner <= accounts; owner++) {
                    long o = owner;
                    long balance = db.transact(0, tx -> tx.getBy(AccountTable.OWNER, o).balance());
                    assertEquals(initial + net[(int) owner], balance, "owner " + owner
                            + ": the committed transfers do not add up (a lost or doubled update)");
                }
            }
        } finally {
            closeAll(dbs);
        }
    }

    @Test
    void writeSkewAcrossInstancesCannotTakeTheLastDoctorOffCall() {
        int wards = 4;
        int doctors = 4;
        RedisConfig config = RedisServer.shared().database("two-doctors");
        Database[] dbs = open(config, List.of(DoctorTable.TABLE));
        try {
            long[][] ids = new long[wards][doctors];
            for (int round = 0; round < 15; round++) {
                if (round == 0) {
                    dbs[0].run(0, tx -> {
                        for (int d = 0; d < doctors; d++) {
                            for (int w = 0; w < wards; w++) {
                                ids[w][d] = tx.id(tx.insert(DoctorTable.TABLE, new Doctor(w, true)));
                            }
                        }
                    });
                } else {
                    dbs[1].run(0, tx -> {
                        for (long[] ward : ids) {
                            for (long id : ward) {
                                tx.update(DoctorTable.TABLE, id).onCall(true);
                            }
                        }
                    });
                }
                int currentRound = round;
                onThreads(doctors, doctor -> {
                    Database db = dbs[doctor % 2];
                    List<Integer> order = new ArrayList<>();
                    for (int w = 0; w < wards; w++) {
                        order.add(w);
                    }
                    Collections.shuffle(order, new Random(currentRound * 31L + doctor));
                    for (int ward : order) {
                        db.run(10_000, tx -> {
                            List<DoctorRow> staff = tx.range(DoctorTable.WARD, KeyRange.equalTo(ward), 100, false);
                            long onCall = staff.stream().filter(DoctorRow::onCall).count();
                            Thread.yield();
                            if (onCall >= 2 && tx.get(DoctorTable.TABLE, ids[ward][doctor]).onCall()) {
                                tx.update(DoctorTable.TABLE, ids[ward][doctor]).onCall(false);
                            }
                        });
                    }
                });
                int[] onCall = dbs[currentRound % 2].transact(0, tx -> {
                    int[] counts = new int[wards];
                    for (DoctorRow row : tx.range(DoctorTable.WARD, KeyRange.all(), Integer.MAX_VALUE, false)) {
                        counts[row.ward()] += row.onCall() ? 1 : 0;
                    }
                    return counts;
                });
                for (int w = 0; w < wards; w++) {
                    assertEquals(1, onCall[w], "round " + round + ": doctors on call per ward " + Arrays.toString(onCall));
                }
            }
        } finally {
            closeAll(dbs);
        }
    }

    @Test
    void eachInstanceReceivesEveryCommitOfBothInSeqOrderOnce() throws InterruptedException {
        RedisConfig config = RedisServer.shared().database("two-feed");
        Database[] dbs = open(config, List.of(AccountTable.TABLE));
        try {
            List<List<ChangeSet>> received = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
            for (int i = 0; i < 2; i++) {
                dbs[i].addChangeListener(received.get(i)::add);
            }
            int commits = 200;
            AtomicLong lastSeq = new AtomicLong();
            onThreads(4, thread -> {
                for (int i = 0; i < commits / 4; i++) {
                    long owner = thread * 1_000L + i;
                    long seq = dbs[thread % 2].commit(0, tx -> tx.insert(AccountTable.TABLE, new Account(owner, owner)));
                    lastSeq.accumulateAndGet(seq, Math::max);
                }
            });
            for (int i = 0; i < 2; i++) {
                List<ChangeSet> sets = received.get(i);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (sets.size() < commits && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(commits, sets.size(), "instance " + i + " received every commit once");
                for (int n = 0; n < sets.size(); n++) {
                    ChangeSet set = sets.get(n);
                    assertEquals(n + 1, set.seq(), "instance " + i + ": commits arrive in seq order without gaps");
                    assertEquals(1, set.changes().size());
                    assertEquals(ChangeKind.INSERT, set.changes().getFirst().kind());
                    assertEquals(AccountTable.TABLE, set.changes().getFirst().table());
                    long owner = set.changes().getFirst().after().get(io.hetu.schema.Layouts.I64,
                            AccountTable.TABLE.layout().field("owner").offset());
                    assertTrue(owner % 1_000 < commits / 4, "the row after the insert, owner " + owner);
                }
                assertEquals(lastSeq.get(), dbs[i].backend().lastSeq(), "lastSeq once everything is delivered");
            }
        } finally {
            closeAll(dbs);
        }
    }
}
