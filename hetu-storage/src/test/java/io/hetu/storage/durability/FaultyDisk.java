package io.hetu.storage.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Log files on a disk that can be made to fail: writes that stop with "No space left on device"
 * after a number of bytes (so a record is left half written), and fsyncs that fail.
 */
final class FaultyDisk implements WriteAheadLog.ChannelOpener {
    static final String NO_SPACE = "No space left on device";

    /** Bytes the disk still takes; negative: unlimited. */
    private long room = -1;
    private boolean failSync;

    /** From now on the disk takes {@code bytes} more bytes, then refuses writes. */
    synchronized void fillAfter(long bytes) {
        room = bytes;
    }

    synchronized void failSyncs(boolean fail) {
        failSync = fail;
    }

    /** Space was freed: writes succeed again. */
    synchronized void free() {
        room = -1;
    }

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        return new Channel(FileChannel.open(file, options));
    }

    private synchronized int admit(int wanted) throws IOException {
        if (room < 0) {
            return wanted;
        }
        if (room == 0) {
            throw new IOException(NO_SPACE);
        }
        int taken = (int) Math.min(room, wanted);
        room -= taken;
        return taken;
    }

    private synchronized void checkSync() throws IOException {
        if (failSync) {
            throw new IOException("Input/output error");
        }
    }

    private final class Channel extends FileChannel {
        private final FileChannel file;

        Channel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int allowed = admit(src.remaining());
            ByteBuffer part = src.slice(src.position(), allowed);
            int written = file.write(part);
            src.position(src.position() + written);
            return written;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new UnsupportedOperationException("the log writes sequentially");
        }

        @Override
        public void force(boolean metaData) throws IOException {
            checkSync();
            file.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException("the log writes sequentially");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
