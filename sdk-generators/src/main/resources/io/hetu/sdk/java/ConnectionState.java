package __HETU_PACKAGE__;

/** Where a {@link HetuConnection} is in its life. */
public enum ConnectionState {
    /** The first connection is being made. */
    CONNECTING,
    /** Connected, greeted, and (after a reconnect) logged in again with every subscription renewed. */
    OPEN,
    /** The connection was lost; a new one is being made after a backoff. */
    RECONNECTING,
    /** Closed for good: by {@link HetuConnection#close()}, or after an error that a reconnect would repeat. */
    CLOSED
}
