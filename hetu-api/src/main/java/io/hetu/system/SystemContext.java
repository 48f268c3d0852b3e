package io.hetu.system;

import io.hetu.wire.WireWriter;
import java.time.Instant;

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

    /**
     * Makes this connection an administrator, or not, when the call commits. When the server
     * verifies tokens ({@code auth.*} settings), admin rights come only from a token's role through
     * {@link #login(Identity, boolean)}, and {@code setAdmin(true)} is refused.
     */
    void setAdmin(boolean admin);

    /**
     * Verifies a signed token (a JWT, HS256 with the configured secret or RS256/ES256 against the
     * configured JWKS) and returns who it names. Checks the signature, the issuer and audience when
     * configured, and the expiry with the configured clock skew.
     *
     * @throws Rejection {@code UNAUTHENTICATED} with a reason when the token does not verify, or
     *     when the server has no {@code auth.*} settings
     */
    Identity verifyToken(String token);

    /**
     * Logs this connection in as the verified identity when the call commits, as
     * {@link #elevate(long, boolean)} does, and gives it admin rights exactly when the identity has
     * the admin role.
     *
     * @throws Rejection {@code UNAUTHENTICATED} when the identity names no numeric user id
     */
    void login(Identity identity, boolean kickLoggedIn);

    /** A value stored in this connection's session, or null. */
    Object session(String key);

    /** Stores a value in this connection's session when the call commits (null removes it). */
    void session(String key, Object value);

    // ---------------------------------------------------------------- game time

    /**
     * The server's clock: the time this transaction runs at. Use it, not the system clock, for
     * game time, so that a test that controls the clock controls the game.
     */
    Instant now();

    /**
     * Which scheduled call or tick this run is, with when it was due; null when a client called
     * the system (or another system did, inside a client's call).
     */
    Firing firing();

    /**
     * Schedules a call of system {@code namespace.system} with arguments already encoded, as part
     * of this transaction: it is gone again if the transaction does not commit. Call the generated
     * {@code <YourClass>Later} methods instead, which encode typed arguments.
     *
     * @throws IllegalArgumentException when the encoded arguments are longer than the limit
     *     (docs/SYSTEMS.md, game time) or no such system exists
     */
    Scheduled schedule(Schedule when, String namespace, String system, WireWriter arguments);

    /** Cancels a pending call in this transaction; false when it is no longer pending. */
    boolean cancel(Scheduled call);

    /** Cancels the pending call with this key in this transaction; false when there is none. */
    boolean cancel(String key);

    /** The pending call with this key, or null. */
    Scheduled scheduled(String key);

    /** A rejection to throw: {@code throw ctx.reject("NOT_ENOUGH_GOLD", "needs 50 gold")}. */
    default Rejection reject(String code, String message) {
        return new Rejection(code, message);
    }
}
