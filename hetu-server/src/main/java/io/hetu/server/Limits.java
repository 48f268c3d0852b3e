package io.hetu.server;

import java.time.Duration;

/**
 * What one connection may do before the server closes it (docs/PROTOCOL.md, "Limits and
 * closing"). Breaking a limit closes only that connection, with a reason.
 *
 * @param maxFrameBytes the largest frame, after decompression
 * @param maxOutboundBytes bytes queued for a client that does not read before it is closed as too slow
 * @param maxSubscriptions subscriptions per connection
 * @param maxSubscribedRows rows across a connection's subscriptions
 * @param requestsPerSecond requests per second per connection (a SELECT or QUERY counts ten), with
 *     bursts of up to one second's worth
 * @param handshakeTimeout how long a new connection has to send HELLO
 * @param idleTimeout how long a connection may send nothing
 * @param maxConnectionsPerAddress open connections from one remote address (loopback is not
 *     counted); the next one is refused with {@code 429} before its upgrade
 * @param maxAnonymousConnections connections of this server that have not logged in (counted from
 *     their HELLO until their login); one more is closed with {@code TOO_MANY_ANONYMOUS}
 */
public record Limits(int maxFrameBytes, int maxOutboundBytes, int maxSubscriptions, int maxSubscribedRows,
        int requestsPerSecond, Duration handshakeTimeout, Duration idleTimeout, int maxConnectionsPerAddress,
        int maxAnonymousConnections) {

    /** Connections from one non-loopback address, by default. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
    /** Connections not logged in, by default: an idle connection costs about 22 KiB. */
    public static final int DEFAULT_MAX_ANONYMOUS_CONNECTIONS = 10_000;

    /** The limits with the default cap of anonymous connections. */
    public Limits(int maxFrameBytes, int maxOutboundBytes, int maxSubscriptions, int maxSubscribedRows,
            int requestsPerSecond, Duration handshakeTimeout, Duration idleTimeout, int maxConnectionsPerAddress) {
        this(maxFrameBytes, maxOutboundBytes, maxSubscriptions, maxSubscribedRows, requestsPerSecond, handshakeTimeout,
                idleTimeout, maxConnectionsPerAddress, DEFAULT_MAX_ANONYMOUS_CONNECTIONS);
    }

    /** The limits with the default cap of connections per address. */
    public Limits(int maxFrameBytes, int maxOutboundBytes, int maxSubscriptions, int maxSubscribedRows,
            int requestsPerSecond, Duration handshakeTimeout, Duration idleTimeout) {
        this(maxFrameBytes, maxOutboundBytes, maxSubscriptions, maxSubscribedRows, requestsPerSecond, handshakeTimeout,
                idleTimeout, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    public Limits {
        positive("maxFrameBytes", maxFrameBytes);
        positive("maxOutboundBytes", maxOutboundBytes);
        positive("maxSubscriptions", maxSubscriptions);
        positive("maxSubscribedRows", maxSubscribedRows);
        positive("requestsPerSecond", requestsPerSecond);
        positive("maxConnectionsPerAddress", maxConnectionsPerAddress);
        positive("maxAnonymousConnections", maxAnonymousConnections);
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative()
                || idleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public static Limits defaults() {
        return new Limits(64 * 1024, 4 * 1024 * 1024, 256, 10_000, 1_000, Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    public Limits withMaxConnectionsPerAddress(int newMax) {
        return new Limits(maxFrameBytes, maxOutboundBytes, maxSubscriptions, maxSubscribedRows, requestsPerSecond,
                handshakeTimeout, idleTimeout, newMax, maxAnonymousConnections);
    }

    public Limits withMaxAnonymousConnections(int newMax) {
        return new Limits(maxFrameBytes, maxOutboundBytes, maxSubscriptions, maxSubscribedRows, requestsPerSecond,
                handshakeTimeout, idleTimeout, maxConnectionsPerAddress, newMax);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
