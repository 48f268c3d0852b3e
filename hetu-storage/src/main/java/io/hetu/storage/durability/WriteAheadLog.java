package io.hetu.storage.durability;

import static io.hetu.storage.durability.Binary.U32;
import static io.hetu.storage.durability.Binary.U64;
import static io.hetu.storage.durability.WalFormat.FRAME_CRC_OFFSET;
import static io.hetu.storage.durability.WalFormat.FRAME_HEADER_SIZE;
import static io.hetu.storage.durability.WalFormat.FRAME_SEQ_OFFSET;
import static io.hetu.storage.durability.WalFormat.HEADER_SIZE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
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
 * <p>A failed write or fsync puts the log in a failed state, once, with its cause: every later
 * {@link #append} is refused with a {@link LogFailedException} (the commit is neither logged nor
 * applied), and the commits that were being written fail with one whose
 * {@link LogFailedException#outcomeUnknown()} is true. The writer thread then retries every
 * {@value #RETRY_MILLIS} ms: it cuts the segment back to where the failed batch began (removing any
 * partial record it wrote there), writes the batch again and fsyncs it; once that succeeds the log
 * accepts commits again. A failed fsync under {@code everysec} or {@code no} cannot be retried
 * safely (records acknowledged earlier may be lost from the page cache), so the log then stays
 * failed until a restart. {@link #close} writes a close marker after the last record when the log
 * is healthy (see {@link WalFormat#CLOSE_MARKER}).
 *
 * <p>Obtained from {@link Durability#wal()}.
 */
public final class WriteAheadLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final long EVERYSEC_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int INITIAL_BUFFER_BYTES = 1 << 20;
    /** What {@link #durable(long)} returns for a seq that is durable already: one shared future, no allocation. */
    private static final CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);

    private final Path dir;
    private final FsyncPolicy policy;
    private final long segmentLimit;
    private final int maxPendingBytes;

    private static final long BACKSTOP_MILLIS = 5;
    private static final long BACKSTOP_NANOS = TimeUnit.MILLISECONDS.toNanos(BACKSTOP_MILLIS);
    private static final long RETRY_MILLIS = 1000;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);

    /** Opens segment files; a seam for tests that make the disk fail. */
    interface ChannelOpener {
        ChannelOpener FILES = FileChannel::open;

        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

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
    /** What failed the log, null while it is healthy; set and cleared under writeLock and lock. */
    private volatile IOException failure;
    /** Whether the writer thread retries after {@link #failure}, or only a restart can recover. */
    private volatile boolean recoverable;
    private volatile long durableSeq;
    private volatile long syncedSeq;
    private final AtomicLong fsyncs = new AtomicLong();
    private volatile DurabilityObserver observer = DurabilityObserver.NONE;
    /** When commits became durable, beside the segment being written; under writeLock. */
    private final TimeMarks marks = new TimeMarks();

    /** Guarded by itself. */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    /** Oldest first; the last one is being written. Guarded by itself. */
    private final List<LogSegment> segments;

    private final ChannelOpener opener;
    // Guarded by writeLock once the writer thread has started.
    /** The batch being written; it keeps its records until they are durable, so a retry can rewrite them. */
    private FrameBuffer writing = new FrameBuffer(INITIAL_BUFFER_BYTES);
    /** Where the batch in {@link #writing} begins: a retry cuts the log back to here. */
    private LogSegment batchSegment;
    private long batchOffset;
    /** True while {@code channel.force} runs, so a failure can tell a failed fsync from a failed write. */
    private boolean forcing;
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
            long appendOffset, long nextSeq, ChannelOpener opener) throws IOException {
        this.dir = dir;
        this.opener = opener;
        this.policy = config.fsync();
        this.segmentLimit = config.segmentBytes();
        this.maxPendingBytes = config.maxPendingBytes();
        this.segments = new ArrayList<>(existing);
        this.lastAppended = nextSeq - 1;
        this.durableSeq = nextSeq - 1;
        this.syncedSeq = nextSeq - 1;
        this.writtenSeq = nextSeq - 1;
        if (appendTo != null) {
            channel = opener.open(appendTo.path(), StandardOpenOption.WRITE);
            channel.position(appendOffset);
            segmentBytes = appendOffset;
            marks.switchTo(appendTo.path());
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
            throw new LogFailedException("the write-ahead log in " + dir + " cannot be written (" + describe(error)
                    + "), so the commit was refused and not applied; " + (recoverable
                            ? "commits are accepted again as soon as the log can be written (retried every second)"
                            : "stop the server, fix the cause and restart it"), error, false);
        }
        if (closing) {
            throw new IllegalStateException("the write-ahead log in " + dir + " is closed");
        }
    }

    /**
     * A future completed when {@code seq} is durable under the policy, or failed with a
     * {@link LogFailedException} whose outcome is unknown when the log failed before it was. Under {@link FsyncPolicy#NO} it first writes what
     * is appended (see {@link #writeAppended()}). Dependent actions registered with non-async methods
     * run on the thread that wrote (the log writer thread or an appender): they must be quick and must neither append nor wait for
     * durability, or the writer would wait for itself. For a seq that is durable already it returns
     * one shared completed future, without allocating: never complete or obtrude it.
     *
     * @throws IllegalArgumentException when {@code seq} has not been appended
     */
    public CompletableFuture<Void> durable(long seq) {
        if (seq <= durableSeq) {
            return DURABLE;
        }
        writeAppended();
        if (seq <= durableSeq) {
            return DURABLE;
        }
        synchronized (waiters) {
            if (seq <= durableSeq) {
                return DURABLE;
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(outcomeUnknown(seq));
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
                writeStep(false, false);
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

    /** Whether the log is in the failed state and refuses appends. */
    public boolean failed() {
        return failure != null;
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /** Tells {@code observer} how long each fsync takes. */
    void observe(DurabilityObserver observer) {
        this.observer = observer == null ? DurabilityObserver.NONE : observer;
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
            Files.deleteIfExists(TimeMarks.of(file));
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
            throw new LogFailedException("the write-ahead log in " + dir + " could not be written (" + describe(error)
                    + "); the commits after seq " + durableSeq + " were not written", error, false);
        }
    }

    private void run() {
        try {
            while (true) {
                boolean stopping;
                lock.lock();
                try {
                    if (failure != null) {
                        if (!closing) {
                            workAvailable.awaitNanos(RETRY_NANOS);
                        }
                    } else {
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
                    }
                    stopping = closing;
                } finally {
                    lock.unlock();
                }
                writeLock.lock();
                try {
                    if (failure != null && !(recoverable && retry())) {
                        if (stopping) {
                            abandon();
                            return;
                        }
                        continue;
                    }
                    if (stopping && filling.size == 0) {
                        writeStep(true, true);
                        channel.close();
                        marks.close();
                        channelClosed = true;
                        return;
                    }
                    writeStep(false, false);
                } catch (IOException | RuntimeException | Error e) {
                    fail(e);
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            writeLock.lock();
            try {
                fail(new IOException("the write-ahead log writer thread was interrupted", e));
                abandon();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /**
     * Writes everything appended so far, or the batch a failure left in {@link #writing} again,
     * then the close marker when {@code closeMarker}, fsyncs when the policy (or {@code sync}) asks,
     * and publishes it. Under writeLock.
     */
    private void writeStep(boolean sync, boolean closeMarker) throws IOException {
        if (writing.size == 0) {
            lock.lock();
            try {
                FrameBuffer batch = filling;
                filling = writing;
                writing = batch;
                spaceAvailable.signalAll();
            } finally {
                lock.unlock();
            }
            synchronized (segments) {
                batchSegment = segments.getLast();
            }
            batchOffset = segmentBytes;
        }
        if (writing.size > 0) {
            writeBatch(writing);
        }
        if (closeMarker) {
            writeCloseMarker();
        }
        if (sync || policy == FsyncPolicy.ALWAYS || syncDue()) {
            sync();
        }
        writing.clear();
        publishDurable(writtenSeq);
    }

    /**
     * After a failure: cuts the log back to where the failed batch began, rewrites and fsyncs the
     * batch, and accepts commits again. Under writeLock.
     *
     * @return whether the log is healthy again
     */
    private boolean retry() {
        try {
            List<Path> started = new ArrayList<>();
            synchronized (segments) {
                while (segments.getLast() != batchSegment) {
                    started.add(segments.removeLast().path());
                }
            }
            closeChannel();
            for (Path file : started) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(TimeMarks.of(file));
            }
            FileSync.directory(dir);
            channel = opener.open(batchSegment.path(), StandardOpenOption.WRITE);
            marks.switchTo(batchSegment.path());
            channel.truncate(batchOffset);
            channel.position(batchOffset);
            segmentBytes = batchOffset;
            writtenSeq = durableSeq;
            writeStep(true, false);
        } catch (IOException | RuntimeException e) {
            fail(e);
            return false;
        }
        lock.lock();
        try {
            failure = null;
        } finally {
            lock.unlock();
        }
        LOG.info("The write-ahead log in {} can be written again; accepting commits after seq {}", dir, durableSeq);
        return true;
    }

    /**
     * Stops a failed log: cuts off what the failed batch may have left (so that the commits whose
     * outcome was unknown are not applied after a restart), without a close marker. Under writeLock.
     */
    private void abandon() {
        try {
            if (recoverable && batchSegment != null && channel != null && channel.isOpen()) {
                channel.truncate(batchOffset);
                channel.force(false);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        closeChannel();
        marks.close();
        channelClosed = true;
    }

    private void closeChannel() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing a segment of the failed write-ahead log in {} failed too", dir, e);
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

    /**
     * Creates the next segment file. Under {@code always} its header is fsynced at once, so that
     * everything before a batch is on disk and a batch whose fsync failed can be cut back and retried.
     */
    private void startSegment(long firstSeq) throws IOException {
        Path file = dir.resolve(WalFormat.fileName(firstSeq));
        channel = opener.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        synchronized (segments) {
            segments.add(new LogSegment(firstSeq, file));
        }
        marks.switchTo(file);
        ByteBuffer header = ByteBuffer.allocateDirect(HEADER_SIZE);
        WalFormat.writeHeader(MemorySegment.ofBuffer(header), firstSeq);
        while (header.hasRemaining()) {
            channel.write(header);
        }
        segmentBytes = HEADER_SIZE;
        if (policy == FsyncPolicy.ALWAYS) {
            forceChannel();
        } else {
            unsynced = true;
        }
        FileSync.directory(dir);
    }

    /** Marks a clean end: recovery then refuses damage at the end of the log instead of cutting it. */
    private void writeCloseMarker() throws IOException {
        ByteBuffer marker = ByteBuffer.allocateDirect(FRAME_HEADER_SIZE);
        WalFormat.writeCloseMarker(MemorySegment.ofBuffer(marker), writtenSeq);
        while (marker.hasRemaining()) {
            channel.write(marker);
        }
        unsynced = true;
    }

    private void sync() throws IOException {
        if (unsynced) {
            forceChannel();
        }
        lastSyncNanos = System.nanoTime();
        syncedSeq = writtenSeq;
    }

    private void forceChannel() throws IOException {
        forcing = true;
        long started = System.nanoTime();
        channel.force(false);
        observer.fsynced(System.nanoTime() - started);
        forcing = false;
        fsyncs.incrementAndGet();
        unsynced = false;
    }

    private void publishDurable(long seq) {
        if (seq <= durableSeq) {
            return;
        }
        durableSeq = seq;
        marks.durable(seq);
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

    /**
     * Puts the log in the failed state, or keeps it there when a retry failed: the state change is
     * logged once. The commits being written fail with an unknown outcome. Under writeLock.
     */
    private void fail(Throwable cause) {
        IOException error = cause instanceof IOException io ? io
                : new IOException("the write-ahead log writer failed unexpectedly: " + describe(cause), cause);
        // A failed fsync may have dropped written pages that an earlier batch was acknowledged for
        // under everysec or no; only under always is everything before the batch known to be on disk.
        boolean canRetry = cause instanceof IOException && !(forcing && policy != FsyncPolicy.ALWAYS);
        forcing = false;
        boolean first = failure == null;
        lock.lock();
        try {
            failure = error;
            recoverable = canRetry && (first || recoverable);
            spaceAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        if (first) {
            String next = recoverable ? "writing is retried every " + RETRY_MILLIS + " ms and commits resume once it succeeds"
                    : "stop the server, fix the cause and restart it";
            if (cause instanceof IOException) {
                LOG.error("The write-ahead log in {} cannot be written ({}): commits after seq {} are refused; {}", dir,
                        describe(error), durableSeq, next);
            } else {
                LOG.error("The write-ahead log in {} failed: commits after seq {} are refused; {}", dir, durableSeq, next,
                        cause);
            }
        }
        List<Waiter> failed;
        synchronized (waiters) {
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter waiter : failed) {
            waiter.future.completeExceptionally(outcomeUnknown(waiter.seq));
        }
        if (cause instanceof Error fatal) {
            throw fatal;
        }
    }

    private LogFailedException outcomeUnknown(long seq) {
        IOException error = failure;
        return new LogFailedException("commit seq " + seq + " may or may not have been applied: the write-ahead log in "
                + dir + " failed while writing it (" + describe(error) + "); read its effect back before repeating it",
                error, true);
    }

    /** A cause in words: its message, or its type when it has none. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        // A bare IOException carries the system's words ("No space left on device"); subtypes such
        // as FileAlreadyExistsException often carry only a path, so their type says what happened.
        return cause.getClass() == IOException.class ? message : cause.getClass().getSimpleName() + ": " + message;
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
