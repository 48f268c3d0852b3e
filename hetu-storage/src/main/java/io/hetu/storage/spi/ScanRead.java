package io.hetu.storage.spi;

import io.hetu.schema.Key;
import io.hetu.schema.Filter;

/**
 * A scan a transaction made, with the rows it saw, so the commit can check that the same scan
 * still sees exactly the same rows at the same versions (no phantoms). {@code index} is -1 for a
 * scan of the whole table (bounds are then null); {@code filter}, when not null, selects the rows
 * counted, and {@code limit} counts matching rows.
 */
public record ScanRead(
        int table,
        int index,
        Filter.Bound filter,
        Key low,
        boolean lowInclusive,
        Key high,
        boolean highInclusive,
        int limit,
        boolean descending,
        long[] ids,
        long[] versions,
        int count) {}
