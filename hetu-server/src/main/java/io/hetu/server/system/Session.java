package io.hetu.server.system;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the server knows of one connection: who is calling (after {@link SystemContext#elevate}),
 * whether it is an administrator, and the values systems stored for it (which RLS rules compare
 * with). Changed only after the transaction that asked for the change commits.
 */
public final class Session {

    private final long connectionId;
    private volatile long caller;
    private volatile boolean admin;
    private volatile boolean operator;
    private final Map<String, Object> values = new ConcurrentHashMap<>();

    public Session(long connectionId) {
        this.connectionId = connectionId;
    }

    /**
     * The session of the server's own runs (scheduled calls and ticks): no connection, no caller,
     * administrator rights.
     */
    public static Session server() {
        Session session = new Session(0);
        session.admin = true;
        return session;
    }

    /**
     * A session with no connection, logged in as {@code userId} (0: nobody): for running a system
     * as a player from server code, a tool or a test.
     */
    public static Session of(long userId, boolean admin) {
        Session session = new Session(0);
        session.caller = userId;
        session.admin = admin;
        return session;
    }

    public long connectionId() {
        return connectionId;
    }

    /** The logged-in user id, or 0. */
    public long caller() {
        return caller;
    }

    /**
     * Makes this the session of an operator's connection (one that proved the admin secret): an
     * administrator that reads every component's rows, whatever their permission.
     */
    public void operator() {
        operator = true;
        admin = true;
    }

    /** Whether this is an operator's connection: see {@link #operator()}. */
    public boolean isOperator() {
        return operator;
    }

    public boolean isAdmin() {
        return admin;
    }

    /** A value stored by a system, or null. */
    public Object value(String key) {
        return values.get(key);
    }

    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    void caller(long userId) {
        this.caller = userId;
    }

    void admin(boolean value) {
        this.admin = value;
    }

    void value(String key, Object value) {
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
    }
}
