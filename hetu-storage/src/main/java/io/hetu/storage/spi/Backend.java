package io.hetu.storage.spi;

import io.hetu.schema.Key;
import io.hetu.schema.TableDescriptor;
import io.hetu.system.CommitOutcomeUnknownException;
import io.hetu.system.ConflictException;
import io.hetu.system.UniqueViolationException;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where committed rows live: the layer under {@code Transaction}. A backend serves committed state
 * to transactions and validates and applies their commits atomically; transactions, systems and
 * subscriptions never see which backend they run on. Tables and indexes are addressed by number:
 * a table's position in {@link #tables()} and an index's position in its descriptor's
 * {@code indexes()}.
 *
 * <p>Every backend must pass the conformance suite in the runtime's tests.
 */
public interface Backend extends AutoCloseable {

    /** The tables served, in table-number order. */
    List<TableDescriptor<?, ?>> tables();

    /**
     * Copies the committed row with this id to {@code target} and returns its version (the commit
     * seq that last wrote it), or returns 0 when there is no such row.
     */
    long read(int table, long id, MemorySegment target, long targetOffset);

    /** The id of the committed row whose unique column holds {@code key}, or 0. */
    long lookup(int table, int index, Key key);

    /**
     * Visits committed rows whose key lies between the bounds (null: unbounded), in index order
     * (by key, then id), at most {@code limit}. The row memory passed to the visitor is valid only
     * during the call.
     */
    void scan(int table, int index, Key low, boolean lowInclusive, Key high, boolean highInclusive, int limit,
            boolean descending, RowVisitor visitor);

    /**
     * Visits every committed row of a table, in the table's own order (stable while no commit
     * intervenes), until the visitor returns false.
     */
    void scanTable(int table, RowVisitor visitor);

    /** A new, never used id for a row a transaction inserts. */
    long reserveId(int table);

    /** Gives back an id reserved by a transaction that did not commit it. */
    void releaseId(int table, long id);

    /**
     * Validates the request's reads against committed state and applies its writes, atomically.
     *
     * @return the commit seq
     * @throws ConflictException when a read is no longer current (the transaction may retry)
     * @throws UniqueViolationException when a write would duplicate a unique key
     */
    long commit(CommitRequest request);

    /** Whether all of a read-only transaction's reads were current at one moment. */
    boolean validateReadOnly(CommitRequest request);

    /**
     * Called on the thread that ran one attempt of a transaction once the attempt is over, whatever
     * its outcome (committed, read-only, conflicted or failed). A backend may end state it keeps
     * for the attempt; the default does nothing.
     */
    default void attemptFinished() {}

    /**
     * Completes when the commit with this seq is durable under the backend's policy, or fails when
     * it never can be: with a {@link CommitOutcomeUnknownException} when the storage failed while
     * making it durable (it may or may not survive).
     */
    CompletableFuture<Void> durable(long seq);

    /**
     * Whether the commit with this seq is durable already, without waiting and without starting
     * any write: a cheap check for the common case (a reply that depends on a commit made durable
     * long ago). False does not mean it never will be; ask {@link #durable(long)}.
     */
    boolean isDurable(long seq);

    /** The seq of the latest commit. */
    long lastSeq();

    /**
     * Whether other processes commit to the same store (Redis): then what a server knows of its own
     * connections is not the whole truth, and logins are shared through the store. The default: no.
     */
    default boolean shared() {
        return false;
    }

    /**
     * Each table's rows and memory, in table-number order, read without stopping commits (so the
     * numbers of different tables may be of different moments); empty when the backend cannot tell
     * without reading every row (the default: Redis).
     */
    default List<TableStats> tableStats() {
        return List.of();
    }

    /**
     * Runs {@code reads} (calls of {@link #read}, {@link #lookup} and {@link #scan}) against a
     * state that no commit changes while they run, and returns that state's seq: everything
     * committed up to it and nothing after. Commits wait meanwhile, so keep the reads short.
     */
    long readConsistent(Runnable reads);

    /**
     * Receives every commit's changes, once, in seq order, after the commit is durable. Listeners
     * run on the backend's publishing thread (the log writer, for a durable backend): they must be
     * quick and must not run or wait for transactions.
     */
    void addChangeListener(ChangeListener listener);

    /** Stops publishing to a listener; a publication already running may still reach it. */
    void removeChangeListener(ChangeListener listener);

    @Override
    void close();
}
