package io.hetu.system;

/**
 * What a system works with: who is calling, the connection's session, and the {@link Repository}
 * of the transaction the call runs in.
 *
 * <p>Changes to the session ({@link #elevate}, {@link #session(String, Object)},
 * {@link #setAdmin}) take effect only when the transaction commits; inside it they are already
 * visible to this context. To call another system in the same transaction, call its method.
 */
public interface SystemContext extends Repository {

    /** The logged-in user id, or 0 when the connection has not logged in. */
    long caller();

    /** The id of the connection that made the call (0 for the server-start hook). */
    long connectionId();

    /** Whether the connection is an administrator. */
    boolean isAdmin();

    /**
     * Logs this connection in as {@code userId} (a positive id your game assigns) when the call
     * commits. With {@code kickLoggedIn}, other connections logged in as that user are closed with
     * the reason {@code KICKED}; without, the call is rejected with {@code ALREADY_LOGGED_IN} when
     * another connection holds the user.
     */
    void elevate(long userId, boolean kickLoggedIn);

    /** Makes this connection an administrator, or not, when the call commits. */
    void setAdmin(boolean admin);

    /** A value stored in this connection's session, or null. */
    Object session(String key);

    /** Stores a value in this connection's session when the call commits (null removes it). */
    void session(String key, Object value);

    /** A rejection to throw: {@code throw ctx.reject("NOT_ENOUGH_GOLD", "needs 50 gold")}. */
    default Rejection reject(String code, String message) {
        return new Rejection(code, message);
    }
}
