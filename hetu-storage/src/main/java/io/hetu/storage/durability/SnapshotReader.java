package io.hetu.storage.durability;

import static io.hetu.storage.durability.Binary.U32;
import static io.hetu.storage.durability.Binary.U64;
import static io.hetu.storage.durability.SnapshotFormat.ROWS_BLOCK_OVERHEAD;
import static io.hetu.storage.durability.SnapshotFormat.ROW_PREFIX;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Streams a snapshot file to a {@link SnapshotVisitor}, verifying every checksum before delivering data. */
final class SnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
    private static final long PROGRESS_EVERY = 1_000_000;
    static final String REMEDY = "The server refuses to start on a damaged snapshot. Restore the data directory from a"
            + " backup. (Moving MANIFEST out of the directory makes the server start without any snapshot, which only"
            + " recovers everything if the write-ahead log still holds every commit from seq 1.)";

    /** What was loaded. */
    record Loaded(long seq, long tables, long rows) {
    }

    private final Path file;
    private final MemorySegment map;
    private final long dataEnd;
    private long rowsLoaded;

    private SnapshotReader(Path file, MemorySegment map, long dataEnd) {
        this.file = file;
        this.map = map;
        this.dataEnd = dataEnd;
    }

    /**
     * Reads {@code file}, which the MANIFEST says holds the snapshot at {@code expectedSeq} and is
     * {@code expectedSize} bytes long.
     */
    static Loaded read(Path file, long expectedSeq, long expectedSize, SnapshotVisitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size != expectedSize) {
                throw corrupt(file, Math.min(size, expectedSize), "the file has " + size + " bytes, but MANIFEST says "
                        + expectedSize + " (truncated or replaced)");
            }
            if (size < SnapshotFormat.HEADER_SIZE + SnapshotFormat.END_FIXED_SIZE + SnapshotFormat.TRAILER_SIZE) {
                throw corrupt(file, 0, "the file has only " + size + " bytes, too few for a snapshot");
            }
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asReadOnly();
            return new SnapshotReader(file, map, size - SnapshotFormat.TRAILER_SIZE).readAll(expectedSeq, visitor);
        }
    }

    private Loaded readAll(long expectedSeq, SnapshotVisitor visitor) throws IOException {
        if (map.get(U32, 0) != SnapshotFormat.MAGIC) {
            throw corrupt(file, 0, "the file does not start with the magic bytes \"HSNP\"");
        }
        int version = map.get(U32, 4);
        if (version != SnapshotFormat.VERSION) {
            throw corrupt(file, 4, "format version " + Integer.toUnsignedString(version) + ", but this server reads version "
                    + SnapshotFormat.VERSION);
        }
        long trailer = dataEnd;
        if (map.get(U32, trailer + 8) != SnapshotFormat.TRAILER_TAG || map.get(U32, trailer + 12) != Binary.crc32c(map, trailer, 12)) {
            throw corrupt(file, trailer, "the trailer is damaged (bad tag or CRC32C)");
        }
        long endBlock = map.get(U64, trailer);
        if (endBlock < SnapshotFormat.HEADER_SIZE || endBlock > dataEnd - SnapshotFormat.END_FIXED_SIZE) {
            throw corrupt(file, trailer, "the trailer points to byte offset " + endBlock + ", outside the file");
        }
        if (map.get(U32, endBlock) != SnapshotFormat.END_TAG) {
            throw corrupt(file, endBlock, "the end block does not start with its tag \"END!\"");
        }
        long metaLength = Integer.toUnsignedLong(map.get(U32, endBlock + 24));
        if (endBlock + SnapshotFormat.END_FIXED_SIZE + metaLength != dataEnd) {
            throw corrupt(file, endBlock, "the end block's metadata length " + metaLength + " does not match the file size");
        }
        checkCrc(endBlock, SnapshotFormat.END_FIXED_SIZE - 4 + metaLength, "the end block");
        long seq = map.get(U64, endBlock + 4);
        long tableCount = Integer.toUnsignedLong(map.get(U32, endBlock + 12));
        long totalRows = map.get(U64, endBlock + 16);
        if (seq != expectedSeq) {
            throw corrupt(file, endBlock, "the snapshot is at seq " + seq + ", but MANIFEST says seq " + expectedSeq);
        }
        visitor.begin(seq, map.asSlice(endBlock + 28, metaLength).toArray(ValueLayout.JAVA_BYTE));

        long position = SnapshotFormat.HEADER_SIZE;
        for (long t = 0; t < tableCount; t++) {
            position = readTable(position, endBlock, visitor, totalRows);
        }
        if (position != endBlock) {
            throw corrupt(file, position, "the end block says " + tableCount + " tables, but data continues after them up"
                    + " to byte offset " + endBlock);
        }
        if (rowsLoaded != totalRows) {
            throw corrupt(file, endBlock, "the end block says " + totalRows + " rows, but the tables hold " + rowsLoaded);
        }
        return new Loaded(seq, tableCount, rowsLoaded);
    }

    /** Reads one table starting at {@code start}; returns where the next one starts. */
    private long readTable(long start, long limit, SnapshotVisitor visitor, long totalRows)
            throws IOException {
        need(start, 8, limit, "table header");
        if (map.get(U32, start) != SnapshotFormat.TABLE_TAG) {
            throw corrupt(file, start, "expected a table header (tag \"TABL\") here");
        }
        long nameLength = Integer.toUnsignedLong(map.get(U32, start + 4));
        need(start, 8 + nameLength + 4, limit, "table header");
        long hashLength = Integer.toUnsignedLong(map.get(U32, start + 8 + nameLength));
        long headerLength = 8 + nameLength + 4 + hashLength + 12;
        need(start, headerLength + 4, limit, "table header");
        checkCrc(start, headerLength, "the table header");
        String name = utf8(start + 8, nameLength);
        String layoutHash = utf8(start + 12 + nameLength, hashLength);
        int rowSize = map.get(U32, start + 12 + nameLength + hashLength);
        long rowCount = map.get(U64, start + 16 + nameLength + hashLength);
        if (rowSize < 0 || rowSize > SnapshotFormat.MAX_ROW_SIZE || rowCount < 0) {
            throw corrupt(file, start, "table '" + name + "' has an impossible row size " + rowSize + " or row count "
                    + rowCount);
        }
        visitor.beginTable(name, layoutHash, rowSize, rowCount);
        long position = start + headerLength + 4;
        long left = rowCount;
        while (left > 0) {
            need(position, 8, limit, "row block of table '" + name + "'");
            if (map.get(U32, position) != SnapshotFormat.ROWS_TAG) {
                throw corrupt(file, position, "expected a row block (tag \"ROWS\") of table '" + name + "' here");
            }
            long count = Integer.toUnsignedLong(map.get(U32, position + 4));
            if (count == 0 || count > left) {
                throw corrupt(file, position, "a row block of table '" + name + "' claims " + count + " rows, with " + left
                        + " rows of the table left");
            }
            long blockLength = ROWS_BLOCK_OVERHEAD + count * (ROW_PREFIX + rowSize);
            need(position, blockLength, limit, "row block of table '" + name + "'");
            checkCrc(position, blockLength - 4, "a row block of table '" + name + "'");
            long row = position + 8;
            for (long i = 0; i < count; i++) {
                visitor.row(map.get(U64, row), map.get(U64, row + 8), map, row + ROW_PREFIX);
                row += ROW_PREFIX + rowSize;
                if (++rowsLoaded % PROGRESS_EVERY == 0) {
                    LOG.info("Recovery: loaded {} of {} snapshot rows (table '{}')", rowsLoaded, totalRows, name);
                }
            }
            left -= count;
            position += blockLength;
        }
        visitor.endTable();
        return position;
    }

    private void need(long start, long length, long limit, String what) throws CorruptSnapshotException {
        if (length > limit - start) {
            throw corrupt(file, start, what + " of " + length + " bytes runs past the end of the table data at byte offset "
                    + limit);
        }
    }

    /** The CRC32C of the {@code length} bytes at {@code start} must equal the u32 right after them. */
    private void checkCrc(long start, long length, String what) throws CorruptSnapshotException {
        int stored = map.get(U32, start + length);
        int computed = Binary.crc32c(map, start, length);
        if (stored != computed) {
            throw corrupt(file, start, String.format("%s: CRC32C mismatch (stored %08x, computed %08x)", what, stored,
                    computed));
        }
    }

    private String utf8(long offset, long length) {
        return new String(map.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
    }

    private static CorruptSnapshotException corrupt(Path file, long offset, String problem) {
        return new CorruptSnapshotException(file, offset, problem, REMEDY);
    }
}
