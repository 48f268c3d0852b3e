package io.hetu.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, bounded, for what a client will see: pushes arrive on the client's own thread a moment
 * after the commit. Polls every millisecond for at most {@link #LIMIT}, then fails with what it was
 * waiting for.
 */
public final class Await {

    /** The longest any wait lasts before it fails. */
    public static final Duration LIMIT = Duration.ofSeconds(10);

    private Await() {}

    /** The first non-null value {@code probe} returns. */
    public static <T> T until(Supplier<T> probe) {
        return until("a value", probe);
    }

    /** The first non-null value {@code probe} returns; {@code what} names it if none comes. */
    public static <T> T until(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + LIMIT.toSeconds() + " s for " + what + " in vain");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Returns once {@code condition} holds. */
    public static void that(String what, BooleanSupplier condition) {
        until(what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }
}
