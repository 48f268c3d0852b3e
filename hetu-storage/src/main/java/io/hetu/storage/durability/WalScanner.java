package io.hetu.storage.durability;

import static io.hetu.storage.durability.Binary.U32;
import static io.hetu.storage.durability.Binary.U64;
import static io.hetu.storage.durability.WalFormat.FRAME_CRC_OFFSET;
import static io.hetu.storage.durability.WalFormat.FRAME_HEADER_SIZE;
import static io.hetu.storage.durability.WalFormat.FRAME_SEQ_OFFSET;
import static io.hetu.storage.durability.WalFormat.HEADER_SIZE;

import io.hetu.storage.durability.RecoveryReport.TornTail;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the write-ahead log at startup: verifies every segment, hands the records after the snapshot
 * to a {@link ReplayHandler}, cuts off a torn tail and refuses a log that is damaged anywhere else.
 *
 * <p>A torn tail is what a crash leaves behind: the last segment ends in a partial record, a record
 * whose CRC does not match, zeros or garbage, and no valid record follows. Anything else that fails
 * verification (in a segment followed by another, or followed by a valid record in the last one, or
 * records missing or out of order) cannot come from an interrupted append, so it is reported as a
 * {@link CorruptLogException}. A log that was closed cleanly ends with a close marker; then there is
 * no interrupted write, and damage at its end is refused too.
 */
final class WalScanner {
    private static final Logger LOG = LoggerFactory.getLogger(WalScanner.class);
    private static final long PROGRESS_EVERY = 1_000_000;

    /**
     * @param segments the segment files left, oldest first
     * @param lastSeq the last record in the log (0 when it holds none)
     * @param tail the last segment, when it survived and can be appended to
     * @param tailEnd the end of the tail's last good record
     * @param replayed records handed to the handler
     * @param tornTail what was cut off, or null
     * @param closedCleanly whether the log ended with a close marker (which is removed, so that the
     *     log can be appended to)
     */
    record Result(List<LogSegment> segments, long lastSeq, LogSegment tail, long tailEnd, long replayed,
            TornTail tornTail, boolean closedCleanly) {
    }

    private final Path dir;
    private final long snapshotSeq;
    private final ReplayHandler handler;
    private long expectedSeq = 1;
    private long replayed;
    /** Set when the last segment ends with a close marker. */
    private boolean closedCleanly;
    /** Verifying a copy (a backup): nothing is cut or deleted, and an incomplete end is damage. */
    private final boolean verifyOnly;

    private WalScanner(Path dir, long snapshotSeq, ReplayHandler handler, boolean verifyOnly) {
        this.dir = dir;
        this.snapshotSeq = snapshotSeq;
        this.handler = handler;
        this.verifyOnly = verifyOnly;
    }

    /**
     * Replays every record with a seq above {@code snapshotSeq}. Records up to it are verified but not
     * replayed, and records missing up to it are tolerated because the snapshot holds their effect.
     */
    static Result scan(Path dir, long snapshotSeq, ReplayHandler handler) throws IOException {
        return new WalScanner(dir, snapshotSeq, handler, false).scanAll();
    }

    /**
     * Verifies the log of a copied directory (a backup) without changing it: every check of
     * {@link #scan}, and a log that does not end on a complete record is damage, since a backup
     * is cut at a record boundary.
     */
    static Result verify(Path dir, long snapshotSeq) throws IOException {
        return new WalScanner(dir, snapshotSeq, (seq, payload) -> {}, true).scanAll();
    }

    static List<LogSegment> listSegments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> WalFormat.firstSeqOf(file) >= 0 && Files.isRegularFile(file))
                    .map(file -> new LogSegment(WalFormat.firstSeqOf(file), file))
                    .sorted(Comparator.comparingLong(LogSegment::firstSeq))
                    .toList();
        }
    }

    private Result scanAll() throws IOException {
        List<LogSegment> segments = new ArrayList<>(listSegments(dir));
        LogSegment tail = null;
        long tailEnd = 0;
        TornTail torn = null;
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            checkContinuity(segment, i == 0 ? null : segments.get(i - 1));
            expectedSeq = segment.firstSeq();
            long end = scanSegment(segment, last);
            long size = Files.size(segment.path());
            if (verifyOnly && end != size && !closedCleanly) {
                throw new CorruptLogException(segment.path(), Math.max(end, 0), end < 0 ? "the segment header is"
                        + " incomplete or damaged" : "the log ends in an incomplete or damaged record after seq "
                        + (expectedSeq - 1) + ", but a copied log ends on a whole record", "The copy is damaged.");
            }
            if (verifyOnly) {
                tail = segment;
                tailEnd = end;
            } else if (end == size || closedCleanly) {
                if (end != size) {
                    cut(segment.path(), end); // the close marker: appending goes on where it begins
                }
                tail = segment;
                tailEnd = end;
            } else if (end >= 0) {
                cut(segment.path(), end);
                torn = new TornTail(segment.path(), end, size - end);
                tail = segment;
                tailEnd = end;
                LOG.warn("Write-ahead log {} ends with a torn record at byte offset {}: cut off {} bytes (the last write"
                        + " before a crash was interrupted); the log ends at seq {}",
                        segment.path(), end, size - end, expectedSeq - 1);
            } else {
                Files.delete(segment.path());
                FileSync.directory(dir);
                segments.remove(i);
                torn = new TornTail(segment.path(), 0, size);
                LOG.warn("Write-ahead log segment {} has an incomplete header and holds no record (a crash right after it"
                        + " was created); deleted it ({} bytes); the log ends at seq {}",
                        segment.path(), size, expectedSeq - 1);
            }
        }
        return new Result(List.copyOf(segments), expectedSeq - 1, tail, tailEnd, replayed, torn, closedCleanly);
    }

    private void checkContinuity(LogSegment segment, LogSegment previous) throws CorruptLogException {
        long first = segment.firstSeq();
        if (first == 0) {
            throw new CorruptLogException(segment.path(), 0, "the file name says the segment starts at seq 0, but seqs"
                    + " start at 1", "Move the file out of the data directory; it is not part of this log.");
        }
        if (first < expectedSeq) {
            throw new CorruptLogException(segment.path(), 0,
                    "the segment starts at seq " + first + ", but " + previous.path().getFileName()
                            + " already holds records up to seq " + (expectedSeq - 1)
                            + " (overlapping segments, perhaps copied in from another data directory)",
                    "Restore the data directory from a backup.");
        }
        if (first > expectedSeq && first - 1 > snapshotSeq) {
            String where = previous == null
                    ? "the oldest segment starts at seq " + first + " and "
                            + (snapshotSeq == 0 ? "there is no snapshot" : "the snapshot covers only up to seq " + snapshotSeq)
                    : "the previous segment " + previous.path().getFileName() + " ends at seq " + (expectedSeq - 1);
            throw new CorruptLogException(segment.path(), 0,
                    "records " + expectedSeq + " to " + (first - 1) + " are missing: " + where,
                    "A segment file was probably deleted or moved away: put it back, or restore the data directory"
                            + " from a backup.");
        }
    }

    /**
     * Verifies one segment and replays its records.
     *
     * @return where its last good record ends, which is less than the file size when a torn tail must
     *     be cut off; -1 when the last segment does not even have a valid header (and holds no record)
     */
    private long scanSegment(LogSegment segment, boolean last) throws IOException {
        Path file = segment.path();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            MemorySegment map = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            String headerProblem = headerProblem(map, size, segment.firstSeq());
            if (headerProblem != null) {
                if (!last) {
                    throw damage(file, 0, headerProblem + " in a segment that is followed by another one", true);
                }
                long follower = findValidFrame(map, 0, size);
                if (follower >= 0) {
                    throw damage(file, 0, headerProblem + ", yet a valid record (seq " + map.get(U64, follower + FRAME_SEQ_OFFSET)
                            + ") follows at byte offset " + follower, false);
                }
                return -1;
            }
            // A log closed cleanly ends with a close marker: damage anywhere before it cannot be an
            // interrupted write, so it is refused like damage in a segment that is followed by another.
            long marker = size - FRAME_HEADER_SIZE;
            boolean closed = last && WalFormat.isCloseMarker(map, marker, size);
            long end = closed ? marker : size;
            long position = HEADER_SIZE;
            while (position < end) {
                String problem = frameProblem(map, position, end);
                if (problem != null && closed) {
                    throw damage(file, position, "record seq " + expectedSeq + ": " + problem + ", in a log that was"
                            + " closed cleanly (it ends with a close marker at byte offset " + marker + "), so this is"
                            + " damage, not an interrupted write", false);
                }
                if (problem != null) {
                    if (!last) {
                        throw damage(file, position, "record seq " + expectedSeq + ": " + problem
                                + ", in a segment that is followed by another one", true);
                    }
                    long follower = findValidFrame(map, position + 1, size);
                    if (follower >= 0) {
                        throw damage(file, position, "record seq " + expectedSeq + ": " + problem
                                + ", yet a valid record (seq " + map.get(U64, follower + FRAME_SEQ_OFFSET)
                                + ") follows at byte offset " + follower + ", so this is damage, not an interrupted write",
                                false);
                    }
                    return position;
                }
                long seq = map.get(U64, position + FRAME_SEQ_OFFSET);
                if (seq != expectedSeq) {
                    throw new CorruptLogException(file, position,
                            "the record there has seq " + seq + " where seq " + expectedSeq + " was expected"
                                    + " (records missing or out of order)",
                            "Restore the data directory from a backup.");
                }
                long length = Integer.toUnsignedLong(map.get(U32, position));
                if (seq > snapshotSeq) {
                    handler.replay(seq, map.asSlice(position + FRAME_HEADER_SIZE, length).asReadOnly());
                    if (++replayed % PROGRESS_EVERY == 0) {
                        LOG.info("Recovery: replayed {} write-ahead log records so far (at seq {} in {})",
                                replayed, seq, file.getFileName());
                    }
                }
                expectedSeq++;
                position += FRAME_HEADER_SIZE + length;
            }
            if (closed) {
                closedCleanly = true;
                long markedSeq = map.get(U64, marker + FRAME_SEQ_OFFSET);
                if (markedSeq != expectedSeq - 1) {
                    throw damage(file, marker, "the close marker says the log ends at seq " + markedSeq
                            + ", but its last record is seq " + (expectedSeq - 1), false);
                }
            }
            return position;
        }
    }

    private static String headerProblem(MemorySegment map, long size, long nameSeq) {
        if (size < HEADER_SIZE) {
            return "the file has " + size + " bytes, fewer than its " + HEADER_SIZE + "-byte header";
        }
        if (map.get(U32, 0) != WalFormat.MAGIC) {
            return "the header does not start with the magic bytes \"HWAL\"";
        }
        int version = map.get(U32, 4);
        if (version != WalFormat.VERSION) {
            return "the header has format version " + Integer.toUnsignedString(version) + ", but this server reads version "
                    + WalFormat.VERSION;
        }
        if (map.get(U32, 16) != Binary.crc32c(map, 0, 16)) {
            return "the header's CRC32C does not match";
        }
        long headerSeq = map.get(U64, 8);
        if (headerSeq != nameSeq) {
            return "the header says the first seq is " + headerSeq + ", but the file name says " + nameSeq;
        }
        return null;
    }

    /** Null when a complete record with a matching CRC starts at {@code position}, else what is wrong. */
    private static String frameProblem(MemorySegment map, long position, long size) {
        long left = size - position;
        if (left < FRAME_HEADER_SIZE) {
            return "only " + left + " bytes left, fewer than a record header";
        }
        long length = Integer.toUnsignedLong(map.get(U32, position));
        if (length > WalFormat.MAX_PAYLOAD) {
            return "the length field says " + length + " bytes, more than the " + WalFormat.MAX_PAYLOAD + "-byte limit";
        }
        if (FRAME_HEADER_SIZE + length > left) {
            return "the length field says " + length + " bytes, but the file ends " + (left - FRAME_HEADER_SIZE)
                    + " bytes after the record header";
        }
        int stored = map.get(U32, position + FRAME_CRC_OFFSET);
        int computed = Binary.crc32c(map, position + FRAME_SEQ_OFFSET, FRAME_HEADER_SIZE - FRAME_SEQ_OFFSET + length);
        if (stored != computed) {
            return String.format("CRC32C mismatch (stored %08x, computed %08x)", stored, computed);
        }
        return null;
    }

    /**
     * The offset of the first valid record at or after {@code from} whose seq could come next in the
     * log, or -1. The seq filter makes it cheap, and makes zeros or random garbage practically never
     * pass for a record.
     */
    private long findValidFrame(MemorySegment map, long from, long size) {
        long maxSeq = expectedSeq + (size - from) / FRAME_HEADER_SIZE + 1;
        for (long position = from; position + FRAME_HEADER_SIZE <= size; position++) {
            long seq = map.get(U64, position + FRAME_SEQ_OFFSET);
            if (seq >= expectedSeq && seq <= maxSeq && frameProblem(map, position, size) == null) {
                return position;
            }
        }
        return -1;
    }

    private CorruptLogException damage(Path file, long offset, String problem, boolean laterSegments) {
        long lost = expectedSeq;
        String cut = "`truncate -s " + offset + " " + file + "`"
                + (laterSegments ? " and move every later wal-*.log file out of " + dir : "");
        return new CorruptLogException(file, offset, problem,
                "The log cannot be trusted from here on, so the server will not start. Restore the data directory"
                        + " from a backup; or, to accept losing commit seq " + lost + " and everything after it, cut the log"
                        + " there with " + cut + " and restart.");
    }

    private static void cut(Path file, long end) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(end);
            channel.force(true);
        }
    }
}
