package io.hetu.server.subscription;

import io.hetu.server.system.Session;
import io.hetu.wire.WireWriter;

/**
 * One connection as the subscription engine sees it; the server implements it. The engine calls
 * these methods from its fan-out thread only (never from the thread that subscribes), one call at
 * a time, so frames reach {@link #send} in the order they must be delivered.
 */
public interface Subscriber {

    /** The connection's session; its caller, admin flag and values decide what it may read. */
    Session session();

    /**
     * Sends one complete frame: bytes {@code [0, length)} of {@code frame}, which the callee copies
     * before returning (the array is reused). Must not block; the server applies its own outbound
     * limit and may close the connection.
     */
    void send(byte[] frame, int length);

    /**
     * The connection's subscriptions grew past a limit through later changes (rows entering an
     * unlimited query). The engine has already forgotten every subscription of the connection; the
     * server should send ERROR with {@code reason.code()} and close it. By default this sends the
     * ERROR frame through {@link #send}, leaving the closing to the server.
     */
    default void limitExceeded(LimitExceededException reason) {
        WireWriter error = Frames.error(reason.code(), reason.getMessage());
        send(error.array(), error.size());
    }
}
