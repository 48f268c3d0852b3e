package io.hetu.runtime.durability;

import java.util.Objects;

/**
 * Settings of the durability layer.
 *
 * @param fsync when the write-ahead log is fsynced
 * @param segmentBytes the size at which the log starts a new segment file (a record larger than this
 *     gets a segment of its own); at least 1 KiB
 * @param maxPendingBytes how many bytes of appended records may wait for the log writer before
 *     {@link WriteAheadLog#append} blocks; between 64 KiB and 256 MiB
 */
public record DurabilityConfig(FsyncPolicy fsync, long segmentBytes, int maxPendingBytes) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_PENDING_BYTES = 16 << 20;

    public DurabilityConfig {
        Objects.requireNonNull(fsync, "fsync");
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segmentBytes must be at least 1024, got " + segmentBytes);
        }
        if (maxPendingBytes < (64 << 10) || maxPendingBytes > (256 << 20)) {
            throw new IllegalArgumentException("maxPendingBytes must be between 64 KiB and 256 MiB, got " + maxPendingBytes);
        }
    }

    /** {@code always}, 64 MiB segments, 16 MiB of pending appends. */
    public static DurabilityConfig defaults() {
        return new DurabilityConfig(FsyncPolicy.ALWAYS, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_PENDING_BYTES);
    }

    public DurabilityConfig withFsync(FsyncPolicy policy) {
        return new DurabilityConfig(policy, segmentBytes, maxPendingBytes);
    }

    public DurabilityConfig withSegmentBytes(long bytes) {
        return new DurabilityConfig(fsync, bytes, maxPendingBytes);
    }

    public DurabilityConfig withMaxPendingBytes(int bytes) {
        return new DurabilityConfig(fsync, segmentBytes, bytes);
    }
}
