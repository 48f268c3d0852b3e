package io.hetu.runtime.system;

import io.hetu.runtime.storage.KeyRange;
import io.hetu.runtime.storage.Transaction;
import io.hetu.schema.IndexRef;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowView;
import io.hetu.schema.TableDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a system works with: who is calling, the connection's session, and the repository of the
 * transaction the call runs in (the same methods as {@link Transaction}).
 *
 * <p>Changes to the session ({@link #elevate}, {@link #session(String, Object)},
 * {@link #setAdmin}) take effect only when the transaction commits; inside it they are already
 * visible to this context. To call another system in the same transaction, call its method.
 */
public final class SystemContext {

    private static final Object REMOVED = new Object();

    private final Session session;
    private final SessionRegistry registry;
    private Transaction tx;

    private long pendingCaller;
    private boolean pendingKick;
    private Boolean pendingAdmin;
    private Map<String, Object> pendingValues;

    public SystemContext(Session session, SessionRegistry registry) {
        this.session = session;
        this.registry = registry;
    }

    /** Starts an attempt of a call in {@code transaction}; forgets what an earlier attempt asked. */
    public void begin(Transaction transaction) {
        this.tx = transaction;
        pendingCaller = 0;
        pendingKick = false;
        pendingAdmin = null;
        pendingValues = null;
    }

    /**
     * Attaches to the transaction the session this call leaves behind, if it changed it, so that
     * subscriptions switch identity at this commit's seq. Call after the system ran, before commit.
     */
    public void attachEffects() {
        if (!changesSession()) {
            return;
        }
        if (pendingCaller != 0 && !pendingKick && pendingCaller != session.caller()
                && !registry.claim(session, pendingCaller)) {
            // Refused before the commit: the change feed never carries an identity this
            // connection will not have.
            throw new Rejection("ALREADY_LOGGED_IN", "another connection is logged in as user " + pendingCaller
                    + "; log in with kick to take the user over");
        }
        Map<String, Object> values = new HashMap<>(session.values());
        if (pendingValues != null) {
            pendingValues.forEach((key, value) -> {
                if (value == REMOVED) {
                    values.remove(key);
                } else {
                    values.put(key, value);
                }
            });
        }
        tx.attach(new SessionState(session, caller(), isAdmin(), Map.copyOf(values)));
    }

    /** Gives up what {@link #attachEffects} reserved, for a call that did not commit. */
    public void abandonEffects() {
        if (pendingCaller != 0 && !pendingKick) {
            registry.release(session, pendingCaller);
        }
    }

    /** Whether the call (its last attempt) asked to change the session. */
    public boolean changesSession() {
        return pendingCaller != 0 || pendingAdmin != null || pendingValues != null;
    }

    /**
     * Applies the session changes the committed call asked for. Returns false when a login without
     * kick lost a race with another login of the same user.
     */
    public boolean commitEffects() {
        boolean changed = false;
        if (pendingCaller != 0) {
            if (!registry.login(session, pendingCaller, pendingKick)) {
                return false;
            }
            session.caller(pendingCaller);
            changed = true;
        }
        if (pendingAdmin != null) {
            session.admin(pendingAdmin);
            changed = true;
        }
        if (pendingValues != null) {
            pendingValues.forEach((key, value) -> session.value(key, value == REMOVED ? null : value));
            changed = true;
        }
        if (changed) {
            registry.sessionChanged(session);
        }
        return true;
    }

    // ---------------------------------------------------------------- caller and session

    /** The logged-in user id, or 0 when the connection has not logged in. */
    public long caller() {
        return pendingCaller != 0 ? pendingCaller : session.caller();
    }

    /** The id of the connection that made the call (0 for the server-start hook). */
    public long connectionId() {
        return session.connectionId();
    }

    public boolean isAdmin() {
        return pendingAdmin != null ? pendingAdmin : session.isAdmin();
    }

    /**
     * Logs this connection in as {@code userId} (a positive id your game assigns) when the call
     * commits. With {@code kickLoggedIn}, other connections logged in as that user are closed with
     * the reason {@code KICKED}; without, the call is rejected with {@code ALREADY_LOGGED_IN} when
     * another connection holds the user.
     */
    public void elevate(long userId, boolean kickLoggedIn) {
        if (userId <= 0) {
            // Usually a client's input (a login with id 0): the caller's mistake, not the server's.
            throw new Rejection("BAD_ARGUMENTS", "a user id must be positive, was " + userId);
        }
        if (!kickLoggedIn && registry.loggedInElsewhere(session, userId)) {
            throw new Rejection("ALREADY_LOGGED_IN", "user " + userId + " is logged in on another connection");
        }
        pendingCaller = userId;
        pendingKick = kickLoggedIn;
    }

    /** Makes this connection an administrator, or not, when the call commits. */
    public void setAdmin(boolean admin) {
        pendingAdmin = admin;
    }

    /** A value stored in this connection's session, or null. */
    public Object session(String key) {
        if (pendingValues != null && pendingValues.containsKey(key)) {
            Object value = pendingValues.get(key);
            return value == REMOVED ? null : value;
        }
        return session.value(key);
    }

    /** Stores a value in this connection's session when the call commits (null removes it). */
    public void session(String key, Object value) {
        if (pendingValues == null) {
            pendingValues = new HashMap<>();
        }
        pendingValues.put(key, value == null ? REMOVED : value);
    }

    /** A rejection to throw: {@code throw ctx.reject("NOT_ENOUGH_GOLD", "needs 50 gold")}. */
    public Rejection reject(String code, String message) {
        return new Rejection(code, message);
    }

    // ---------------------------------------------------------------- repository

    /** The call's transaction, for everything the shortcuts below do not cover. */
    public Transaction tx() {
        return tx;
    }

    public <R extends Record, V extends RowView<R>> V get(TableDescriptor<R, V> table, long id) {
        return tx.get(table, id);
    }

    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, long key) {
        return tx.getBy(index, key);
    }

    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, double key) {
        return tx.getBy(index, key);
    }

    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, String key) {
        return tx.getBy(index, key);
    }

    public <R extends Record, V extends RowView<R>> V getBy(IndexRef<R, V> index, Object key) {
        return tx.getBy(index, key);
    }

    public <R extends Record, V extends RowView<R>> List<V> range(IndexRef<R, V> index, KeyRange range, int limit,
            boolean descending) {
        return tx.range(index, range, limit, descending);
    }

    public <R extends Record, V extends RowView<R>> void forEach(IndexRef<R, V> index, KeyRange range, int limit,
            boolean descending, Consumer<? super V> consumer) {
        tx.forEach(index, range, limit, descending, consumer);
    }

    public <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table) {
        return tx.insert(table);
    }

    public <R extends Record, V extends RowView<R>> V insert(TableDescriptor<R, V> table, R record) {
        return tx.insert(table, record);
    }

    public <R extends Record, V extends RowView<R>> V update(TableDescriptor<R, V> table, long id) {
        return tx.update(table, id);
    }

    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, long key) {
        return tx.upsert(index, key);
    }

    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, double key) {
        return tx.upsert(index, key);
    }

    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, String key) {
        return tx.upsert(index, key);
    }

    public <R extends Record, V extends RowView<R>> V upsert(IndexRef<R, V> index, Object key) {
        return tx.upsert(index, key);
    }

    public boolean delete(TableDescriptor<?, ?> table, long id) {
        return tx.delete(table, id);
    }

    public long id(RowView<?> row) {
        return tx.id(row);
    }

    /** See {@link Transaction#append}. */
    public <R extends Record, V extends RowView<R>> V append(ListRef<R, V> list, R record) {
        return tx.append(list, record);
    }

    /** See {@link Transaction#appendDistinct}. */
    public <R extends Record, V extends RowView<R>> V appendDistinct(ListRef<R, V> list, R record,
            String distinctField) {
        return tx.appendDistinct(list, record, distinctField);
    }

    /** See {@link Transaction#list(ListRef, Object)}. */
    public <R extends Record, V extends RowView<R>> List<V> list(ListRef<R, V> list, Object key) {
        return tx.list(list, key);
    }

    /** See {@link Transaction#head}. */
    public <R extends Record, V extends RowView<R>> List<V> head(ListRef<R, V> list, Object key, int count) {
        return tx.head(list, key, count);
    }

    /** See {@link Transaction#tail}. */
    public <R extends Record, V extends RowView<R>> List<V> tail(ListRef<R, V> list, Object key, int count) {
        return tx.tail(list, key, count);
    }
}
