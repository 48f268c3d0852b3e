package io.hetu.storage;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.BackendProvider;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.system.ConflictException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The storage runtime's entry point: runs transactions against a {@link Backend}, retrying those
 * that conflict with jittered exponential backoff.
 *
 * <pre>{@code
 * try (Database db = Embedded.inMemory(List.of(PositionTable.TABLE))) {
 *     db.transact(3, tx -> tx.upsert(PositionTable.OWNER, 42L).x(1f).y(2f));
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {

    private static final long FIRST_BACKOFF_NANOS = 20_000;
    private static final long MAX_BACKOFF_NANOS = 5_000_000;

    private final Backend backend;
    private final Map<TableDescriptor<?, ?>, Integer> numbers = new IdentityHashMap<>();
    private final ThreadLocal<Transaction> transactions;
    /** The tables by number: the first few are found by identity without hashing. */
    private final TableDescriptor<?, ?>[] byNumber;

    public Database(Backend backend) {
        this.backend = backend;
        List<TableDescriptor<?, ?>> tables = backend.tables();
        for (int i = 0; i < tables.size(); i++) {
            numbers.put(tables.get(i), i);
        }
        this.byNumber = tables.toArray(TableDescriptor<?, ?>[]::new);
        this.transactions = ThreadLocal.withInitial(() -> new Transaction(this));
    }

    /**
     * The database at {@code location}, on the backend whose {@link BackendProvider} accepts it
     * (providers are found with {@link ServiceLoader}: {@code embedded:<dir>} here, {@code redis://...}
     * when hetu-redis is on the class path).
     *
     * @throws IllegalArgumentException when no provider accepts the location; the message lists the
     *     forms the providers on the class path serve
     * @throws SchemaMismatchException when the stored components do not match {@code tables}
     * @throws StorageException when the backend cannot be reached or cannot serve the database
     */
    public static Database open(String location, DurabilityConfig durability,
            List<? extends TableDescriptor<?, ?>> tables) throws IOException {
        return new Database(provider(location).open(location, durability, tables));
    }

    /** The provider that serves {@code location}; see {@link #open(String, DurabilityConfig, List)}. */
    public static BackendProvider provider(String location) {
        List<String> forms = new ArrayList<>();
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, Database.class.getClassLoader())) {
            if (provider.accepts(location)) {
                return provider;
            }
            forms.add(provider.usage());
        }
        throw new IllegalArgumentException("--db must be " + String.join(" or ", forms) + ", was '" + location + "'");
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Runs {@code body} in a transaction and commits it, waiting until the commit is durable. On a
     * conflict it runs the body again, up to {@code retries} more times ({@code 0}: run once).
     *
     * @throws ConflictException when the last attempt conflicted too
     * @throws StorageException when the commit was refused and not applied
     * @throws CommitOutcomeUnknownException when the storage failed while making it durable
     */
    public <T> T transact(int retries, TransactionBody<T> body) {
        Object[] result = new Object[1];
        long seq = commit(retries, tx -> result[0] = body.run(tx));
        if (seq != 0) {
            try {
                backend.durable(seq).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException failure ? failure : e;
            }
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /**
     * Runs {@code body} in a transaction and commits it like {@link #transact}, but returns as soon
     * as the commit is applied, without waiting for durability: the commit's seq, or 0 when the
     * transaction wrote nothing. Wait with {@link #durable(long)} before telling anyone it happened.
     */
    public long commit(int retries, Consumer<Transaction> body) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, was " + retries);
        }
        Transaction tx = transactions.get();
        for (int attempt = 0; ; attempt++) {
            tx.begin();
            try {
                body.accept(tx);
                return tx.commit();
            } catch (ConflictException e) {
                tx.abort();
                if (attempt >= retries) {
                    throw new ConflictException("gave up after " + (attempt + 1) + " attempt(s): " + e.getMessage());
                }
            } catch (RuntimeException e) {
                // Reads are checked at commit, so a body can fail because it saw a state that never
                // existed (a row another commit deleted between two reads). Such a failure is a
                // conflict: run again. A failure on a consistent state is the caller's.
                boolean sawStaleState = !backend.validateReadOnly(tx);
                tx.abort();
                if (!sawStaleState) {
                    throw e;
                }
                if (attempt >= retries) {
                    ConflictException conflict = new ConflictException("gave up after " + (attempt + 1)
                            + " attempt(s): the transaction failed on rows that changed while it ran");
                    conflict.addSuppressed(e);
                    throw conflict;
                }
            } catch (Error e) {
                tx.abort();
                throw e;
            } finally {
                backend.attemptFinished();
            }
            backoff(attempt);
        }
    }

    /** Completes when the commit with this seq is durable. */
    public CompletableFuture<Void> durable(long seq) {
        return backend.durable(seq);
    }

    /** Whether the commit with this seq is durable already; see {@link Backend#isDurable(long)}. */
    public boolean isDurable(long seq) {
        return backend.isDurable(seq);
    }

    /** Runs a transaction without a result. */
    public void run(int retries, Consumer<Transaction> body) {
        transact(retries, tx -> {
            body.accept(tx);
            return null;
        });
    }

    public void addChangeListener(ChangeListener listener) {
        backend.addChangeListener(listener);
    }

    public void removeChangeListener(ChangeListener listener) {
        backend.removeChangeListener(listener);
    }

    int tableNumber(TableDescriptor<?, ?> table) {
        TableDescriptor<?, ?>[] known = byNumber;
        for (int i = 0; i < known.length && i < 8; i++) {
            if (known[i] == table) {
                return i;
            }
        }
        Integer number = numbers.get(table);
        if (number == null) {
            throw new IllegalArgumentException("component " + table.namespace() + "." + table.name()
                    + " is not part of this database; open it with that table");
        }
        return number;
    }

    private static void backoff(int attempt) {
        long ceiling = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(attempt, 20));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    @Override
    public void close() {
        backend.close();
    }
}
