package io.hetu.storage.durability;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Receives the newest snapshot during recovery, in the order {@link SnapshotWriter} wrote it:
 * {@link #begin} once, then per table {@link #beginTable}, its rows and {@link #endTable}. Every call
 * delivers data whose checksum has been verified; if a later part of the file turns out damaged,
 * recovery throws a {@link CorruptSnapshotException} and whatever was loaded must be discarded.
 * Not called at all when there is no snapshot yet.
 */
public interface SnapshotVisitor {
    /** The snapshot's seq and the metadata given to {@link SnapshotWriter#commit(long, byte[])}. */
    void begin(long seq, byte[] meta) throws IOException;

    void beginTable(String qualifiedName, String layoutHash, int rowSize, long rowCount) throws IOException;

    /**
     * One row: {@code rowSize} bytes at {@code offset} in {@code src}, a read-only view valid only during
     * this call.
     */
    void row(long id, long version, MemorySegment src, long offset) throws IOException;

    void endTable() throws IOException;
}
