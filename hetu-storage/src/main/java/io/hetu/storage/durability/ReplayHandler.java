package io.hetu.storage.durability;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** Receives the write-ahead log records after the snapshot during recovery, in seq order. */
@FunctionalInterface
public interface ReplayHandler {
    /**
     * Applies one commit. {@code payload} is a read-only view of the bytes given to
     * {@link WriteAheadLog#append}, valid only during this call: copy what must outlive it.
     */
    void replay(long seq, MemorySegment payload) throws IOException;
}
