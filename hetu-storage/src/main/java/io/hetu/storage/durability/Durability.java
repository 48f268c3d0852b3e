package io.hetu.storage.durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durability layer of one data directory: the entry point of this package.
 *
 * <p>{@link #open} locks the directory, recovers it (newest snapshot, then the write-ahead log after
 * it) and returns with a {@link #wal() log} that accepts the next commit. The engine then appends
 * each commit's payload to the log and from time to time writes a snapshot with
 * {@link #beginSnapshot()}. Payloads, snapshot rows and snapshot metadata are opaque bytes here.
 *
 * <p>The directory holds {@code LOCK}, {@code MANIFEST}, one {@code snap-<seq>.snap} and the
 * {@code wal-<first seq>.log} segments; docs/STORAGE.md specifies every byte.
 */
public final class Durability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);
    static final String TEMP_SNAPSHOT = "snapshot.tmp";
    /** The least free disk space to start with: enough for the first records and a segment header. */
    static final long MIN_FREE_BYTES = 1L << 20;

    private final Path dir;
    private final DirectoryLock lock;
    private final WriteAheadLog wal;
    private final RecoveryReport recovery;
    /** Guarded by this. */
    private Manifest manifest;
    private boolean snapshotInProgress;
    private boolean closed;
    /** Backups being taken: while any is, no snapshot file or log segment is deleted. Guarded by this. */
    private int backups;
    /** Whether a snapshot was published during a backup, and its obsolete files wait to be deleted. */
    private boolean cleanupDeferred;
    private volatile DurabilityObserver observer = DurabilityObserver.NONE;

    /** The directories open in this process, by absolute path: how a server finds its own for a backup. */
    private static final Map<Path, Durability> OPEN = new ConcurrentHashMap<>();

    private Durability(Path dir, DirectoryLock lock, WriteAheadLog wal, Manifest manifest, RecoveryReport recovery) {
        this.dir = dir;
        this.lock = lock;
        this.wal = wal;
        this.manifest = manifest;
        this.recovery = recovery;
    }

    /**
     * Opens the data directory {@code dir} (created when missing) and recovers it: the newest snapshot
     * goes to {@code snapshot}, then every log record after the snapshot's seq to {@code replay}, in
     * order. A torn tail at the end of the log is cut off with a warning, unless the log was closed
     * cleanly: then damage at its end is corruption too.
     *
     * @throws CorruptSnapshotException when the MANIFEST or the snapshot it names is damaged
     * @throws CorruptLogException when the log is damaged before its tail or records are missing
     * @throws IOException when another server holds the directory, or on I/O errors
     */
    public static Durability open(Path dir, DurabilityConfig config, SnapshotVisitor snapshot, ReplayHandler replay)
            throws IOException {
        return open(dir, config, snapshot, replay, WriteAheadLog.ChannelOpener.FILES);
    }

    /** {@link #open(Path, DurabilityConfig, SnapshotVisitor, ReplayHandler)} with the log's files opened by {@code opener}. */
    static Durability open(Path dir, DurabilityConfig config, SnapshotVisitor snapshot, ReplayHandler replay,
            WriteAheadLog.ChannelOpener opener) throws IOException {
        long started = System.nanoTime();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                FileSync.directory(parent); // or a power loss could take the new directory, log and all
            }
        }
        DirectoryLock lock = DirectoryLock.acquire(dir);
        WriteAheadLog wal = null;
        try {
            Manifest manifest = Manifest.read(dir);
            long snapshotSeq = 0;
            SnapshotReader.Loaded loaded = new SnapshotReader.Loaded(0, 0, 0);
            if (manifest != null) {
                Path file = dir.resolve(manifest.snapshotFile());
                if (!Files.exists(file)) {
                    throw new CorruptSnapshotException(dir.resolve(Manifest.FILE), 0, "names the snapshot "
                            + manifest.snapshotFile() + ", which does not exist", SnapshotReader.REMEDY);
                }
                LOG.info("Recovery: loading snapshot {} (seq {}, {} bytes)", file, manifest.seq(), manifest.size());
                loaded = SnapshotReader.read(file, manifest.seq(), manifest.size(), snapshot);
                snapshotSeq = manifest.seq();
            }
            WalScanner.Result log = WalScanner.scan(dir, snapshotSeq, replay);
            long lastSeq = Math.max(log.lastSeq(), snapshotSeq);
            // When the snapshot is newer than the whole log (the log lost unsynced records the snapshot
            // already holds), the log goes on in a new segment that starts right after the snapshot.
            boolean continueTail = log.tail() != null && log.lastSeq() == lastSeq;
            checkFreeSpace(dir);
            wal = new WriteAheadLog(dir, config, log.segments(), continueTail ? log.tail() : null, log.tailEnd(),
                    lastSeq + 1, opener);
            wal.truncateBefore(snapshotSeq + 1);
            removeLeftovers(dir, manifest);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            RecoveryReport report = new RecoveryReport(snapshotSeq, loaded.tables(), loaded.rows(), log.replayed(),
                    lastSeq, Optional.ofNullable(log.tornTail()), elapsed);
            LOG.info("Recovered {} in {} ms: snapshot at seq {} ({} tables, {} rows), {} log records replayed{};"
                    + " accepting commits from seq {} (fsync {})", dir, elapsed.toMillis(), snapshotSeq, loaded.tables(),
                    loaded.rows(), log.replayed(), log.tornTail() != null ? ", torn tail cut off"
                            : log.closedCleanly() ? ", the log was closed cleanly" : "", lastSeq + 1, config.fsync());
            Durability opened = new Durability(dir, lock, wal, manifest, report);
            OPEN.put(key(dir), opened);
            return opened;
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (wal != null) {
                    wal.close();
                }
            } catch (IOException closing) {
                e.addSuppressed(closing);
            } finally {
                lock.close();
            }
            throw e;
        }
    }

    /**
     * Refuses to start on a disk that is (nearly) full: the server would start, then refuse every
     * commit. A disk that fills later puts the log in its failed state instead (see {@link WriteAheadLog}).
     */
    private static void checkFreeSpace(Path dir) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < MIN_FREE_BYTES) {
            throw new IOException("the disk holding " + dir + " has " + free + " bytes free, fewer than the "
                    + MIN_FREE_BYTES + " the write-ahead log needs to start; free some space and start again");
        }
    }

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    /** The data directory {@code dir} if this process has it open. */
    public static Optional<Durability> opened(Path dir) {
        return Optional.ofNullable(OPEN.get(key(dir)));
    }

    /** Tells {@code observer} how long fsyncs and snapshots take (null: nobody). */
    public void observe(DurabilityObserver observer) {
        this.observer = observer == null ? DurabilityObserver.NONE : observer;
        wal.observe(observer);
    }

    /**
     * Starts a hot backup: pins the published snapshot and the log after it up to the last durable
     * commit, so that none of those files is deleted (a snapshot published meanwhile deletes its
     * obsolete files only when the last backup closes). Commits go on while the files are read.
     *
     * @throws IllegalStateException when this is closed
     */
    public synchronized BackupSource beginBackup() throws IOException {
        if (closed) {
            throw new IllegalStateException("durability for " + dir + " is closed");
        }
        long through = wal.durableSeq();
        long snapshotSeq = manifest == null ? 0 : manifest.seq();
        List<BackupSource.SourceFile> files = new ArrayList<>();
        if (manifest != null) {
            files.add(new BackupSource.SourceFile(manifest.snapshotFile(), dir.resolve(manifest.snapshotFile()),
                    manifest.size()));
        }
        List<LogSegment> segments = wal.segments();
        List<LogSegment> needed = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            boolean coveredBySnapshot = i + 1 < segments.size() && segments.get(i + 1).firstSeq() <= snapshotSeq + 1;
            if (segment.firstSeq() <= through && !coveredBySnapshot) {
                needed.add(segment);
            }
        }
        for (int i = 0; i < needed.size(); i++) {
            Path path = needed.get(i).path();
            // Segments before the last one are finished; the last is read up to the last durable record.
            long length = i + 1 < needed.size() ? Files.size(path) : Backups.endOfRecord(path, through);
            files.add(new BackupSource.SourceFile(path.getFileName().toString(), path, length));
            Path marks = TimeMarks.of(path);
            if (Files.exists(marks)) {
                long marksLength = Files.size(marks) / TimeMarks.MARK_BYTES * TimeMarks.MARK_BYTES;
                files.add(new BackupSource.SourceFile(marks.getFileName().toString(), marks, marksLength));
            }
        }
        backups++;
        return new BackupSource(snapshotSeq, Math.max(through, snapshotSeq), files, this::backupFinished);
    }

    private synchronized void backupFinished() {
        backups--;
        if (backups == 0 && cleanupDeferred && !closed) {
            cleanupDeferred = false;
            try {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        String name = file.getFileName().toString();
                        if (name.startsWith("snap-") && name.endsWith(".snap") && !name.equals(manifest.snapshotFile())) {
                            Files.deleteIfExists(file);
                        }
                    }
                }
                wal.truncateBefore(manifest.seq() + 1);
            } catch (IOException e) {
                LOG.warn("After a backup, deleting the files the last snapshot made obsolete failed ({}); the next"
                        + " start deletes them", e.getMessage());
            }
        }
    }

    /** The log, ready for {@link WriteAheadLog#append} of seq {@code recovery().lastSeq() + 1}. */
    public WriteAheadLog wal() {
        return wal;
    }

    /** What recovery found and did. */
    public RecoveryReport recovery() {
        return recovery;
    }

    public Path directory() {
        return dir;
    }

    /** The seq of the published snapshot, 0 when there is none. */
    public synchronized long snapshotSeq() {
        return manifest == null ? 0 : manifest.seq();
    }

    /**
     * Starts writing a snapshot. One snapshot at a time; it may be written on any thread while
     * commits go on.
     *
     * @throws IllegalStateException when another snapshot is being written or this is closed
     */
    public synchronized SnapshotWriter beginSnapshot() throws IOException {
        if (closed) {
            throw new IllegalStateException("durability for " + dir + " is closed");
        }
        if (snapshotInProgress) {
            throw new IllegalStateException("a snapshot of " + dir + " is already being written");
        }
        Path temp = dir.resolve(TEMP_SNAPSHOT);
        Files.deleteIfExists(temp);
        long started = System.nanoTime();
        SnapshotWriter writer = new SnapshotWriter(temp, new SnapshotWriter.Publisher() {
            @Override
            public void validate(long seq) {
                validateSnapshot(seq);
            }

            @Override
            public void publish(Path written, long seq, long size) throws IOException {
                publishSnapshot(written, seq, size);
                observer.snapshotPublished(seq, size, System.nanoTime() - started);
            }

            @Override
            public void finished() {
                snapshotFinished();
            }
        });
        snapshotInProgress = true;
        return writer;
    }

    private synchronized void validateSnapshot(long seq) {
        if (closed) {
            throw new IllegalStateException("durability for " + dir + " is closed");
        }
        long published = manifest == null ? 0 : manifest.seq();
        if (seq <= published) {
            throw new IllegalArgumentException("a snapshot at seq " + seq + " is not newer than the published one at seq "
                    + published);
        }
        if (seq > wal.durableSeq()) {
            // Or a commit whose log write fails could survive a restart through the snapshot.
            throw new IllegalArgumentException("a snapshot at seq " + seq + " is ahead of the log, which has made commits"
                    + " durable up to seq " + wal.durableSeq());
        }
    }

    /**
     * Order matters for crash safety: the snapshot file is durable under its final name before the
     * MANIFEST points to it, and the old snapshot and log segments go only after that.
     */
    private synchronized void publishSnapshot(Path written, long seq, long size) throws IOException {
        validateSnapshot(seq);
        String name = SnapshotFormat.fileName(seq);
        Files.move(written, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        FileSync.directory(dir);
        Manifest previous = manifest;
        Manifest next = new Manifest(name, seq, size);
        next.write(dir);
        manifest = next;
        if (backups > 0) {
            // A backup is reading the previous snapshot and the log after it: they go when it is done.
            cleanupDeferred = true;
            LOG.info("Published snapshot {} at seq {} ({} bytes); obsolete files are kept until the backup in progress"
                    + " ends", name, seq, size);
            return;
        }
        if (previous != null) {
            Files.deleteIfExists(dir.resolve(previous.snapshotFile()));
        }
        int segments = wal.truncateBefore(seq + 1);
        LOG.info("Published snapshot {} at seq {} ({} bytes); {} obsolete log segment(s) deleted", name, seq, size,
                segments);
    }

    private synchronized void snapshotFinished() {
        snapshotInProgress = false;
    }

    /** Files a crash can leave behind: half-written temporaries and snapshots never or no longer published. */
    private static void removeLeftovers(Path dir, Manifest manifest) throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> {
                String name = file.getFileName().toString();
                boolean staleSnapshot = name.startsWith("snap-") && name.endsWith(".snap")
                        && (manifest == null || !name.equals(manifest.snapshotFile()));
                if (name.equals(TEMP_SNAPSHOT) || name.equals(Manifest.TEMP_FILE) || staleSnapshot) {
                    leftovers.add(file);
                }
            });
        }
        for (Path file : leftovers) {
            LOG.info("Recovery: deleting {}, left over from an unfinished or superseded snapshot", file);
            Files.delete(file);
        }
    }

    /**
     * Writes and fsyncs the rest of the log, then releases the directory. A snapshot still being
     * written can no longer be committed.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        OPEN.remove(key(dir), this);
        try {
            wal.close();
        } finally {
            lock.close();
        }
    }
}
