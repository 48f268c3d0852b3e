package io.hetu.storage.spi;

/** Receives every commit's changes in seq order, after they are durable. */
@FunctionalInterface
public interface ChangeListener {
    void onCommit(ChangeSet changes);

    /**
     * The commits from {@code fromSeq} to {@code toSeq} will never reach this listener: a backend
     * shared by several servers could not deliver them (this server fell further behind than the
     * shared change stream keeps, or the shared store lost them). A listener that mirrors committed
     * state must start over from a fresh read; later commits arrive as usual. The embedded backend
     * never calls it.
     */
    default void onGap(long fromSeq, long toSeq, String reason) {}
}
