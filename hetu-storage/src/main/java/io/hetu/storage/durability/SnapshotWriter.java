package io.hetu.storage.durability;

import static io.hetu.storage.durability.Binary.U32;
import static io.hetu.storage.durability.Binary.U64;
import static io.hetu.storage.durability.SnapshotFormat.ROWS_BLOCK_OVERHEAD;
import static io.hetu.storage.durability.SnapshotFormat.ROW_PREFIX;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one snapshot: every durable table as of one commit seq. Use it as
 * {@code beginTable, row..., endTable} per table, then {@link #commit(long, byte[])}, which makes
 * the file durable, publishes it atomically through the MANIFEST, deletes the previous snapshot and
 * the log segments it made obsolete. Until then the previous snapshot stays in force, also across a
 * crash. {@link #close()} without a commit abandons the snapshot. Not thread-safe: one thread writes it.
 *
 * <p>Obtained from {@link Durability#beginSnapshot()}.
 */
public final class SnapshotWriter implements AutoCloseable {
    /** How {@link Durability} takes the finished file. */
    interface Publisher {
        /** Throws when a snapshot at {@code seq} must not be published. */
        void validate(long seq);

        void publish(Path written, long seq, long size) throws IOException;

        /** Called once, when the writer is committed or abandoned. */
        void finished();
    }

    private static final int BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final Publisher publisher;
    private final FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private MemorySegment bytes = MemorySegment.ofBuffer(buffer);
    private int used;
    private long flushed;
    private boolean done;

    private String table;
    private int rowSize;
    private long declaredRows;
    private long writtenRows;
    private int rowsPerBlock;
    private int blockStart = -1;
    private int blockRows;
    private int tableCount;
    private long totalRows;

    SnapshotWriter(Path file, Publisher publisher) throws IOException {
        this.file = file;
        this.publisher = publisher;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        bytes.set(U32, 0, SnapshotFormat.MAGIC);
        bytes.set(U32, 4, SnapshotFormat.VERSION);
        used = SnapshotFormat.HEADER_SIZE;
    }

    /**
     * Starts a table of {@code rowCount} rows of {@code rowSize} bytes each.
     *
     * @param layoutHash the table's layout hash from the schema manifest, so recovery can tell whether
     *     the rows still fit the component
     */
    public void beginTable(String qualifiedName, String layoutHash, int rowSize, long rowCount) throws IOException {
        checkWritable();
        if (table != null) {
            throw new IllegalStateException("table '" + table + "' is still open: call endTable() first");
        }
        byte[] name = qualifiedName.getBytes(StandardCharsets.UTF_8);
        byte[] hash = layoutHash.getBytes(StandardCharsets.UTF_8);
        if (name.length > SnapshotFormat.MAX_NAME_BYTES || hash.length > SnapshotFormat.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("table name or layout hash longer than " + SnapshotFormat.MAX_NAME_BYTES
                    + " bytes: " + qualifiedName);
        }
        if (rowSize < 0 || rowSize > SnapshotFormat.MAX_ROW_SIZE) {
            throw new IllegalArgumentException("row size of table '" + qualifiedName + "' must be between 0 and "
                    + SnapshotFormat.MAX_ROW_SIZE + ", got " + rowSize);
        }
        if (rowCount < 0) {
            throw new IllegalArgumentException("row count of table '" + qualifiedName + "' is negative: " + rowCount);
        }
        int start = reserve(4 + 4 + name.length + 4 + hash.length + 4 + 8 + 4);
        int at = start;
        bytes.set(U32, at, SnapshotFormat.TABLE_TAG);
        at = putBytes(at + 4, name);
        at = putBytes(at, hash);
        bytes.set(U32, at, rowSize);
        bytes.set(U64, at + 4, rowCount);
        at += 12;
        bytes.set(U32, at, Binary.crc32c(bytes, start, at - start));
        used = at + 4;
        table = qualifiedName;
        this.rowSize = rowSize;
        declaredRows = rowCount;
        writtenRows = 0;
        rowsPerBlock = SnapshotFormat.rowsPerBlock(rowSize);
    }

    /** Adds one row: {@code rowSize} bytes at {@code offset} in {@code src}. */
    public void row(long id, long version, MemorySegment src, long offset) throws IOException {
        if (table == null) {
            throw new IllegalStateException("row() outside a table: call beginTable() first");
        }
        if (writtenRows == declaredRows) {
            throw new IllegalStateException("table '" + table + "' was declared with " + declaredRows
                    + " rows; this would be one more");
        }
        if (blockStart < 0) {
            blockStart = reserve(ROWS_BLOCK_OVERHEAD + rowsPerBlock * (ROW_PREFIX + rowSize));
            bytes.set(U32, blockStart, SnapshotFormat.ROWS_TAG);
            used = blockStart + 8;
            blockRows = 0;
        }
        bytes.set(U64, used, id);
        bytes.set(U64, used + 8, version);
        MemorySegment.copy(src, offset, bytes, used + ROW_PREFIX, rowSize);
        used += ROW_PREFIX + rowSize;
        writtenRows++;
        if (++blockRows == rowsPerBlock) {
            closeBlock();
        }
    }

    /** Ends the current table; it must have exactly the declared number of rows. */
    public void endTable() {
        if (table == null) {
            throw new IllegalStateException("endTable() without beginTable()");
        }
        if (writtenRows != declaredRows) {
            throw new IllegalStateException("table '" + table + "' was declared with " + declaredRows + " rows but "
                    + writtenRows + " were written");
        }
        if (blockStart >= 0) {
            closeBlock();
        }
        table = null;
        tableCount++;
        totalRows += writtenRows;
    }

    /** Same as {@link #commit(long, byte[])} without metadata. */
    public void commit(long seq) throws IOException {
        commit(seq, new byte[0]);
    }

    /**
     * Finishes the snapshot as the state after commit {@code seq}, with the engine's metadata
     * {@code meta} (opaque here, given back by {@link SnapshotVisitor#begin}), and publishes it.
     *
     * @throws IllegalArgumentException when {@code seq} is not newer than the published snapshot or
     *     was never appended to the log
     */
    public void commit(long seq, byte[] meta) throws IOException {
        checkWritable();
        if (table != null) {
            throw new IllegalStateException("table '" + table + "' is still open: call endTable() first");
        }
        if (meta.length > SnapshotFormat.MAX_META_BYTES) {
            throw new IllegalArgumentException("snapshot metadata has " + meta.length + " bytes; at most "
                    + SnapshotFormat.MAX_META_BYTES);
        }
        publisher.validate(seq);
        try {
            int start = reserve(SnapshotFormat.END_FIXED_SIZE + meta.length + SnapshotFormat.TRAILER_SIZE);
            long endOffset = flushed + start;
            bytes.set(U32, start, SnapshotFormat.END_TAG);
            bytes.set(U64, start + 4, seq);
            bytes.set(U32, start + 12, tableCount);
            bytes.set(U64, start + 16, totalRows);
            int at = putBytes(start + 24, meta);
            bytes.set(U32, at, Binary.crc32c(bytes, start, at - start));
            at += 4;
            bytes.set(U64, at, endOffset);
            bytes.set(U32, at + 8, SnapshotFormat.TRAILER_TAG);
            bytes.set(U32, at + 12, Binary.crc32c(bytes, at, 12));
            used = at + SnapshotFormat.TRAILER_SIZE;
            flush();
            channel.force(true);
            channel.close();
            publisher.publish(file, seq, flushed);
        } catch (IOException | RuntimeException | Error e) {
            try {
                discard();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        } finally {
            done = true;
            publisher.finished();
        }
    }

    /** Abandons the snapshot unless it was committed: the temporary file is deleted. */
    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            try {
                discard();
            } finally {
                publisher.finished();
            }
        }
    }

    private void discard() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    private void checkWritable() {
        if (done) {
            throw new IllegalStateException("this snapshot was already committed or abandoned");
        }
    }

    private void closeBlock() {
        bytes.set(U32, blockStart + 4, blockRows);
        bytes.set(U32, used, Binary.crc32c(bytes, blockStart, used - blockStart));
        used += 4;
        blockStart = -1;
    }

    /** Length-prefixed bytes; returns the offset after them. */
    private int putBytes(int at, byte[] value) {
        bytes.set(U32, at, value.length);
        MemorySegment.copy(MemorySegment.ofArray(value), 0, bytes, at + 4, value.length);
        return at + 4 + value.length;
    }

    /** Makes room for {@code length} contiguous bytes in the buffer and returns where they start. */
    private int reserve(long length) throws IOException {
        if (used + length > buffer.capacity()) {
            flush();
            if (length > buffer.capacity()) {
                buffer = ByteBuffer.allocateDirect(Math.toIntExact(length));
                bytes = MemorySegment.ofBuffer(buffer);
            }
        }
        return used;
    }

    private void flush() throws IOException {
        ByteBuffer out = buffer.clear().limit(used);
        while (out.hasRemaining()) {
            channel.write(out);
        }
        flushed += used;
        used = 0;
    }
}
