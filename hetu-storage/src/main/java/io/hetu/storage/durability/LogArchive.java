package io.hetu.storage.durability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous log shipping ({@code backup.archive}, docs/OPERATIONS.md): keeps an archive folder,
 * typically on another disk or machine, from which {@link Backups#restoreArchive} rebuilds the data
 * directory up to the last finished log segment, so a lost machine loses at most the segment being
 * written. The archive holds
 * <ul>
 *   <li>{@code base/}: a backup folder with a full hot backup, taken when the archive has none or
 *       when the log it has no longer joins the data directory's (the server was run without it);
 *   <li>{@code log/}: every finished segment after it, each copied to a {@code .part} file,
 *       fsynced and renamed into place, so a segment there is always whole; and {@code SHIPPED},
 *       the last seq the archive holds, replaced the same way after each segment.
 * </ul>
 * It works on a thread of its own, once a second, from a {@link Durability#beginBackup} pin, so
 * the files it copies cannot be deleted under it and commits never wait for it.
 */
public final class LogArchive implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogArchive.class);
    static final String BASE = "base";
    static final String LOG_DIR = "log";
    static final String SHIPPED = "SHIPPED";
    private static final String PART = ".part";

    private final Durability durability;
    private final Path base;
    private final Path log;
    private final ScheduledExecutorService thread;
    private volatile IOException lastFailure;
    /** The last seq the archive holds, once read from it ({@link #held()}); -2 before. */
    private long known = -2;

    private LogArchive(Durability durability, Path archive) throws IOException {
        this.durability = durability;
        this.base = Files.createDirectories(archive.resolve(BASE));
        this.log = Files.createDirectories(archive.resolve(LOG_DIR));
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("hetu-archive").daemon()
                .factory());
    }

    /** Starts shipping {@code durability}'s log to the folder {@code archive} (created when missing). */
    public static LogArchive start(Durability durability, Path archive) throws IOException {
        LogArchive shipper = new LogArchive(durability, archive);
        shipper.thread.scheduleWithFixedDelay(shipper::shipQuietly, 0, 1, TimeUnit.SECONDS);
        return shipper;
    }

    private void shipQuietly() {
        try {
            ship();
            if (lastFailure != null) {
                LOG.info("Log shipping to {} works again", log.getParent());
                lastFailure = null;
            }
        } catch (IOException | RuntimeException e) {
            IOException failure = e instanceof IOException io ? io : new IOException(e);
            if (lastFailure == null) {
                LOG.warn("Log shipping to {} failed ({}); trying again every second", log.getParent(), e.toString());
            }
            lastFailure = failure;
        }
    }

    /**
     * Ships what is not in the archive yet: a new base when the archive does not join the log, then
     * every finished segment; returns the last seq the archive holds.
     */
    public synchronized long ship() throws IOException {
        if (known == -2) {
            known = held();
        }
        // Most passes find nothing new: no segment finished since the last one, and the archive
        // still joins the log. Those need no pin (a pin measures the segment being written).
        List<LogSegment> local = durability.wal().segments();
        if (known >= 0 && !local.isEmpty() && local.getFirst().firstSeq() <= known + 1
                && local.getLast().firstSeq() - 1 <= known) {
            return known;
        }
        try (BackupSource source = durability.beginBackup()) {
            List<BackupSource.SourceFile> segments = source.files().stream()
                    .filter(f -> WalFormat.firstSeqOf(Path.of(f.name())) >= 0)
                    .sorted(Comparator.comparingLong(f -> WalFormat.firstSeqOf(Path.of(f.name())))).toList();
            long held = known;
            long firstLocal = segments.isEmpty() ? source.lastSeq() + 1 : WalFormat.firstSeqOf(Path.of(
                    segments.getFirst().name()));
            if (held < 0 || held + 1 < firstLocal) {
                held = writeBase(source);
            }
            // Every segment but the last is finished; the last is still being written.
            for (int i = 0; i + 1 < segments.size(); i++) {
                BackupSource.SourceFile segment = segments.get(i);
                long last = WalFormat.firstSeqOf(Path.of(segments.get(i + 1).name())) - 1;
                if (last > held) {
                    copy(segment.path(), log.resolve(segment.name()), segment.length());
                    Path marks = TimeMarks.of(segment.path());
                    if (Files.exists(marks)) {
                        copy(marks, log.resolve(marks.getFileName().toString()),
                                Files.size(marks) / TimeMarks.MARK_BYTES * TimeMarks.MARK_BYTES);
                    }
                    writeHeld(last);
                    held = last;
                    known = last;
                }
            }
            return held;
        }
    }

    /** The last seq the archive holds: what {@code SHIPPED} says, or its base's; -1 with no base. */
    private long held() throws IOException {
        long shipped = -1;
        Path file = log.resolve(SHIPPED);
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            try {
                shipped = Long.parseLong(text.substring("last-seq ".length()));
            } catch (RuntimeException e) {
                throw new CorruptBackupException(file, "cannot be read ('" + text + "'); it should say 'last-seq N'");
            }
        }
        try {
            return Math.max(shipped, Backups.find(base).lastSeq());
        } catch (NoSuchFileException none) {
            return -1;
        }
    }

    private long writeBase(BackupSource source) throws IOException {
        try (Backups.Writer writer = Backups.write(base)) {
            for (BackupSource.SourceFile file : source.files()) {
                try (InputStream in = Files.newInputStream(file.path())) {
                    writer.file(file.name(), file.length(), in, Backups.Progress.NONE);
                }
            }
            Backups.Backup written = writer.finish(source.snapshotSeq(), source.lastSeq());
            LOG.info("Log archive: a new base backup {} (snapshot at seq {}, commits up to seq {})", written.dir(),
                    written.snapshotSeq(), written.lastSeq());
            writeHeld(written.lastSeq());
            known = written.lastSeq();
            return written.lastSeq();
        }
    }

    private void writeHeld(long seq) throws IOException {
        Path part = log.resolve(SHIPPED + PART);
        Files.writeString(part, "last-seq " + seq + "\n", StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(part, log.resolve(SHIPPED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileSync.directory(log);
    }

    /** Copies the first {@code length} bytes of {@code source} to {@code target}, whole or not at all. */
    private static void copy(Path source, Path target, long length) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + PART);
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            long position = 0;
            while (position < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
                int read = in.read(buffer, position);
                if (read < 0) {
                    throw new IOException(source + " ended at byte " + position + ", before " + length);
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                position += read;
            }
            out.force(true);
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileSync.directory(target.getParent());
    }

    /** Whether {@code folder} is a log archive (it has {@code base/} and {@code log/}). */
    public static boolean isArchive(Path folder) {
        return Files.isDirectory(folder.resolve(BASE)) && Files.isDirectory(folder.resolve(LOG_DIR));
    }

    /** The archived segments in {@code folder}'s {@code log/}, by first seq ({@code .part} files left by a crash are not). */
    static List<Path> segments(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder.resolve(LOG_DIR))) {
            return files.filter(p -> WalFormat.firstSeqOf(p) >= 0)
                    .sorted(Comparator.comparingLong(WalFormat::firstSeqOf)).toList();
        }
    }

    /** Ships once more (what finished since the last pass), then stops. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
            ship();
        } catch (IOException | RuntimeException e) {
            LOG.warn("The last log shipping to {} failed ({}); the next start ships it", log.getParent(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
