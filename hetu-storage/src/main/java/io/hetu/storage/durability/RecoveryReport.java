package io.hetu.storage.durability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@link Durability#open} found and did.
 *
 * @param snapshotSeq the seq of the snapshot loaded, 0 when there was none
 * @param tablesLoaded tables read from the snapshot
 * @param rowsLoaded rows read from the snapshot
 * @param recordsReplayed log records replayed after the snapshot
 * @param lastSeq the last commit recovered; the log accepts {@code lastSeq + 1} next
 * @param tornTail the interrupted write cut off the end of the log, if there was one
 * @param elapsed how long recovery took
 */
public record RecoveryReport(long snapshotSeq, long tablesLoaded, long rowsLoaded, long recordsReplayed,
        long lastSeq, Optional<TornTail> tornTail, Duration elapsed) {

    /**
     * The end of the last segment that did not hold a complete record and was cut off.
     *
     * @param file the segment file
     * @param offset where the file now ends (0 when the whole file was removed)
     * @param droppedBytes how many bytes were removed
     */
    public record TornTail(Path file, long offset, long droppedBytes) {
    }
}
