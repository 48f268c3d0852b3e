package io.hetu.storage.embedded;

import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * The rows of one table, off-heap, in fixed-size chunks that are allocated as the table grows and
 * never moved, so growth never copies rows and a reader's segment stays valid.
 *
 * <p>A slot holds a 16-byte header (id, version) and then the row's layout bytes. A row id is
 * {@code generation << 32 | slot}: the slot gives the row's place without a map, and the
 * generation, bumped each time a slot is handed out, keeps ids unique forever although slots are
 * reused. Version 0 marks a slot that holds no committed row; a committed row's version is the
 * commit seq that last wrote it.
 *
 * <p>Only the committer writes committed rows, holding {@link #latch}'s write lock; readers use
 * optimistic reads of the latch and retry under its read lock.
 */
final class TableStore {

    static final int HEADER = 16;
    private static final int TARGET_CHUNK_BYTES = 256 * 1024;

    final int number;
    final TableDescriptor<?, ?> descriptor;
    final int rowSize;
    final int stride;
    final StampedLock latch = new StampedLock();

    private final Arena arena;
    private final int chunkShift;
    private final int chunkMask;
    private volatile MemorySegment[] chunks = new MemorySegment[0];

    private final Object allocation = new Object();
    private int highWater;
    private int[] free = new int[16];
    private int freeCount;
    /** Committed rows; changed only by the committer. */
    private long live;

    TableStore(int number, TableDescriptor<?, ?> descriptor, Arena arena) {
        this.number = number;
        this.descriptor = descriptor;
        this.rowSize = descriptor.layout().size();
        this.stride = (HEADER + rowSize + 7) & ~7;
        this.arena = arena;
        int slots = Integer.highestOneBit(Math.max(64, TARGET_CHUNK_BYTES / stride));
        this.chunkShift = Integer.numberOfTrailingZeros(slots);
        this.chunkMask = slots - 1;
    }

    MemorySegment chunk(int slot) {
        return chunks[slot >>> chunkShift];
    }

    long headerOffset(int slot) {
        return (long) (slot & chunkMask) * stride;
    }

    long rowOffset(int slot) {
        return headerOffset(slot) + HEADER;
    }

    long id(int slot) {
        return chunk(slot).get(Layouts.I64, headerOffset(slot));
    }

    long version(int slot) {
        return chunk(slot).get(Layouts.I64, headerOffset(slot) + 8);
    }

    /** The slot of the committed row with this id, or -1. */
    int slotOf(long id) {
        int slot = (int) id;
        MemorySegment[] current = chunks;
        if (id <= 0 || slot < 0 || (slot >>> chunkShift) >= current.length) {
            return -1;
        }
        MemorySegment chunk = current[slot >>> chunkShift];
        long header = headerOffset(slot);
        if (chunk.get(Layouts.I64, header) != id || chunk.get(Layouts.I64, header + 8) == 0) {
            return -1;
        }
        return slot;
    }

    /** Hands out a slot for a row that a transaction inserts, and returns the row's new id. */
    long reserve() {
        synchronized (allocation) {
            int slot = freeCount > 0 ? free[--freeCount] : highWater++;
            if (slot < 0) {
                throw new IllegalStateException("table " + descriptor.name() + " is full (2^31 rows)");
            }
            ensureChunk(slot);
            MemorySegment chunk = chunk(slot);
            long header = headerOffset(slot);
            long generation = (chunk.get(Layouts.I64, header) >>> 32) + 1;
            long id = generation << 32 | slot;
            chunk.set(Layouts.I64, header, id);
            return id;
        }
    }

    /** Returns the slot of an id that was reserved but never committed. */
    void release(long id) {
        int slot = (int) id;
        synchronized (allocation) {
            if (version(slot) == 0 && id(slot) == id) {
                pushFree(slot);
            }
        }
    }

    /** Places a recovered row at the slot its id names; for recovery only. */
    void restore(long id, long version, MemorySegment source, long offset) {
        int slot = (int) id;
        synchronized (allocation) {
            ensureChunk(slot);
            highWater = Math.max(highWater, slot + 1);
        }
        MemorySegment chunk = chunk(slot);
        long header = headerOffset(slot);
        boolean wasLive = chunk.get(Layouts.I64, header + 8) != 0;
        chunk.set(Layouts.I64, header, id);
        MemorySegment.copy(source, offset, chunk, header + HEADER, rowSize);
        chunk.set(Layouts.I64, header + 8, version);
        if (!wasLive) {
            live++;
        }
    }

    /** Removes a recovered row; for recovery only. Returns false when there was no such row. */
    boolean forget(long id) {
        int slot = slotOf(id);
        if (slot < 0) {
            return false;
        }
        MemorySegment chunk = chunk(slot);
        long header = headerOffset(slot);
        chunk.set(Layouts.I64, header + 8, 0L);
        chunk.asSlice(header + HEADER, rowSize).fill((byte) 0);
        live--;
        return true;
    }

    /** After recovery: every slot below the high-water mark without a row becomes free. */
    void rebuildFreeList() {
        synchronized (allocation) {
            freeCount = 0;
            for (int slot = highWater - 1; slot >= 0; slot--) {
                if (version(slot) == 0) {
                    pushFree(slot);
                }
            }
        }
    }

    /** Commits a row into its reserved or existing slot. The caller holds the write latch. */
    void write(int slot, long version, MemorySegment source, long offset) {
        MemorySegment chunk = chunk(slot);
        long header = headerOffset(slot);
        if (chunk.get(Layouts.I64, header + 8) == 0) {
            live++;
        }
        MemorySegment.copy(source, offset, chunk, header + HEADER, rowSize);
        chunk.set(Layouts.I64, header + 8, version);
    }

    /** Removes a committed row and frees its slot. The caller holds the write latch. */
    void delete(int slot) {
        MemorySegment chunk = chunk(slot);
        long header = headerOffset(slot);
        chunk.set(Layouts.I64, header + 8, 0L);
        chunk.asSlice(header + HEADER, rowSize).fill((byte) 0);
        live--;
        synchronized (allocation) {
            pushFree(slot);
        }
    }

    /** Copies every committed row (header and bytes, in slot order) into one new segment. */
    MemorySegment copyLiveRows(Arena into) {
        int entry = HEADER + rowSize;
        MemorySegment copy = into.allocate(Math.max(1, live * entry), 8);
        long at = 0;
        int end = highWater();
        for (int slot = 0; slot < end; slot++) {
            if (version(slot) != 0) {
                MemorySegment.copy(chunk(slot), headerOffset(slot), copy, at, entry);
                at += entry;
            }
        }
        return copy.asSlice(0, at);
    }

    long liveRows() {
        return live;
    }

    /** Slots below this may hold rows. */
    int highWater() {
        synchronized (allocation) {
            return highWater;
        }
    }

    /** Bytes allocated for rows and headers. */
    long allocatedBytes() {
        return (long) chunks.length * (chunkMask + 1) * stride;
    }

    private void ensureChunk(int slot) {
        int index = slot >>> chunkShift;
        MemorySegment[] current = chunks;
        if (index < current.length) {
            return;
        }
        MemorySegment[] grown = Arrays.copyOf(current, index + 1);
        for (int i = current.length; i <= index; i++) {
            grown[i] = arena.allocate((long) (chunkMask + 1) * stride, 8);
        }
        chunks = grown;
    }

    private void pushFree(int slot) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
    }
}
