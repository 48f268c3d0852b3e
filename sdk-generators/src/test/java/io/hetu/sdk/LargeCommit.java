package io.hetu.sdk;

import io.hetu.server.Limits;
import io.hetu.server.ServerConfig;

/**
 * A commit the server sends to one connection as several UPDATE frames (docs/PROTOCOL.md, "Large UPDATEs"), for the
 * SDKs' end-to-end tests: {@code sdk.fillGadgets} of this many rows into a subscribed query.
 */
public final class LargeCommit {

    /** One full frame of 65,535 changes and a last one of the rest. */
    public static final int ROWS = 70_000;

    private LargeCommit() {}

    /** {@code config} with room for a subscription of twice {@link #ROWS} rows and the frames that carry them. */
    public static ServerConfig roomFor(ServerConfig config) {
        Limits limits = config.limits();
        return config.withLimits(new Limits(limits.maxFrameBytes(), 64 * 1024 * 1024, limits.maxSubscriptions(),
                2 * ROWS, limits.requestsPerSecond(), limits.handshakeTimeout(), limits.idleTimeout()));
    }
}
