package io.hetu.wire;

/**
 * Every code the server sends (docs/PROTOCOL.md): the codes of REJECTED, after which the
 * connection stays open, and the codes of ERROR, after which the server closes it with the close
 * code of {@link Protocol} named on each. A system's own rejection codes are the app's and are not
 * listed. The SDK runtimes' code tables are generated from this class: keep every entry a
 * {@code public static final String} whose value is its name, with a one-line comment.
 */
public final class Codes {

    // ---------------------------------------------------------------- REJECTED: the connection stays

    /** The caller may not call this system or read this component (not logged in, not an admin, server-only). */
    public static final String PERMISSION = "PERMISSION";
    /** A CALL named a system id the app does not have. */
    public static final String NO_SUCH_SYSTEM = "NO_SUCH_SYSTEM";
    /** A SELECT or QUERY named a component id the app does not have. */
    public static final String NO_SUCH_COMPONENT = "NO_SUCH_COMPONENT";
    /** An UNSUBSCRIBE named a subscription the connection does not hold. */
    public static final String NO_SUCH_SUBSCRIPTION = "NO_SUCH_SUBSCRIPTION";
    /** Arguments, a key, an index position or QUERY flags do not fit, or a login got a user id below 1. */
    public static final String BAD_ARGUMENTS = "BAD_ARGUMENTS";
    /** The transaction still conflicted after the system's retries; not applied. */
    public static final String CONFLICT = "CONFLICT";
    /** A write would have duplicated a unique column; not applied. */
    public static final String UNIQUE = "UNIQUE";
    /** A value cannot be stored (too long, null where not nullable, out of range); not applied. */
    public static final String INVALID_VALUE = "INVALID_VALUE";
    /** A login without kick named a user another connection holds. */
    public static final String ALREADY_LOGGED_IN = "ALREADY_LOGGED_IN";
    /** The system failed unexpectedly; the message holds a trace id for the server log. */
    public static final String INTERNAL = "INTERNAL";
    /** The storage is not available: the call was not applied, or what it read is not confirmed; retry later. */
    public static final String UNAVAILABLE = "UNAVAILABLE";
    /** The log failed while the call's own commit was made durable: it may or may not be applied. */
    public static final String UNKNOWN_OUTCOME = "UNKNOWN_OUTCOME";
    /** The system's {@code @RateLimit} allows no call now; it did not run. The message says when to retry. */
    public static final String RATE_LIMITED = "RATE_LIMITED";
    /** A CALL_ONCE whose id already committed with a result longer than the server keeps; it did not run again. */
    public static final String ALREADY_RAN = "ALREADY_RAN";

    // ---------------------------------------------------------------- ERROR: then the close code named

    /** A malformed or unexpected message or a WebSocket framing error; {@link Protocol#CLOSE_PROTOCOL}. */
    public static final String PROTOCOL = "PROTOCOL";
    /** The user logged in on another connection; {@link Protocol#CLOSE_KICKED}. */
    public static final String KICKED = "KICKED";
    /** HELLO named a schema hash other than the server's; {@link Protocol#CLOSE_HANDSHAKE}. */
    public static final String SCHEMA = "SCHEMA";
    /** HELLO named a protocol version the server does not speak; {@link Protocol#CLOSE_HANDSHAKE}. */
    public static final String VERSION = "VERSION";
    /** The client did not read what was sent to it (the outbound budget); {@link Protocol#CLOSE_TOO_SLOW}. */
    public static final String TOO_SLOW = "TOO_SLOW";
    /** A message over the size limit, or that inflates beyond it; {@link Protocol#CLOSE_LIMIT}. */
    public static final String FRAME_TOO_LARGE = "FRAME_TOO_LARGE";
    /** More subscriptions than a connection may hold; {@link Protocol#CLOSE_LIMIT}. */
    public static final String TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS";
    /** The server holds {@code limits.maxAnonymousConnections} connections not logged in; {@link Protocol#CLOSE_LIMIT}. */
    public static final String TOO_MANY_ANONYMOUS = "TOO_MANY_ANONYMOUS";
    /** More rows across a connection's subscriptions than it may hold; {@link Protocol#CLOSE_LIMIT}. */
    public static final String TOO_MANY_ROWS = "TOO_MANY_ROWS";
    /** More requests than the request budget allows (a SELECT or QUERY takes 10); {@link Protocol#CLOSE_LIMIT}. */
    public static final String RATE = "RATE";
    /** The server fell behind a shared change stream: reconnect and subscribe again; {@link Protocol#CLOSE_LIMIT}. */
    public static final String RESYNC = "RESYNC";
    /** No HELLO within the handshake timeout; {@link Protocol#CLOSE_HANDSHAKE_TIMEOUT}. */
    public static final String HANDSHAKE_TIMEOUT = "HANDSHAKE_TIMEOUT";
    /** Nothing received for the idle timeout; {@link Protocol#CLOSE_IDLE}. */
    public static final String IDLE = "IDLE";
    /** An {@code @OnConnect} hook refused the connection (the message: its code and reason); {@link Protocol#CLOSE_REFUSED}. */
    public static final String REFUSED = "REFUSED";
    /** The server is stopping; {@link Protocol#CLOSE_SHUTDOWN}. */
    public static final String SHUTDOWN = "SHUTDOWN";

    private Codes() {}
}
