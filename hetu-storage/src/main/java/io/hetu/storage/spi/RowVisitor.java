package io.hetu.storage.spi;

import java.lang.foreign.MemorySegment;

/** Receives rows from a scan; returns false to stop it. */
@FunctionalInterface
public interface RowVisitor {
    boolean visit(long id, long version, MemorySegment segment, long rowOffset);
}
