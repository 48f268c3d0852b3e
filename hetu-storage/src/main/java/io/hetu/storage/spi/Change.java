package io.hetu.storage.spi;

import io.hetu.schema.TableDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * One row changed by a commit, with its bytes before and after (read-only; null before an insert
 * and after a delete).
 */
public record Change(
        TableDescriptor<?, ?> table, int tableNumber, ChangeKind kind, long id, MemorySegment before,
        MemorySegment after) {}
