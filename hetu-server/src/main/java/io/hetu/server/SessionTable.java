package io.hetu.server;

import io.hetu.server.auth.TokenVerifier;
import io.hetu.server.login.SharedLogins;
import io.hetu.storage.Transaction;
import io.hetu.server.system.Session;
import io.hetu.server.system.SessionRegistry;
import io.hetu.server.system.SessionValueRules;
import io.hetu.server.system.Timekeeper;
import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The live connections, and which one each logged-in user is on. */
final class SessionTable implements SessionRegistry {

    private final SessionValueRules valueRules;
    private final TokenVerifier tokens;

    private final Map<Long, Connection> byConnection = new ConcurrentHashMap<>();
    /** Guarded by this. */
    private final Map<Long, Connection> byUser = new HashMap<>();

    private volatile Timekeeper time = Timekeeper.SYSTEM_CLOCK;
    private volatile SharedLogins shared;

    SessionTable(SessionValueRules valueRules, TokenVerifier tokens) {
        this.valueRules = valueRules;
        this.tokens = tokens;
    }

    void time(Timekeeper timekeeper) {
        this.time = timekeeper;
    }

    /** Logins shared with the other servers of the store (docs/REDIS.md). */
    void shared(SharedLogins logins) {
        this.shared = logins;
    }

    @Override
    public void loginShared(Transaction tx, Session session, long userId, boolean kick) {
        SharedLogins logins = shared;
        if (logins != null) {
            logins.login(tx, session.connectionId(), userId, kick, session.caller());
        }
    }

    /** Whether connection {@code connectionId} is open on this server. */
    boolean open(long connectionId) {
        return byConnection.containsKey(connectionId);
    }

    synchronized boolean holds(long user) {
        return byUser.containsKey(user);
    }

    /**
     * Closes this server's connection of {@code user} with KICKED (another server took the user
     * over), unless it is connection {@code keep} (the one the store says holds the user now).
     */
    synchronized void kick(long user, long keep, String reason) {
        Connection holder = byUser.get(user);
        if (holder != null && holder.session().connectionId() != keep) {
            byUser.remove(user);
            holder.close(Codes.KICKED, reason, Protocol.CLOSE_KICKED);
        }
    }

    @Override
    public Timekeeper time() {
        return time;
    }

    @Override
    public TokenVerifier tokens() {
        return tokens;
    }

    @Override
    public void checkValue(String key, Object value) {
        valueRules.check(key, value);
    }

    void add(Connection connection) {
        byConnection.put(connection.session().connectionId(), connection);
    }

    /**
     * Adds a connection that has not logged in, unless {@code max} such connections are open
     * already (each logged-in user holds one connection here, so the others are anonymous).
     */
    synchronized boolean addAnonymous(Connection connection, int max) {
        if (byConnection.size() - byUser.size() >= max) {
            return false;
        }
        add(connection);
        return true;
    }

    synchronized void remove(Connection connection) {
        byConnection.remove(connection.session().connectionId());
        long user = connection.session().caller();
        if (user != 0 && byUser.get(user) == connection) {
            byUser.remove(user);
        }
        SharedLogins logins = shared;
        if (logins != null && user != 0) {
            logins.disconnected(connection.session().connectionId(), user);
        }
    }

    Iterable<Connection> connections() {
        return byConnection.values();
    }

    int size() {
        return byConnection.size();
    }

    @Override
    public synchronized boolean loggedInElsewhere(Session session, long userId) {
        Connection holder = byUser.get(userId);
        return holder != null && holder.session() != session;
    }

    @Override
    public synchronized boolean claim(Session session, long userId) {
        Connection connection = byConnection.get(session.connectionId());
        Connection holder = byUser.get(userId);
        if (connection == null || holder != null && holder != connection) {
            return false;
        }
        byUser.put(userId, connection);
        return true;
    }

    @Override
    public synchronized void release(Session session, long userId) {
        Connection connection = byConnection.get(session.connectionId());
        if (connection != null && byUser.get(userId) == connection && session.caller() != userId) {
            byUser.remove(userId);
        }
    }

    @Override
    public synchronized boolean login(Session session, long userId, boolean kickOthers) {
        Connection connection = byConnection.get(session.connectionId());
        if (connection == null) {
            return false;
        }
        Connection holder = byUser.get(userId);
        if (holder != null && holder != connection) {
            if (!kickOthers) {
                return false;
            }
            holder.close(Codes.KICKED, "user " + userId + " logged in on another connection", Protocol.CLOSE_KICKED);
        }
        long previous = session.caller();
        if (previous != 0 && previous != userId && byUser.get(previous) == connection) {
            byUser.remove(previous);
        }
        byUser.put(userId, connection);
        return true;
    }
}
