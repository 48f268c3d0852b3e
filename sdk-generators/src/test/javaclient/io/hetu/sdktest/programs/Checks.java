package io.hetu.sdktest.programs;

import io.hetu.sdktest.client.ConnectionState;
import io.hetu.sdktest.client.HetuConnection;
import io.hetu.sdktest.client.HetuRejection;
import io.hetu.sdktest.client.Subscription;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What the test programs share: waiting on the SDK's futures and events (each wait bounded by a guard against a hung
 * program, not a performance expectation), and checks that fail with what was expected.
 */
final class Checks {

    /** Stops a hung wait; never reached when the SDK works. */
    static final long GUARD_SECONDS = 60;

    private Checks() {}

    /** The future's value; its failure (unwrapped) rethrown. */
    static <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("gave up waiting for " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what);
        }
    }

    /** The failure of a future that must fail with a rejection. */
    static HetuRejection rejection(CompletionStage<?> stage, String what) {
        try {
            Object value = await(stage, what);
            throw new AssertionError(what + " should have been rejected, but completed with " + value);
        } catch (HetuRejection rejection) {
            return rejection;
        }
    }

    /** The failure of a future that must fail with an exception of this type. */
    static <E extends Throwable> E failure(CompletionStage<?> stage, Class<E> type, String what) {
        try {
            stage.toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (type.isInstance(e.getCause())) {
                return type.cast(e.getCause());
            }
            throw new AssertionError(what + ": expected a " + type.getSimpleName() + ", got " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError("gave up waiting for " + what);
        }
        throw new AssertionError(what + " should have failed with a " + type.getSimpleName());
    }

    /**
     * Waits until {@code condition} holds, checking on the client thread now and after every change of the
     * subscription: so no sleeping, and it sees the cache at whole commits.
     */
    static void until(HetuConnection connection, Subscription<?> subscription, BooleanSupplier condition,
            String what) {
        CompletableFuture<Void> met = new CompletableFuture<>();
        Runnable check = () -> {
            if (condition.getAsBoolean()) {
                met.complete(null);
            }
        };
        Runnable[] stops = {subscription.onInsert((id, row) -> check.run()),
                subscription.onUpdate((id, row, previous) -> check.run()),
                subscription.onDelete((id, row) -> check.run())};
        try {
            connection.execute(check);
            await(met, what);
        } finally {
            for (Runnable stop : stops) {
                stop.run();
            }
        }
    }

    /** Waits until the connection's state satisfies {@code condition}, told by its state changes. */
    static void untilState(HetuConnection connection, Predicate<ConnectionState> condition, String what) {
        if (condition.test(connection.state())) {
            return;
        }
        CompletableFuture<Void> met = new CompletableFuture<>();
        Runnable stop = connection.onStateChange(state -> {
            if (condition.test(state)) {
                met.complete(null);
            }
        });
        try {
            // Changed before the listener was added?
            if (condition.test(connection.state())) {
                return;
            }
            await(met, what);
        } finally {
            stop.run();
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    static void same(Object expected, Object actual, String what) {
        if (!Objects.deepEquals(expected, actual)) {
            throw new AssertionError(what + ": expected " + expected + ", got " + actual);
        }
    }
}
