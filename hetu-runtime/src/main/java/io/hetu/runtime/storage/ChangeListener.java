package io.hetu.runtime.storage;

/** Receives every commit's changes in seq order, after they are durable. */
@FunctionalInterface
public interface ChangeListener {
    void onCommit(ChangeSet changes);
}
