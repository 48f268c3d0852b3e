package io.hetu.sdk;

import io.hetu.sdk.fixtures.SpotRow;
import io.hetu.sdk.fixtures.SpotTable;
import io.hetu.storage.Database;

/** What the SDKs' lost-reply tests read from the store: how many times {@code step} ran for a user. */
public final class OnceCalls {

    /** Guards against a hung client; not a performance expectation. */
    private static final long GUARD_MILLIS = 60_000;

    private OnceCalls() {}

    /** How many times user {@code owner}'s {@code step} ran (its spot's x). */
    public static int steps(Database database, long owner) {
        return database.transact(0, tx -> {
            SpotRow spot = tx.getBy(SpotTable.OWNER, owner);
            return spot == null ? 0 : (int) spot.x();
        });
    }

    /** Waits until {@code step} has run {@code count} times for {@code owner}: the lost call committed. */
    public static void awaitSteps(Database database, long owner, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GUARD_MILLIS;
        while (steps(database, owner) < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("step did not run " + count + " times for user " + owner);
            }
            Thread.sleep(5);
        }
    }
}
