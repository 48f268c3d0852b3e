package io.hetu.storage.durability;

import java.util.Objects;

/**
 * Settings of the durability layer.
 *
 * @param fsync when the write-ahead log is fsynced
 * @param segmentBytes the size at which the log starts a new segment file (a record larger than this
 *     gets a segment of its own); at least 1 KiB
 * @param maxPendingBytes how many bytes of appended records may wait for the log writer before
 *     {@link WriteAheadLog#append} blocks; between 64 KiB and 256 MiB
 * @param snapshotEveryCommits the engine writes a snapshot once this many commits followed the last
 *     one, which bounds how much log a start replays; 0: never by count
 * @param snapshotEverySeconds the engine writes a snapshot once this many seconds passed since the
 *     last one and anything was committed since; 0: never by time
 */
public record DurabilityConfig(FsyncPolicy fsync, long segmentBytes, int maxPendingBytes, long snapshotEveryCommits,
        long snapshotEverySeconds) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_PENDING_BYTES = 16 << 20;
    public static final long DEFAULT_SNAPSHOT_EVERY_COMMITS = 1_000_000;
    public static final long DEFAULT_SNAPSHOT_EVERY_SECONDS = 0;

    public DurabilityConfig {
        Objects.requireNonNull(fsync, "fsync");
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segmentBytes must be at least 1024, got " + segmentBytes);
        }
        if (maxPendingBytes < (64 << 10) || maxPendingBytes > (256 << 20)) {
            throw new IllegalArgumentException("maxPendingBytes must be between 64 KiB and 256 MiB, got " + maxPendingBytes);
        }
        if (snapshotEveryCommits < 0) {
            throw new IllegalArgumentException("snapshotEveryCommits must not be negative, got " + snapshotEveryCommits);
        }
        if (snapshotEverySeconds < 0) {
            throw new IllegalArgumentException("snapshotEverySeconds must not be negative, got " + snapshotEverySeconds);
        }
    }

    /** {@code always}, 64 MiB segments, 16 MiB of pending appends, a snapshot every 1,000,000 commits. */
    public static DurabilityConfig defaults() {
        return new DurabilityConfig(FsyncPolicy.ALWAYS, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_PENDING_BYTES,
                DEFAULT_SNAPSHOT_EVERY_COMMITS, DEFAULT_SNAPSHOT_EVERY_SECONDS);
    }

    public DurabilityConfig withFsync(FsyncPolicy policy) {
        return new DurabilityConfig(policy, segmentBytes, maxPendingBytes, snapshotEveryCommits, snapshotEverySeconds);
    }

    public DurabilityConfig withSegmentBytes(long bytes) {
        return new DurabilityConfig(fsync, bytes, maxPendingBytes, snapshotEveryCommits, snapshotEverySeconds);
    }

    public DurabilityConfig withMaxPendingBytes(int bytes) {
        return new DurabilityConfig(fsync, segmentBytes, bytes, snapshotEveryCommits, snapshotEverySeconds);
    }

    /** Snapshots after {@code commits} commits and after {@code seconds} seconds (0: not by that measure). */
    public DurabilityConfig withSnapshotsEvery(long commits, long seconds) {
        return new DurabilityConfig(fsync, segmentBytes, maxPendingBytes, commits, seconds);
    }
}
