package io.hetu.storage.embedded;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/** Where the embedded backend makes commits durable. */
interface CommitLog extends AutoCloseable {

    /** Called under the commit lock, in seq order, before the commit is applied. */
    void append(long seq, byte[] payload);

    /** Completes when the commit with this seq is durable. */
    CompletableFuture<Void> durable(long seq);

    /** Called, in increasing order, with the highest seq that became durable. */
    void onDurable(LongConsumer listener);

    /** The highest durable seq; it is updated before {@link #onDurable} listeners are called. */
    long durableSeq();

    @Override
    void close();

    /** No durability: every commit counts as durable at once (tables that live in memory only). */
    static CommitLog none() {
        return new CommitLog() {
            private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
            private volatile LongConsumer listener = seq -> { };

            @Override
            public void append(long seq, byte[] payload) {}

            @Override
            public CompletableFuture<Void> durable(long seq) {
                return DONE;
            }

            @Override
            public void onDurable(LongConsumer consumer) {
                listener = consumer;
            }

            @Override
            public long durableSeq() {
                return Long.MAX_VALUE;
            }

            @Override
            public void close() {}
        };
    }
}
