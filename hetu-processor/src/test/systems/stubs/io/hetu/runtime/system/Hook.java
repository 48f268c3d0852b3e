package io.hetu.runtime.system;

/** Stub of the runtime's Hook. */
public enum Hook {
    CALL,
    ON_SERVER_START,
    ON_CONNECT,
    ON_DISCONNECT
}
