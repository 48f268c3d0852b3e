package io.hetu.storage.embedded;

import io.hetu.storage.durability.Durability;
import io.hetu.storage.durability.LogFailedException;
import io.hetu.system.CommitOutcomeUnknownException;
import io.hetu.system.StorageException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * Commits made durable by the write-ahead log of a data directory. The log's failures become the
 * storage's: a refused append a {@link StorageException} (not applied), a commit the log failed
 * while writing a {@link CommitOutcomeUnknownException}.
 */
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
            throw new StorageException(e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Void> durable(long seq) {
        CompletableFuture<Void> durable = durability.wal().durable(seq);
        if (durable.isDone() && !durable.isCompletedExceptionally()) {
            return durable;
        }
        return durable.exceptionallyCompose(e -> CompletableFuture.failedFuture(storageFailure(e)));
    }

    private static StorageException storageFailure(Throwable e) {
        if (e instanceof LogFailedException failed && failed.outcomeUnknown()) {
            return new CommitOutcomeUnknownException(failed.getMessage(), failed);
        }
        return new StorageException(e.getMessage(), e);
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
            throw new StorageException("closing the data directory " + durability.directory() + " failed: "
                    + e.getMessage(), e);
        }
    }
}
