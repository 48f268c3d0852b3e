package io.hetu.runtime.durability;

import static io.hetu.runtime.durability.Binary.U32;
import static io.hetu.runtime.durability.Binary.U64;
import static io.hetu.runtime.durability.WalFormat.FRAME_CRC_OFFSET;
import static io.hetu.runtime.durability.WalFormat.FRAME_HEADER_SIZE;
import static io.hetu.runtime.durability.WalFormat.FRAME_SEQ_OFFSET;
import static io.hetu.runtime.durability.WalFormat.HEADER_SIZE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: makes commit payloads durable in seq order with group commit.
 *
 * <p>The engine calls {@link #append} under its commit lock, in seq order; that only copies the
 * payload into a buffer. A dedicated writer thread takes everything appended so far, writes it with
 * one call and fsyncs it once (under {@link FsyncPolicy#ALWAYS}), so concurrent commits share one
 * {@code fsync}. Under {@link FsyncPolicy#NO}, where writing never waits for the disk, the thread
 * that asks whether a commit is durable ({@link #durable(long)}, {@link #writeAppended()}) writes
 * instead: one thread writes at a time and takes everything appended meanwhile, so commits still
 * share a write, and a commit needs no hand-off to another thread and back. The writer thread then
 * only writes what nobody asked about, within {@value #BACKSTOP_MILLIS} ms. The engine waits for its commit outside the commit lock with {@link #durable(long)}
 * and learns the order in which commits became durable through {@link #onDurable(LongConsumer)}.
 *
 * <p>"Durable" follows the policy: under {@code ALWAYS} a seq is durable when the fsync that
 * covers it has returned; under {@code EVERYSEC} and {@code NO} when it has been written to the
 * operating system (it then survives a crash of this process but not necessarily of the machine;
 * {@link #syncedSeq()} tells how far the log is actually on disk).
 *
 * <p>An I/O error is final: the pending futures fail with it, and every later {@link #append} and
 * {@link #close} throws an {@link IOException} that carries it. The server has to stop and recover.
 *
 * <p>Obtained from {@link Durability#wal()}.
 */
public final class WriteAheadLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final long EVERYSEC_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int INITIAL_BUFFER_BYTES = 1 << 20;

    private final Path dir;
    private final FsyncPolicy policy;
    private final long segmentLimit;
    private final int maxPendingBytes;

    private static final long BACKSTOP_MILLIS = 5;
    private static final long BACKSTOP_NANOS = TimeUnit.MILLISECONDS.toNanos(BACKSTOP_MILLIS);

    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Held by the thread that writes: the writer thread, or under {@link FsyncPolicy#NO} an
     * appender in {@link #writeAppended()}. Guards the fields below that are not final.
     */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition spaceAvailable = lock.newCondition();
    /** Appenders copy frames in here; guarded by {@link #lock}. */
    private FrameBuffer filling = new FrameBuffer(INITIAL_BUFFER_BYTES);
    /** Guarded by {@link #lock}. */
    private boolean closing;
    /** Written under {@link #lock}. */
    private volatile long lastAppended;
    private volatile IOException failure;
    private volatile long durableSeq;
    private volatile long syncedSeq;
    private final AtomicLong fsyncs = new AtomicLong();

    /** Guarded by itself. */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    /** Oldest first; the last one is being written. Guarded by itself. */
    private final List<LogSegment> segments;

    // Guarded by writeLock once the writer thread has started.
    private FrameBuffer writing = new FrameBuffer(INITIAL_BUFFER_BYTES);
    private FileChannel channel;
    private boolean channelClosed;
    private long segmentBytes;
    /** Written under writeLock; read without it to learn whether anything is left to write. */
    private volatile long writtenSeq;
    private boolean unsynced;
    private long lastSyncNanos = System.nanoTime();

    private final Thread writer;

    /**
     * Starts a log that continues with {@code nextSeq}: appending to the end of {@code appendTo} at
     * {@code appendOffset} when given (the recovered tail, already cut back to its last good record),
     * or in a new segment file otherwise.
     */
    WriteAheadLog(Path dir, DurabilityConfig config, List<LogSegment> existing, LogSegment appendTo,
            long appendOffset, long nextSeq) throws IOException {
        this.dir = dir;
        this.policy = config.fsync();
        this.segmentLimit = config.segmentBytes();
        this.maxPendingBytes = config.maxPendingBytes();
        this.segments = new ArrayList<>(existing);
        this.lastAppended = nextSeq - 1;
        this.durableSeq = nextSeq - 1;
        this.syncedSeq = nextSeq - 1;
        this.writtenSeq = nextSeq - 1;
        if (appendTo != null) {
            channel = FileChannel.open(appendTo.path(), StandardOpenOption.WRITE);
            channel.position(appendOffset);
            segmentBytes = appendOffset;
        } else {
            startSegment(nextSeq);
        }
        writer = Thread.ofPlatform().name("hetu-wal-writer").daemon().unstarted(this::run);
        writer.start();
    }

    /** Same as {@link #append(long, MemorySegment)} for a heap array. */
    public void append(long seq, byte[] payload) throws IOException {
        append(seq, MemorySegment.ofArray(payload));
    }

    /**
     * Queues the record {@code seq} with a copy of {@code payload} (up to 1 GiB). Call it in seq
     * order, each seq exactly one more than the previous one. Returns once the payload is copied; it
     * blocks only when the writer is more than {@link DurabilityConfig#maxPendingBytes()} behind.
     *
     * @throws IllegalArgumentException when {@code seq} is not the next seq or the payload is too large
     * @throws IllegalStateException when the log is closed
     * @throws IOException when an earlier write or fsync failed; nothing can be made durable any more
     */
    public void append(long seq, MemorySegment payload) throws IOException {
        long length = payload.byteSize();
        if (length > WalFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of commit seq " + seq + " has " + length
                    + " bytes; the write-ahead log takes at most " + WalFormat.MAX_PAYLOAD);
        }
        int frameBytes = FRAME_HEADER_SIZE + (int) length;
        lock.lock();
        try {
            checkAccepting();
            if (seq != lastAppended + 1) {
                throw new IllegalArgumentException("commit seq " + seq + " appended out of order: the log expects seq "
                        + (lastAppended + 1));
            }
            while (filling.size > 0 && (long) filling.size + frameBytes > maxPendingBytes) {
                spaceAvailable.awaitUninterruptibly();
                checkAccepting();
            }
            filling.add(seq, payload);
            lastAppended = seq;
            if (policy != FsyncPolicy.NO) {
                workAvailable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkAccepting() throws IOException {
        IOException error = failure;
        if (error != null) {
            throw new IOException("the write-ahead log in " + dir + " stopped after an I/O error, so no commit can be made"
                    + " durable any more; stop the server, fix the cause and restart it to recover: " + error.getMessage(),
                    error);
        }
        if (closing) {
            throw new IllegalStateException("the write-ahead log in " + dir + " is closed");
        }
    }

    /**
     * A future completed when {@code seq} is durable under the policy, or failed with the
     * {@link IOException} that stopped the log. Under {@link FsyncPolicy#NO} it first writes what
     * is appended (see {@link #writeAppended()}). Dependent actions registered with non-async methods
     * run on the thread that wrote (the log writer thread or an appender): they must be quick and must neither append nor wait for
     * durability, or the writer would wait for itself.
     *
     * @throws IllegalArgumentException when {@code seq} has not been appended
     */
    public CompletableFuture<Void> durable(long seq) {
        if (seq <= durableSeq) {
            return CompletableFuture.completedFuture(null);
        }
        writeAppended();
        if (seq <= durableSeq) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (waiters) {
            if (seq <= durableSeq) {
                return CompletableFuture.completedFuture(null);
            }
            IOException error = failure;
            if (error != null) {
                return CompletableFuture.failedFuture(error);
            }
            if (seq > lastAppended) {
                throw new IllegalArgumentException("commit seq " + seq + " has not been appended (last appended: "
                        + lastAppended + ")");
            }
            CompletableFuture<Void> future = new CompletableFuture<>();
            waiters.add(new Waiter(seq, future));
            return future;
        }
    }

    /**
     * Under {@link FsyncPolicy#NO}: writes everything appended so far on the calling thread and
     * publishes it as durable, unless another thread is writing, which then writes it too before it
     * lets go. Under the other policies it does nothing: the writer thread writes and syncs. Call it
     * after {@link #append}, holding no lock that a durability listener or a future's dependent
     * action might take. A write error fails the log as it would on the writer thread.
     */
    public void writeAppended() {
        if (policy != FsyncPolicy.NO || writeLock.isHeldByCurrentThread()) {
            return; // or called back from publishing what it wrote, which must not write again
        }
        while (failure == null && lastAppended > writtenSeq) {
            if (!writeLock.tryLock()) {
                return; // the holder checks for more after it lets go
            }
            try {
                if (channelClosed || failure != null) {
                    return;
                }
                writeFilling();
                publishDurable(writtenSeq);
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Blocks until {@code seq} is durable under the policy. */
    public void awaitDurable(long seq) throws IOException, InterruptedException {
        try {
            durable(seq).get();
        } catch (ExecutionException e) {
            throw new IOException("commit seq " + seq + " could not be made durable: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** The highest seq that is durable under the policy; every lower seq is durable too. */
    public long durableSeq() {
        return durableSeq;
    }

    /** The highest seq known to be fsynced. Equals {@link #durableSeq()} under {@code ALWAYS}. */
    public long syncedSeq() {
        return syncedSeq;
    }

    /** The highest seq appended so far; the next append must be this plus one. */
    public long lastAppendedSeq() {
        return lastAppended;
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /** How many times a log file was fsynced since this log was opened. */
    public long fsyncCount() {
        return fsyncs.get();
    }

    /**
     * Calls {@code listener} on the thread that wrote (see {@link #durable(long)}) with the highest
     * durable seq each time it rises, one call at a time,
     * so the values it sees only grow and every seq up to each value is durable. An exception from the
     * listener is logged and does not stop the log. Like the futures of {@link #durable(long)}, the
     * listener must be quick and must neither append nor wait for durability.
     */
    public void onDurable(LongConsumer listener) {
        listeners.add(listener);
    }

    /**
     * Deletes whole segment files that hold only records with a seq below {@code seq}; the segment
     * being written is never deleted. Call it only when a published snapshot covers those records.
     * {@link SnapshotWriter#commit} does this itself.
     *
     * @return how many segment files were deleted
     */
    public int truncateBefore(long seq) throws IOException {
        List<Path> obsolete = new ArrayList<>();
        synchronized (segments) {
            while (segments.size() > 1 && segments.get(1).firstSeq() <= seq) {
                obsolete.add(segments.removeFirst().path());
            }
        }
        for (Path file : obsolete) {
            Files.deleteIfExists(file);
        }
        if (!obsolete.isEmpty()) {
            LOG.info("Deleted {} write-ahead log segment(s) in {} holding only records before seq {}",
                    obsolete.size(), dir, seq);
        }
        return obsolete.size();
    }

    /** The segment files, oldest first. */
    List<LogSegment> segments() {
        synchronized (segments) {
            return List.copyOf(segments);
        }
    }

    /**
     * Writes and fsyncs everything appended, whatever the policy, then stops the writer thread.
     *
     * @throws IOException when the log failed, now or earlier
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closing = true;
            workAvailable.signal();
            spaceAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        IOException error = failure;
        if (error != null) {
            throw new IOException("the write-ahead log in " + dir + " failed: " + error.getMessage(), error);
        }
    }

    private void run() {
        try {
            while (true) {
                lock.lock();
                try {
                    while (filling.size == 0 && !closing && !syncDue() && failure == null) {
                        if (policy == FsyncPolicy.EVERYSEC && unsynced) {
                            workAvailable.awaitNanos(lastSyncNanos + EVERYSEC_INTERVAL_NANOS - System.nanoTime());
                        } else if (policy == FsyncPolicy.NO) {
                            // Appenders write for themselves and do not signal; look now and then for
                            // a record none of them wrote.
                            workAvailable.awaitNanos(BACKSTOP_NANOS);
                        } else {
                            workAvailable.await();
                        }
                    }
                    if (failure != null) {
                        return; // an appender's write failed and failed the log
                    }
                    if (filling.size == 0 && closing) {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                writeLock.lock();
                try {
                    writeFilling();
                    if (policy == FsyncPolicy.ALWAYS || syncDue()) {
                        sync();
                    }
                    publishDurable(writtenSeq);
                } finally {
                    writeLock.unlock();
                }
            }
            writeLock.lock();
            try {
                writeFilling();
                sync();
                channel.close();
                channelClosed = true;
                publishDurable(writtenSeq);
            } finally {
                writeLock.unlock();
            }
        } catch (IOException | RuntimeException | Error e) {
            failWriting(e);
        } catch (InterruptedException e) {
            failWriting(new IOException("the write-ahead log writer thread was interrupted", e));
        }
    }

    private void failWriting(Throwable cause) {
        writeLock.lock();
        try {
            fail(cause);
        } finally {
            writeLock.unlock();
        }
    }

    /** Takes everything appended so far and writes it. Under writeLock. */
    private void writeFilling() throws IOException {
        lock.lock();
        try {
            FrameBuffer batch = filling;
            filling = writing;
            writing = batch;
            spaceAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        if (writing.size > 0) {
            writeBatch(writing);
            writing.clear();
        }
    }

    private boolean syncDue() {
        return policy == FsyncPolicy.EVERYSEC && unsynced
                && System.nanoTime() - lastSyncNanos >= EVERYSEC_INTERVAL_NANOS;
    }

    /** Computes each frame's CRC and writes the frames, starting new segment files where needed. */
    private void writeBatch(FrameBuffer batch) throws IOException {
        MemorySegment frames = batch.segment;
        int runStart = 0;
        int position = 0;
        while (position < batch.size) {
            int frameBytes = FRAME_HEADER_SIZE + frames.get(U32, position);
            if (segmentBytes > HEADER_SIZE && segmentBytes + frameBytes > segmentLimit) {
                writeFully(batch, runStart, position);
                rotate(frames.get(U64, position + FRAME_SEQ_OFFSET));
                runStart = position;
            }
            frames.set(U32, position + FRAME_CRC_OFFSET,
                    Binary.crc32c(frames, position + FRAME_SEQ_OFFSET, frameBytes - FRAME_SEQ_OFFSET));
            segmentBytes += frameBytes;
            position += frameBytes;
        }
        writeFully(batch, runStart, position);
        writtenSeq = batch.lastSeq;
    }

    private void writeFully(FrameBuffer batch, int from, int to) throws IOException {
        ByteBuffer bytes = batch.bytes.clear().position(from).limit(to);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        if (to > from) {
            unsynced = true;
        }
    }

    /**
     * Finishes the current segment, fsynced whatever the policy: a segment that is followed by
     * another must be complete on disk, or recovery would find damage before the end of the log.
     */
    private void rotate(long nextSeq) throws IOException {
        forceChannel();
        channel.close();
        startSegment(nextSeq);
    }

    private void startSegment(long firstSeq) throws IOException {
        Path file = dir.resolve(WalFormat.fileName(firstSeq));
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ByteBuffer header = ByteBuffer.allocateDirect(HEADER_SIZE);
        WalFormat.writeHeader(MemorySegment.ofBuffer(header), firstSeq);
        while (header.hasRemaining()) {
            channel.write(header);
        }
        FileSync.directory(dir);
        segmentBytes = HEADER_SIZE;
        unsynced = true;
        synchronized (segments) {
            segments.add(new LogSegment(firstSeq, file));
        }
    }

    private void sync() throws IOException {
        if (unsynced) {
            forceChannel();
        }
        lastSyncNanos = System.nanoTime();
        syncedSeq = writtenSeq;
    }

    private void forceChannel() throws IOException {
        channel.force(false);
        fsyncs.incrementAndGet();
        unsynced = false;
    }

    private void publishDurable(long seq) {
        if (seq <= durableSeq) {
            return;
        }
        durableSeq = seq;
        List<Waiter> ready = new ArrayList<>();
        synchronized (waiters) {
            while (!waiters.isEmpty() && waiters.peek().seq <= seq) {
                ready.add(waiters.poll());
            }
        }
        for (Waiter waiter : ready) {
            waiter.future.complete(null);
        }
        for (LongConsumer listener : listeners) {
            try {
                listener.accept(seq);
            } catch (RuntimeException e) {
                LOG.error("A durability listener failed for seq {}; the log goes on", seq, e);
            }
        }
    }

    private void fail(Throwable cause) {
        IOException error = cause instanceof IOException io ? io
                : new IOException("the write-ahead log writer failed unexpectedly: " + cause, cause);
        LOG.error("The write-ahead log in {} failed after seq {} was made durable; commits after it are not durable"
                + " and no further commit will be accepted", dir, durableSeq, error);
        lock.lock();
        try {
            failure = error;
            spaceAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        List<Waiter> failed;
        synchronized (waiters) {
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter waiter : failed) {
            waiter.future.completeExceptionally(error);
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            error.addSuppressed(e);
        }
        if (cause instanceof Error fatal) {
            throw fatal;
        }
    }

    private record Waiter(long seq, CompletableFuture<Void> future) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter other) {
            return Long.compare(seq, other.seq);
        }
    }

    /** Frames laid out exactly as on disk, their CRC fields still zero until the writer fills them. */
    private static final class FrameBuffer {
        ByteBuffer bytes;
        MemorySegment segment;
        int size;
        long lastSeq;

        FrameBuffer(int capacity) {
            allocate(capacity);
        }

        private void allocate(int capacity) {
            bytes = ByteBuffer.allocateDirect(capacity);
            segment = MemorySegment.ofBuffer(bytes);
        }

        void add(long seq, MemorySegment payload) {
            int length = (int) payload.byteSize();
            int needed = size + FRAME_HEADER_SIZE + length;
            if (needed > bytes.capacity()) {
                MemorySegment old = segment;
                allocate((int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.capacity())));
                MemorySegment.copy(old, 0, segment, 0, size);
            }
            segment.set(U32, size, length);
            segment.set(U32, size + FRAME_CRC_OFFSET, 0);
            segment.set(U64, size + FRAME_SEQ_OFFSET, seq);
            MemorySegment.copy(payload, 0, segment, size + FRAME_HEADER_SIZE, length);
            size = needed;
            lastSeq = seq;
        }

        void clear() {
            size = 0;
            if (bytes.capacity() > 64 * INITIAL_BUFFER_BYTES) {
                allocate(INITIAL_BUFFER_BYTES); // a huge record passed; do not keep its buffer around
            }
        }
    }
}
