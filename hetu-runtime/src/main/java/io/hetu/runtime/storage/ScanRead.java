package io.hetu.runtime.storage;

/**
 * An index scan a transaction made, with the rows it saw, so the commit can check that the same
 * scan still sees exactly the same rows at the same versions (no phantoms).
 */
public record ScanRead(
        int table,
        int index,
        Key low,
        boolean lowInclusive,
        Key high,
        boolean highInclusive,
        int limit,
        boolean descending,
        long[] ids,
        long[] versions,
        int count) {}
