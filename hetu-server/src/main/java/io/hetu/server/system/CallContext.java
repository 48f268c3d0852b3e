package io.hetu.server.system;

import io.hetu.storage.Transaction;
import io.hetu.server.auth.TokenVerifier;
import io.hetu.system.Firing;
import io.hetu.system.ForwardingRepository;
import io.hetu.system.Identity;
import io.hetu.system.Rejection;
import io.hetu.system.Repository;
import io.hetu.system.Schedule;
import io.hetu.system.Scheduled;
import io.hetu.system.SystemContext;
import io.hetu.wire.Codes;
import io.hetu.wire.WireWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link SystemContext} of one connection (or of the server-start hook): its session, and the
 * transaction of the call that runs now, to which it forwards the repository's methods. The server
 * drives it: {@link #begin} per attempt, {@link #attachEffects} before commit, {@link #commitEffects}
 * after.
 */
public final class CallContext extends ForwardingRepository implements SystemContext {

    private static final Object REMOVED = new Object();

    private final Session session;
    private final SessionRegistry registry;
    private Transaction tx;

    private long pendingCaller;
    private boolean pendingKick;
    private Boolean pendingAdmin;
    private Map<String, Object> pendingValues;
    /** The scheduled call or tick this attempt runs, or null for a client's call. */
    private Firing firing;
    /** The clock's time, read once per attempt so that a transaction sees one time. */
    private Instant now;

    public CallContext(Session session, SessionRegistry registry) {
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
        firing = null;
        now = null;
    }

    /** Starts an attempt of a scheduled call or tick in {@code transaction}, at {@code firing}'s time. */
    public void beginFiring(Transaction transaction, Firing run) {
        begin(transaction);
        firing = run;
        now = run.firedAt();
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
            throw new Rejection(Codes.ALREADY_LOGGED_IN, "another connection is logged in as user " + pendingCaller
                    + "; log in with kick to take the user over");
        }
        if (pendingCaller != 0) {
            registry.loginShared(tx, session, pendingCaller, pendingKick);
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
    @Override
    public long caller() {
        return pendingCaller != 0 ? pendingCaller : session.caller();
    }

    /** The id of the connection that made the call (0 for the server-start hook). */
    @Override
    public long connectionId() {
        return session.connectionId();
    }

    @Override
    public boolean isAdmin() {
        return pendingAdmin != null ? pendingAdmin : session.isAdmin();
    }

    /**
     * Logs this connection in as {@code userId} (a positive id your game assigns) when the call
     * commits. With {@code kickLoggedIn}, other connections logged in as that user are closed with
     * the reason {@code KICKED}; without, the call is rejected with {@code ALREADY_LOGGED_IN} when
     * another connection holds the user.
     */
    @Override
    public void elevate(long userId, boolean kickLoggedIn) {
        if (session.connectionId() == 0) {
            throw new IllegalStateException("elevate needs a connection to log in, and a server-start hook, "
                    + "scheduled call or tick has none; log in from a system a client calls");
        }
        if (userId <= 0) {
            // Usually a client's input (a login with id 0): the caller's mistake, not the server's.
            throw new Rejection(Codes.BAD_ARGUMENTS, "a user id must be positive, was " + userId);
        }
        if (!kickLoggedIn && registry.loggedInElsewhere(session, userId)) {
            throw new Rejection(Codes.ALREADY_LOGGED_IN, "user " + userId + " is logged in on another connection");
        }
        pendingCaller = userId;
        pendingKick = kickLoggedIn;
    }

    /** Makes this connection an administrator, or not, when the call commits. */
    @Override
    public void setAdmin(boolean admin) {
        if (admin && registry.tokens().enabled()) {
            throw new IllegalStateException("setAdmin(true) is refused while the server verifies tokens: admin rights "
                    + "come from the token's '" + registry.tokens().config().rolesClaim() + "' claim (role '"
                    + registry.tokens().config().adminRole() + "') through ctx.login(ctx.verifyToken(token), kick)");
        }
        pendingAdmin = admin;
    }

    /** A value stored in this connection's session, or null. */
    @Override
    public Identity verifyToken(String token) {
        return registry.tokens().verify(token);
    }

    @Override
    public void login(Identity identity, boolean kickLoggedIn) {
        if (identity.userId() <= 0) {
            throw new Rejection(TokenVerifier.UNAUTHENTICATED, "the token names no user id (claim '"
                    + registry.tokens().config().userClaim() + "' must be a positive whole number)");
        }
        elevate(identity.userId(), kickLoggedIn);
        pendingAdmin = identity.admin();
    }

    @Override
    public Object session(String key) {
        if (pendingValues != null && pendingValues.containsKey(key)) {
            Object value = pendingValues.get(key);
            return value == REMOVED ? null : value;
        }
        return session.value(key);
    }

    /** Stores a value in this connection's session when the call commits (null removes it). */
    @Override
    public void session(String key, Object value) {
        registry.checkValue(key, value);
        if (pendingValues == null) {
            pendingValues = new HashMap<>();
        }
        pendingValues.put(key, value == null ? REMOVED : value);
    }

    // ---------------------------------------------------------------- game time

    @Override
    public Instant now() {
        if (now == null) {
            now = registry.time().now();
        }
        return now;
    }

    @Override
    public Firing firing() {
        return firing;
    }

    @Override
    public Scheduled schedule(Schedule when, String namespace, String system, WireWriter arguments) {
        return registry.time().schedule(tx, now(), when, namespace, system, arguments);
    }

    @Override
    public boolean cancel(Scheduled call) {
        return registry.time().cancel(tx, call.id());
    }

    @Override
    public boolean cancel(String key) {
        Scheduled call = scheduled(key);
        return call != null && registry.time().cancel(tx, call.id());
    }

    @Override
    public Scheduled scheduled(String key) {
        return registry.time().scheduled(tx, key);
    }

    // ---------------------------------------------------------------- repository

    @Override
    protected Repository repository() {
        return tx;
    }
}
