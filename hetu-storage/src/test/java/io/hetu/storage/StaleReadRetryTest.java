package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.KeyRange;
import io.hetu.storage.fixtures.Doctor;
import io.hetu.storage.fixtures.DoctorTable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A body that fails because it saw rows change under it (reads are checked only at commit) is
 * retried as a conflict; a body that fails on a consistent state fails for the caller.
 */
@Conformance
class StaleReadRetryTest {

    @Test
    void aFailureCausedByAConcurrentCommitIsRetried() throws Exception {
        try (Database db = Backends.open(List.of(DoctorTable.TABLE))) {
            long id = db.transact(0, tx -> tx.id(tx.insert(DoctorTable.TABLE, new Doctor(1, true))));
            CountDownLatch seen = new CountDownLatch(1);
            CountDownLatch deleted = new CountDownLatch(1);
            AtomicInteger attempts = new AtomicInteger();
            Thread deleter = Thread.ofPlatform().start(() -> {
                try {
                    seen.await(10, TimeUnit.SECONDS);
                    db.run(0, tx -> tx.delete(DoctorTable.TABLE, id));
                    deleted.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int onCall = db.transact(3, tx -> {
                List<?> ward = tx.range(DoctorTable.WARD, KeyRange.equalTo(1), 10, false);
                if (attempts.incrementAndGet() == 1) {
                    seen.countDown();
                    await(deleted);
                }
                int count = 0;
                for (Object row : ward) {
                    // Throws NullPointerException on the first attempt: the row is gone.
                    tx.update(DoctorTable.TABLE, tx.id((io.hetu.schema.RowView<?>) row)).onCall(false);
                    count++;
                }
                return count;
            });
            deleter.join();
            assertEquals(2, attempts.get(), "the failed first attempt ran again");
            assertEquals(0, onCall, "the second attempt saw the deletion");
        }
    }

    @Test
    void aFailureOnAConsistentStateReachesTheCaller() {
        try (Database db = Backends.open(List.of(DoctorTable.TABLE))) {
            AtomicInteger attempts = new AtomicInteger();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.run(5, tx -> {
                attempts.incrementAndGet();
                tx.insert(DoctorTable.TABLE, new Doctor(2, true));
                throw new IllegalStateException("the game rule says no");
            }));
            assertTrue(e.getMessage().contains("game rule"));
            assertEquals(1, attempts.get(), "not retried");
            int rows = db.transact(0, tx -> tx.range(DoctorTable.WARD, KeyRange.all(), 10, false).size());
            assertEquals(0, rows, "nothing committed");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
