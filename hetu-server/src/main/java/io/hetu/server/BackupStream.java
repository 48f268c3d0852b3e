package io.hetu.server;

import io.hetu.storage.durability.BackupSource;
import io.hetu.storage.durability.Backups;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The body of {@code GET <path>/admin/backup}: the pinned files of a {@link BackupSource}, one after
 * the other, each with the CRC32C the server computed while reading it, so the receiver checks the
 * whole way from the server's disk to its own. Little-endian, like the rest of HeTu:
 * <pre>
 * "HBKS" u32 version (1) u64 snapshot seq u64 last seq u64 total bytes u32 file count
 * per file: u8 1, u16 name length, name (UTF-8), u64 length, the bytes, u32 CRC32C
 * u8 0
 * </pre>
 * Served chunk by chunk as the client takes it (Netty's ChunkedWriteHandler), so a slow client
 * slows the backup down instead of filling the server's memory.
 */
final class BackupStream implements ChunkedInput<ByteBuf> {

    static final int MAGIC = 0x534B4248; // "HBKS" little-endian
    static final int VERSION = 1;
    private static final int CHUNK = 64 << 10;

    private final BackupSource source;
    private final long total;
    private int file = -1;
    private FileChannel channel;
    private long position;
    private final CRC32C crc = new CRC32C();
    private boolean ended;
    private long sent;

    BackupStream(BackupSource source) {
        this.source = source;
        this.total = source.totalBytes();
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (ended) {
            return null;
        }
        ByteBuf out = allocator.buffer(CHUNK + 512);
        if (file < 0) {
            out.writeIntLE(MAGIC).writeIntLE(VERSION).writeLongLE(source.snapshotSeq()).writeLongLE(source.lastSeq())
                    .writeLongLE(total).writeIntLE(source.files().size());
            file = 0;
            startFile(out);
            return out;
        }
        BackupSource.SourceFile current = source.files().get(file);
        long left = current.length() - position;
        if (left > 0) {
            int want = (int) Math.min(CHUNK, left);
            ByteBuffer target = out.nioBuffer(out.writerIndex(), want);
            int read = 0;
            while (read < want) {
                int n = channel.read(target, position + read);
                if (n < 0) {
                    out.release();
                    throw new IOException(current.path() + " ended at byte " + (position + read) + " during the backup,"
                            + " before the " + current.length() + " it should have");
                }
                read += n;
            }
            target.flip();
            crc.update(target);
            out.writerIndex(out.writerIndex() + want);
            position += want;
            sent += want;
            return out;
        }
        channel.close();
        out.writeIntLE((int) crc.getValue());
        file++;
        startFile(out);
        return out;
    }

    /** Writes the next file's header and opens it, or the end marker after the last one. */
    private void startFile(ByteBuf out) throws IOException {
        if (file >= source.files().size()) {
            out.writeByte(0);
            ended = true;
            return;
        }
        BackupSource.SourceFile next = source.files().get(file);
        byte[] name = next.name().getBytes(StandardCharsets.UTF_8);
        out.writeByte(1).writeShortLE(name.length).writeBytes(name).writeLongLE(next.length());
        channel = FileChannel.open(next.path(), StandardOpenOption.READ);
        position = 0;
        crc.reset();
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return sent;
    }

    @Override
    public void close() throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            source.close();
        }
    }

    /** What a receiver learns from the stream's header. */
    record Header(long snapshotSeq, long lastSeq, long totalBytes, int files) {}

    /** Reads the stream's header. */
    static Header header(DataInputStream in) throws IOException {
        if (Integer.reverseBytes(in.readInt()) != MAGIC) {
            throw new IOException("the server did not send a HeTu backup stream");
        }
        int version = Integer.reverseBytes(in.readInt());
        if (version != VERSION) {
            throw new IOException("the server sent backup stream version " + version + "; this hetu reads " + VERSION);
        }
        return new Header(Long.reverseBytes(in.readLong()), Long.reverseBytes(in.readLong()),
                Long.reverseBytes(in.readLong()), Integer.reverseBytes(in.readInt()));
    }

    /** Receives the files after the header into {@code writer}, checking each one's CRC32C, and publishes the backup. */
    static Backups.Backup receive(DataInputStream in, Header header, Backups.Writer writer, Backups.Progress progress)
            throws IOException {
        for (int i = 0; ; i++) {
            int tag = in.read();
            if (tag == 0) {
                break;
            }
            if (tag != 1 || i >= header.files()) {
                throw new IOException(tag < 0 ? "the backup stream ended early (the server or the network failed)"
                        : "the backup stream is malformed (entry tag " + tag + ")");
            }
            byte[] name = new byte[Short.toUnsignedInt(Short.reverseBytes(in.readShort()))];
            in.readFully(name);
            long length = Long.reverseBytes(in.readLong());
            String file = new String(name, StandardCharsets.UTF_8);
            writer.file(file, length, in, progress);
            writer.expect(file, Integer.reverseBytes(in.readInt()));
        }
        return writer.finish(header.snapshotSeq(), header.lastSeq());
    }

    /** An {@link InputStream} that reads at most {@code bytesPerSecond}: a backup that spares the server's disk and network. */
    static InputStream throttled(InputStream in, long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return in;
        }
        long started = System.nanoTime();
        return new InputStream() {
            private long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = in.read(buffer, offset, (int) Math.min(length, Math.max(1, bytesPerSecond / 20)));
                if (n > 0) {
                    read += n;
                    long due = started + (long) (read * 1e9 / bytesPerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new EOFException("interrupted");
                        }
                    }
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
