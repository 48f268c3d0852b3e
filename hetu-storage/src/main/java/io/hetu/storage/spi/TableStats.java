package io.hetu.storage.spi;

/**
 * How large one table is, for operators: its rows and the bytes of memory its rows and its
 * indexes take ({@link Backend#tableStats()}).
 */
public record TableStats(long rows, long rowBytes, long indexBytes) {}
