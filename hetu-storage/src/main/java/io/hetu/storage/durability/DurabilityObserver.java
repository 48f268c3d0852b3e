package io.hetu.storage.durability;

/**
 * Hears how long the durability layer's slow operations take, for metrics. Set with
 * {@link Durability#observe}. Methods run on the thread that did the work (the log writer for an
 * fsync): they must be quick and must not touch the log.
 */
public interface DurabilityObserver {
    DurabilityObserver NONE = new DurabilityObserver() {};

    /** A log file was fsynced; {@code nanos} is how long {@code force} took. */
    default void fsynced(long nanos) {}

    /**
     * A snapshot at {@code seq} was published: {@code bytes} long, {@code nanos} from
     * {@link Durability#beginSnapshot()} until it was in force.
     */
    default void snapshotPublished(long seq, long bytes, long nanos) {}
}
