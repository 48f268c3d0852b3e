package io.hetu.system;

/** When a system runs: on a client's call, or at a point in the server's or a connection's life. */
public enum Hook {
    CALL,
    ON_SERVER_START,
    ON_CONNECT,
    ON_DISCONNECT,
    /** At a fixed rate, by the server ({@code @Tick}). */
    TICK
}
