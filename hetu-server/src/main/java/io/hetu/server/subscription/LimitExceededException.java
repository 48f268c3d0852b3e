package io.hetu.server.subscription;

/**
 * A connection broke one of its {@link SubscriptionLimits}. The server answers with ERROR carrying
 * {@link #code()} and closes the connection (docs/PROTOCOL.md, "Limits and closing").
 */
public final class LimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Too many subscriptions on one connection. */
    public static final String TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS";
    /** Too many rows across one connection's subscriptions. */
    public static final String TOO_MANY_ROWS = "TOO_MANY_ROWS";
    /**
     * Not a limit the client broke: the server could not follow commits its subscriptions needed
     * (a shared database's change stream moved on without it); reconnecting and subscribing again
     * starts from a fresh result.
     */
    public static final String RESYNC = "RESYNC";

    private final String code;

    public LimitExceededException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The protocol's error code: {@link #TOO_MANY_SUBSCRIPTIONS}, {@link #TOO_MANY_ROWS} or
     * {@link #RESYNC}. */
    public String code() {
        return code;
    }
}
