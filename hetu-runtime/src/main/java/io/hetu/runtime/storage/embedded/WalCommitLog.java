package io.hetu.runtime.storage.embedded;

import io.hetu.runtime.durability.Durability;
import io.hetu.runtime.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/** Commits made durable by the write-ahead log of a data directory. */
final class WalCommitLog implements CommitLog {

    private final Durability durability;

    WalCommitLog(Durability durability) {
        this.durability = durability;
    }

    @Override
    public void append(long seq, byte[] payload) {
        try {
            durability.wal().append(seq, payload);
        } catch (IOException e) {
            throw new StorageException("the commit could not be logged, so it was not applied: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Void> durable(long seq) {
        return durability.wal().durable(seq);
    }

    @Override
    public void onDurable(LongConsumer listener) {
        durability.wal().onDurable(listener);
    }

    @Override
    public long durableSeq() {
        return durability.wal().durableSeq();
    }

    @Override
    public void close() {
        try {
            durability.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the data directory " + durability.directory() + " failed", e);
        }
    }
}
