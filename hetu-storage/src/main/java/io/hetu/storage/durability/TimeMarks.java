package io.hetu.storage.durability;

import static io.hetu.storage.durability.Binary.U32;
import static io.hetu.storage.durability.Binary.U64;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When commits became durable, by the wall clock: beside each log segment {@code wal-<seq>.log} a
 * file {@code wal-<seq>.times} of 24-byte marks (u64 seq, i64 milliseconds since the epoch, u32
 * CRC32C of those 16 bytes, u32 zero), one at most per wall-clock second in which commits became
 * durable: "every commit up to seq was durable at this time". A point-in-time restore to a time
 * takes the last mark at or before it. The marks are advisory: they are not fsynced, a torn or
 * damaged mark is skipped, recovery never reads them, and failing to write them only logs.
 */
final class TimeMarks {
    private static final Logger LOG = LoggerFactory.getLogger(TimeMarks.class);
    static final String SUFFIX = ".times";
    static final int MARK_BYTES = 24;

    /** A mark: every commit up to {@code seq} was durable at {@code epochMillis}. */
    record Mark(long seq, long epochMillis) {}

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MARK_BYTES);
    private final MemorySegment bytes = MemorySegment.ofBuffer(buffer);
    private FileChannel channel;
    private long lastSecond = Long.MIN_VALUE;
    private boolean warned;

    /** The marks file beside a segment file. */
    static Path of(Path segment) {
        String name = segment.getFileName().toString();
        return segment.resolveSibling(name.substring(0, name.length() - ".log".length()) + SUFFIX);
    }

    /** Starts writing the marks of {@code segment}, after any it already has. */
    void switchTo(Path segment) {
        close();
        try {
            channel = FileChannel.open(of(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            warn(e);
        }
    }

    /** Marks {@code seq} durable now, unless a mark was written in this wall-clock second already. */
    void durable(long seq) {
        long now = System.currentTimeMillis();
        if (channel == null || now / 1000 == lastSecond) {
            return;
        }
        lastSecond = now / 1000;
        bytes.set(U64, 0, seq);
        bytes.set(U64, 8, now);
        bytes.set(U32, 16, Binary.crc32c(bytes, 0, 16));
        bytes.set(U32, 20, 0);
        buffer.clear();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            warn(e);
        }
    }

    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                warn(e);
            }
            channel = null;
        }
    }

    private void warn(IOException e) {
        if (!warned) {
            warned = true;
            LOG.warn("Cannot write the commit time marks beside the write-ahead log ({}); restoring a backup to a time"
                    + " will be less precise. The log itself is not affected.", WriteAheadLog.describe(e));
        }
    }

    /** The valid marks of one segment's marks file, in file order; none when it is missing. */
    static List<Mark> read(Path marksFile) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(marksFile);
        } catch (NoSuchFileException none) {
            return List.of();
        }
        MemorySegment data = MemorySegment.ofArray(all);
        List<Mark> marks = new ArrayList<>();
        for (long at = 0; at + MARK_BYTES <= all.length; at += MARK_BYTES) {
            if (data.get(U32, at + 16) == Binary.crc32c(data, at, 16)) {
                marks.add(new Mark(data.get(U64, at), data.get(U64, at + 8)));
            }
        }
        return marks;
    }
}
