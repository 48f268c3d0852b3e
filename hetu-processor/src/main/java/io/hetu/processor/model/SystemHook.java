package io.hetu.processor.model;

/**
 * When a system runs; the constants are named like {@code io.hetu.system.Hook}, which the
 * generated dispatchers reference and the manifest spells out.
 */
public enum SystemHook {
    /** A client calls it by its system id. */
    CALL,
    ON_SERVER_START,
    ON_CONNECT,
    ON_DISCONNECT,
    /** At a fixed rate ({@code @Tick}). */
    TICK
}
