package __HETU_PACKAGE__;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The rows of one {@code select} or {@code query}, kept up to date by the server's updates and, after a reconnect or
 * a login, by reconciling with a fresh snapshot: rows gone while away fire {@code onDelete}, changed ones
 * {@code onUpdate}, new ones {@code onInsert}.
 *
 * <p>The connection applies every change and runs every listener on its one client thread, a commit at a time; a
 * listener sees the cache as of the change it is told about. Read {@link #rows()} from a listener (or a task given to
 * {@link HetuConnection#execute}) for a view that never falls between two commits; from another thread it is safe
 * to read but may be mid-commit. A listener must not block on the client's futures.
 *
 * @param <Row> the component's generated row record
 */
public final class Subscription<Row> {

    /** Told about a row that entered the result (insert), or left it (delete, with the row as it was). */
    @FunctionalInterface
    public interface RowListener<Row> {
        void row(long id, Row row);
    }

    /** Told about a row of the result that changed and stayed. */
    @FunctionalInterface
    public interface UpdateListener<Row> {
        void update(long id, Row row, Row previous);
    }

    private final RowType<Row> type;
    private final Map<Long, Row> rows = new ConcurrentHashMap<>();
    private final Map<Long, Row> rowsView = Collections.unmodifiableMap(rows);
    /** The layout bytes of each row, to tell which rows changed while the connection was away. */
    private final Map<Long, byte[]> raw = new HashMap<>();
    private final List<RowListener<Row>> inserts = new CopyOnWriteArrayList<>();
    private final List<UpdateListener<Row>> updates = new CopyOnWriteArrayList<>();
    private final List<RowListener<Row>> deletes = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> ends = new CopyOnWriteArrayList<>();
    private final HetuConnection connection;
    /** The SELECT or QUERY frame for a request id. */
    private final LongFunction<byte[]> request;
    private volatile long seq;
    private volatile boolean active = true;
    /** Whether a snapshot was ever applied: later snapshots come from reconnecting or a login and are reconciled. */
    private boolean snapshotted;
    /** The server's id for it on the current socket, or -1 while it is being (re)subscribed. */
    private long serverId = -1;

    Subscription(HetuConnection connection, RowType<Row> type, LongFunction<byte[]> request) {
        this.connection = connection;
        this.type = type;
        this.request = request;
    }

    /** The rows by id, as of the latest update applied; unmodifiable, and live. */
    public Map<Long, Row> rows() {
        return rowsView;
    }

    /** The commit seq the rows reflect. */
    public long seq() {
        return seq;
    }

    /** False once unsubscribed, or once the connection ended for good. */
    public boolean active() {
        return active;
    }

    /** The component whose rows these are. */
    public RowType<Row> type() {
        return type;
    }

    /** Calls {@code listener} for every row that enters the result; run the returned action to remove it. */
    public Runnable onInsert(RowListener<Row> listener) {
        return listen(inserts, listener);
    }

    /** Calls {@code listener} for every row of the result that changes; run the returned action to remove it. */
    public Runnable onUpdate(UpdateListener<Row> listener) {
        return listen(updates, listener);
    }

    /** Calls {@code listener} for every row that leaves the result; run the returned action to remove it. */
    public Runnable onDelete(RowListener<Row> listener) {
        return listen(deletes, listener);
    }

    /**
     * Calls {@code listener} when the subscription ends: with null after {@link #unsubscribe()}, else with why (a
     * {@link HetuRejection} of a renewal, the {@link HetuError} that closed the connection).
     */
    public Runnable onEnd(Consumer<Throwable> listener) {
        return listen(ends, listener);
    }

    /** Ends the subscription; nothing more is applied to {@link #rows()} once the future completes. */
    public CompletableFuture<Void> unsubscribe() {
        return connection.unsubscribe(this);
    }

    private static <L> Runnable listen(List<L> listeners, L listener) {
        if (listener == null) {
            throw new NullPointerException("listener");
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ---------------------------------------------------------------- driven by the connection, on its thread

    byte[] request(long requestId) {
        return request.apply(requestId);
    }

    long serverId() {
        return serverId;
    }

    void serverId(long serverId) {
        this.serverId = serverId;
    }

    boolean snapshotted() {
        return snapshotted;
    }

    void seq(long seq) {
        this.seq = seq;
    }

    /** One row of a snapshot: its id and layout bytes. */
    record SnapshotRow(long id, byte[] bytes) {}

    /** Applies a snapshot: the first fills the cache silently, later ones reconcile it. */
    void applySnapshot(long seq, List<SnapshotRow> snapshot) {
        this.seq = seq;
        if (!snapshotted) {
            snapshotted = true;
            for (SnapshotRow row : snapshot) {
                raw.put(row.id(), row.bytes());
                rows.put(row.id(), type.decode(row.bytes()));
            }
            return;
        }
        Set<Long> present = new HashSet<>();
        snapshot.forEach(row -> present.add(row.id()));
        for (Long id : new ArrayList<>(raw.keySet())) {
            if (!present.contains(id)) {
                change(HetuProtocol.KIND_DELETE, id, null);
            }
        }
        for (SnapshotRow row : snapshot) {
            byte[] before = raw.get(row.id());
            if (before == null) {
                change(HetuProtocol.KIND_INSERT, row.id(), row.bytes());
            } else if (!Arrays.equals(before, row.bytes())) {
                change(HetuProtocol.KIND_UPDATE, row.id(), row.bytes());
            }
        }
    }

    /** Applies one change of an UPDATE: an insert, an update or a delete (without bytes). */
    void change(int kind, long id, byte[] bytes) {
        Row previous = rows.get(id);
        if (kind == HetuProtocol.KIND_DELETE) {
            if (previous == null) {
                return;
            }
            rows.remove(id);
            raw.remove(id);
            for (RowListener<Row> listener : deletes) {
                notify(() -> listener.row(id, previous));
            }
            return;
        }
        if (bytes == null) {
            return;
        }
        Row row = type.decode(bytes);
        rows.put(id, row);
        raw.put(id, bytes);
        if (previous == null) {
            for (RowListener<Row> listener : inserts) {
                notify(() -> listener.row(id, row));
            }
        } else {
            for (UpdateListener<Row> listener : updates) {
                notify(() -> listener.update(id, row, previous));
            }
        }
    }

    void end(Throwable error) {
        if (!active) {
            return;
        }
        active = false;
        serverId = -1;
        for (Consumer<Throwable> listener : ends) {
            notify(() -> listener.accept(error));
        }
    }

    /** A listener that throws must not stop the others, nor the frames behind it. */
    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error error) {
            connection.report(error);
        }
    }
}
