package io.hetu.server.subscription;

import io.hetu.wire.Codes;

/**
 * A connection broke one of its {@link SubscriptionLimits}. The server answers with ERROR carrying
 * {@link #code()} and closes the connection (docs/PROTOCOL.md, "Limits and closing").
 */
public final class LimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    public LimitExceededException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /**
     * The protocol's error code: {@link Codes#TOO_MANY_SUBSCRIPTIONS}, {@link Codes#TOO_MANY_ROWS} or
     * {@link Codes#RESYNC} (not a limit the client broke: the server could not follow the commits
     * its subscriptions needed, as when a shared database's change stream moved on without it).
     */
    public String code() {
        return code;
    }
}
