package io.hetu.server.system;

import io.hetu.server.auth.TokenVerifier;

/** The server's view of all sessions, for logins and session changes made by systems. */
public interface SessionRegistry {

    /** Whether a session other than {@code session} is logged in as {@code userId}. */
    boolean loggedInElsewhere(Session session, long userId);

    /**
     * Records that {@code session} is now {@code userId}, after the transaction that asked for it
     * committed. With {@code kickOthers}, other sessions of that user are closed with a reason;
     * without, returns false (and changes nothing) when another session holds the user.
     */
    boolean login(Session session, long userId, boolean kickOthers);

    /**
     * Reserves {@code userId} for {@code session} while the transaction of a login without kick
     * runs, so that the commit publishes only an identity the connection will have: returns false
     * when another session holds or has reserved the user. A reservation ends with
     * {@link #login} or {@link #release}.
     */
    default boolean claim(Session session, long userId) {
        return !loggedInElsewhere(session, userId);
    }

    /**
     * In the transaction of a login of {@code session} as {@code userId}, on a store other servers
     * share: refuses it without {@code kick} when a live connection of another server holds the
     * user, and records the login in the store, so that other servers kick theirs. The default, for
     * a store nobody shares, does nothing.
     */
    default void loginShared(io.hetu.storage.Transaction tx, Session session, long userId, boolean kick) {}

    /** Gives up a {@link #claim} whose login did not commit. */
    default void release(Session session, long userId) {}

    /**
     * The session's caller, admin flag or values changed, after the call that changed them
     * committed. Subscriptions learn of it through the change feed (the {@link SessionState} the
     * call attached), so a registry need not pass it on.
     */
    default void sessionChanged(Session session) {}

    /**
     * Checks a value a system is about to store in a session under {@code key}; throws
     * {@link IllegalArgumentException} when a rule that reads it (see {@link SessionValueRules})
     * could never match it.
     */
    default void checkValue(String key, Object value) {}

    /** The server's clock and scheduled calls; the default knows the system clock only. */
    default Timekeeper time() {
        return Timekeeper.SYSTEM_CLOCK;
    }

    /** How logins verify tokens; {@link TokenVerifier#none()} refuses every token. */
    default TokenVerifier tokens() {
        return TokenVerifier.none();
    }
}
