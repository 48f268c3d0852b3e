package io.hetu.storage.durability;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Backup directories: writing one from the files of a {@link BackupSource}, verifying one, and
 * restoring one into a new data directory, whole or up to a seq.
 *
 * <p>A backup folder ({@code hetu backup --to DIR}) holds complete backups, each a directory
 * {@code backup-<UTC time>-seq<last seq>} with the snapshot, the log segments after it (and their
 * time marks) and an index, {@code BACKUP}, written last:
 * <pre>
 * hetu-backup 1
 * snapshot-seq 1200
 * last-seq 1534
 * created 2026-01-02T03:04:05.678Z
 * file snap-00000000000000001200.snap 4096 0a1b2c3d
 * file wal-00000000000000001001.log 65536 5e6f7a8b
 * crc32c 01234567
 * </pre>
 * ({@code file <name> <bytes> <CRC32C>}; the last line is the CRC32C of every byte before it). A
 * backup is written in {@code .partial-<time>} beside them and renamed to its name only once every
 * file is fsynced and verified, so a crash or {@code kill -9} while writing leaves only a partial
 * directory (removed by the next backup to the folder) and every earlier backup untouched.
 */
public final class Backups {

    public static final String INDEX = "BACKUP";
    private static final String FIRST_LINE = "hetu-backup 1";
    private static final String PARTIAL = ".partial-";
    private static final String LOCK = ".lock";
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private Backups() {
    }

    /** One file of a backup. */
    public record Entry(String name, long length, int crc32c) {}

    /** A complete backup. */
    public record Backup(Path dir, long snapshotSeq, long lastSeq, Instant created, List<Entry> files) {
        public long totalBytes() {
            return files.stream().mapToLong(Entry::length).sum();
        }
    }

    /** Told how many more bytes were copied, for a progress bar. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = bytes -> {};

        void copied(long bytes);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Starts a backup in the folder {@code folder} (created when missing): takes the folder's lock,
     * so two backups to one folder cannot mix, and removes partial backups a killed run left.
     */
    public static Writer write(Path folder) throws IOException {
        Files.createDirectories(folder);
        FileChannel lockChannel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldHere) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("another backup is being written to " + folder + " (it holds " + folder.resolve(LOCK)
                    + ")");
        }
        try {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, PARTIAL + "*")) {
                for (Path stale : entries) {
                    deleteTree(stale);
                }
            }
            Path partial = folder.resolve(PARTIAL + System.currentTimeMillis());
            Files.createDirectory(partial);
            FileSync.directory(folder);
            return new Writer(folder, partial, lockChannel);
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    /** Writes the files of one backup, then {@link #finish} publishes it; {@link #close} without it abandons it. */
    public static final class Writer implements AutoCloseable {
        private final Path folder;
        private final Path partial;
        private final FileChannel lock;
        private final List<Entry> entries = new ArrayList<>();
        private Backup finished;

        private Writer(Path folder, Path partial, FileChannel lock) {
            this.folder = folder;
            this.partial = partial;
            this.lock = lock;
        }

        /**
         * Copies exactly {@code length} bytes of the file {@code name} from {@code in} and fsyncs it.
         * The source's checksum must then be given to {@link #expect}.
         */
        public void file(String name, long length, InputStream in, Progress progress) throws IOException {
            checkName(name);
            Path target = partial.resolve(name);
            CRC32C crc = new CRC32C();
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[1 << 16];
                long left = length;
                while (left > 0) {
                    int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (read < 0) {
                        throw new IOException("the backup stream ended " + left + " bytes before the end of " + name);
                    }
                    crc.update(buffer, 0, read);
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                    left -= read;
                    progress.copied(read);
                }
                out.force(true);
            }
            entries.add(new Entry(name, length, (int) crc.getValue()));
        }

        /** Checks the last file against the CRC32C its source computed while reading it. */
        public void expect(String name, int sourceCrc) throws IOException {
            Entry last = entries.isEmpty() ? null : entries.getLast();
            if (last == null || !last.name().equals(name)) {
                throw new IllegalStateException("no file " + name + " was just written");
            }
            if (last.crc32c() != sourceCrc) {
                throw new CorruptBackupException(partial.resolve(name), String.format("the copy has CRC32C %08x but the"
                        + " server read %08x: the transfer damaged it", last.crc32c(), sourceCrc));
            }
        }

        /**
         * Verifies what was written (every checksum inside the snapshot and the log, and that the log
         * ends at {@code lastSeq}), writes the index and publishes the backup under its name.
         */
        public Backup finish(long snapshotSeq, long lastSeq) throws IOException {
            Instant created = Instant.now();
            Backup written = new Backup(partial, snapshotSeq, lastSeq, created, List.copyOf(entries));
            verifyContents(written);
            writeIndex(written);
            Path name = folder.resolve("backup-" + NAME_TIME.format(created) + "-seq" + lastSeq);
            if (Files.exists(name)) {
                throw new FileAlreadyExistsException(name.toString(), null, "a backup of that name exists already");
            }
            Files.move(partial, name, StandardCopyOption.ATOMIC_MOVE);
            FileSync.directory(folder);
            finished = new Backup(name, snapshotSeq, lastSeq, created, written.files());
            return finished;
        }

        /** Releases the folder; a backup that was not finished is deleted. */
        @Override
        public void close() throws IOException {
            try {
                if (finished == null) {
                    deleteTree(partial);
                }
            } finally {
                lock.close();
            }
        }
    }

    private static void writeIndex(Backup backup) throws IOException {
        StringBuilder text = new StringBuilder(FIRST_LINE).append('\n')
                .append("snapshot-seq ").append(backup.snapshotSeq()).append('\n')
                .append("last-seq ").append(backup.lastSeq()).append('\n')
                .append("created ").append(backup.created()).append('\n');
        for (Entry entry : backup.files()) {
            text.append("file ").append(entry.name()).append(' ').append(entry.length()).append(' ')
                    .append(hex(entry.crc32c())).append('\n');
        }
        byte[] body = text.toString().getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] bytes = (text + "crc32c " + hex((int) crc.getValue()) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel out = FileChannel.open(backup.dir().resolve(INDEX), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        FileSync.directory(backup.dir());
    }

    // ------------------------------------------------------------------ reading and verifying

    /**
     * The backup at {@code from}: the directory of one backup (it holds {@code BACKUP}), or a backup
     * folder, whose newest complete backup is taken. Reads the index only; see {@link #verify}.
     */
    public static Backup find(Path from) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new NoSuchFileException(from.toString(), null, "no such backup or backup folder");
        }
        if (Files.exists(from.resolve(INDEX))) {
            return readIndex(from);
        }
        List<Backup> complete = new ArrayList<>();
        try (Stream<Path> children = Files.list(from)) {
            for (Path child : children.sorted().toList()) {
                if (child.getFileName().toString().startsWith("backup-") && Files.exists(child.resolve(INDEX))) {
                    complete.add(readIndex(child));
                }
            }
        }
        return complete.stream().max(Comparator.comparing(Backup::created).thenComparing(Backup::lastSeq))
                .orElseThrow(() -> new NoSuchFileException(from.toString(), null, "holds no complete backup (a directory"
                        + " backup-* with a " + INDEX + " file)"));
    }

    private static Backup readIndex(Path dir) throws IOException {
        Path file = dir.resolve(INDEX);
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int crcLine = text.lastIndexOf("crc32c ");
        if (!text.startsWith(FIRST_LINE + "\n") || crcLine < 0 || !text.endsWith("\n")) {
            throw new CorruptBackupException(file, "the index is incomplete or not a backup index");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcLine);
        String stored = text.substring(crcLine + 7, text.length() - 1);
        if (!stored.equals(hex((int) crc.getValue()))) {
            throw new CorruptBackupException(file, "the index's CRC32C is " + hex((int) crc.getValue()) + ", it says "
                    + stored);
        }
        long snapshotSeq = -1;
        long lastSeq = -1;
        Instant created = null;
        List<Entry> files = new ArrayList<>();
        try {
            for (String line : text.substring(0, crcLine).split("\n")) {
                String[] parts = line.split(" ");
                switch (parts[0]) {
                    case "hetu-backup" -> { }
                    case "snapshot-seq" -> snapshotSeq = Long.parseLong(parts[1]);
                    case "last-seq" -> lastSeq = Long.parseLong(parts[1]);
                    case "created" -> created = Instant.parse(parts[1]);
                    case "file" -> {
                        checkName(parts[1]);
                        files.add(new Entry(parts[1], Long.parseLong(parts[2]), Integer.parseUnsignedInt(parts[3], 16)));
                    }
                    default -> throw new IllegalArgumentException("unknown line '" + line + "'");
                }
            }
        } catch (RuntimeException e) {
            throw new CorruptBackupException(file, "the index cannot be read: " + e.getMessage());
        }
        if (snapshotSeq < 0 || lastSeq < snapshotSeq || created == null) {
            throw new CorruptBackupException(file, "the index lacks its snapshot-seq, last-seq or created line");
        }
        return new Backup(dir, snapshotSeq, lastSeq, created, List.copyOf(files));
    }

    /**
     * Verifies a backup completely: its index, the length and CRC32C of every file it lists, no
     * file of the data directory's kinds that it does not list, and every checksum inside the
     * snapshot and the log.
     *
     * @throws CorruptBackupException naming the first file that fails, or a {@link CorruptDataException}
     *     naming the damaged place inside the snapshot or a log segment
     */
    public static Backup verify(Path from, Progress progress) throws IOException {
        Backup backup = find(from);
        for (Entry entry : backup.files()) {
            Path file = backup.dir().resolve(entry.name());
            if (!Files.isRegularFile(file)) {
                throw new CorruptBackupException(file, "the file is missing");
            }
            long size = Files.size(file);
            if (size != entry.length()) {
                throw new CorruptBackupException(file, "the file has " + size + " bytes, the index says " + entry.length());
            }
            int crc = crcOf(file, progress);
            if (crc != entry.crc32c()) {
                throw new CorruptBackupException(file, "CRC32C mismatch: the file has " + hex(crc) + ", the index says "
                        + hex(entry.crc32c()));
            }
        }
        try (Stream<Path> children = Files.list(backup.dir())) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                boolean listed = backup.files().stream().anyMatch(e -> e.name().equals(name));
                if (!listed && (WalFormat.firstSeqOf(child) >= 0 || name.startsWith("snap-"))) {
                    throw new CorruptBackupException(child, "the file is not listed in the index");
                }
            }
        }
        verifyContents(backup);
        return backup;
    }

    /** Every checksum inside the snapshot and the log, and that the log ends where the backup says. */
    private static void verifyContents(Backup backup) throws IOException {
        if (backup.snapshotSeq() > 0) {
            String name = SnapshotFormat.fileName(backup.snapshotSeq());
            Entry snapshot = backup.files().stream().filter(e -> e.name().equals(name)).findFirst()
                    .orElseThrow(() -> new CorruptBackupException(backup.dir().resolve(name), "the snapshot is missing"));
            SnapshotReader.read(backup.dir().resolve(name), backup.snapshotSeq(), snapshot.length(), NO_ROWS);
        }
        WalScanner.Result log = WalScanner.verify(backup.dir(), backup.snapshotSeq());
        long last = Math.max(log.lastSeq(), backup.snapshotSeq());
        if (last != backup.lastSeq()) {
            Path where = log.tail() != null ? log.tail().path() : backup.dir().resolve(INDEX);
            throw new CorruptBackupException(where, "the log ends at seq " + last + ", but the backup should hold every"
                    + " commit up to seq " + backup.lastSeq());
        }
    }

    private static final SnapshotVisitor NO_ROWS = new SnapshotVisitor() {
        @Override
        public void begin(long seq, byte[] meta) {}

        @Override
        public void beginTable(String qualifiedName, String layoutHash, int rowSize, long rowCount) {}

        @Override
        public void row(long id, long version, MemorySegment src, long offset) {}

        @Override
        public void endTable() {}
    };

    // ------------------------------------------------------------------ restoring

    /**
     * The last commit a restore to {@code time} keeps: the newest commit known, from the time marks
     * in the backup, to have been durable at that time (to within the second before it).
     *
     * @throws IllegalArgumentException when the backup holds no state as old as {@code time}
     */
    public static long seqAt(Backup backup, Instant time) throws IOException {
        if (!time.isBefore(backup.created())) {
            return backup.lastSeq();
        }
        long best = -1;
        Instant earliest = null;
        for (Entry entry : backup.files()) {
            if (!entry.name().endsWith(TimeMarks.SUFFIX)) {
                continue;
            }
            for (TimeMarks.Mark mark : TimeMarks.read(backup.dir().resolve(entry.name()))) {
                Instant at = Instant.ofEpochMilli(mark.epochMillis());
                if (mark.seq() >= backup.snapshotSeq() && (earliest == null || at.isBefore(earliest))) {
                    earliest = at;
                }
                if (!at.isAfter(time)) {
                    best = Math.max(best, Math.min(mark.seq(), backup.lastSeq()));
                }
            }
        }
        if (best < backup.snapshotSeq()) {
            throw new IllegalArgumentException("the backup cannot go back to " + time + ": its snapshot is at seq "
                    + backup.snapshotSeq() + " and " + (earliest == null ? "its log holds no time marks"
                            : "the earliest time it knows after that is " + earliest)
                    + "; use an older backup, or --to-seq");
        }
        return best;
    }

    /**
     * Restores {@code backup}, verified first, into the new data directory {@code dataDir} (which
     * must not exist or be empty), with every commit up to {@code toSeq}: the snapshot, then the
     * log cut right after record {@code toSeq}. Written beside it first and renamed into place, so
     * an interrupted restore leaves no half-restored data directory.
     *
     * @throws IllegalArgumentException when {@code toSeq} is outside the backup, or {@code dataDir} is in use
     */
    public static long restore(Backup backup, Path dataDir, long toSeq, Progress progress) throws IOException {
        if (toSeq < backup.snapshotSeq() || toSeq > backup.lastSeq()) {
            throw new IllegalArgumentException("the backup holds seqs " + backup.snapshotSeq() + " to " + backup.lastSeq()
                    + " (its snapshot, then its log); it cannot be restored to seq " + toSeq);
        }
        if (Files.exists(dataDir)) {
            boolean empty;
            try (Stream<Path> children = Files.list(dataDir)) {
                empty = children.findAny().isEmpty();
            }
            if (!empty) {
                throw new IllegalArgumentException(dataDir + " is not empty: a restore never writes over a data"
                        + " directory; move it away or give another --data");
            }
        }
        Path absolute = dataDir.toAbsolutePath();
        Path temp = absolute.resolveSibling(absolute.getFileName() + ".restoring");
        if (Files.exists(temp)) {
            deleteTree(temp); // left by an interrupted restore
        }
        Files.createDirectories(temp);
        if (backup.snapshotSeq() > 0) {
            String name = SnapshotFormat.fileName(backup.snapshotSeq());
            Entry snapshot = entry(backup, name);
            copy(backup, snapshot, temp, snapshot.length(), progress);
            new Manifest(name, backup.snapshotSeq(), snapshot.length()).write(temp);
        }
        List<Entry> segments = backup.files().stream().filter(e -> WalFormat.firstSeqOf(Path.of(e.name())) >= 0)
                .sorted(Comparator.comparingLong(e -> WalFormat.firstSeqOf(Path.of(e.name())))).toList();
        List<Entry> kept = segments.stream().filter(e -> WalFormat.firstSeqOf(Path.of(e.name())) <= toSeq).toList();
        for (int i = 0; i < kept.size(); i++) {
            Entry segment = kept.get(i);
            long length = i + 1 < kept.size() ? segment.length()
                    : endOfRecord(backup.dir().resolve(segment.name()), toSeq);
            copy(backup, segment, temp, length, progress);
            String marks = TimeMarks.of(Path.of(segment.name())).toString();
            if (backup.files().stream().anyMatch(e -> e.name().equals(marks))) {
                Entry entry = entry(backup, marks);
                copy(backup, entry, temp, entry.length(), progress);
            }
        }
        FileSync.directory(temp);
        WalScanner.Result log = WalScanner.verify(temp, backup.snapshotSeq());
        long restored = Math.max(log.lastSeq(), backup.snapshotSeq());
        if (restored != toSeq) {
            throw new IOException("the restored log in " + temp + " ends at seq " + restored + ", not " + toSeq);
        }
        Files.deleteIfExists(absolute);
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
        FileSync.directory(absolute.getParent());
        return restored;
    }

    /**
     * Restores a log archive ({@link LogArchive}) into the new data directory {@code dataDir}: its
     * newest base backup, verified, then the archived segments after it, up to {@code toSeq}
     * ({@link Long#MAX_VALUE}: everything the archive holds). Every record's checksum is verified
     * before the directory is renamed into place; returns the last seq restored.
     *
     * @throws CorruptLogException naming the archived segment and offset that fail, or a gap between segments
     */
    public static long restoreArchive(Path archive, Path dataDir, long toSeq, Progress progress) throws IOException {
        Backup base = verify(archive.resolve(LogArchive.BASE), progress);
        List<Path> shipped = LogArchive.segments(archive);
        Path absolute = dataDir.toAbsolutePath();
        Path staged = absolute.resolveSibling(absolute.getFileName() + ".archive");
        if (Files.exists(staged)) {
            deleteTree(staged); // left by an interrupted restore
        }
        long baseEnd = restore(base, staged, base.lastSeq(), progress);
        try {
            // A shipped segment replaces the base's copy of it (the base holds its last segment only up to its
            // last seq); the ones before the base's last segment are in the base already. A gap or damage
            // in what is copied is found by the log's own verification below, naming the file.
            List<LogSegment> inBase = WalScanner.verify(staged, base.snapshotSeq()).segments();
            long from = inBase.isEmpty() ? base.snapshotSeq() + 1 : inBase.getLast().firstSeq();
            for (Path segment : shipped) {
                long first = WalFormat.firstSeqOf(segment);
                if (first < from || first > toSeq) {
                    continue;
                }
                Files.copy(segment, staged.resolve(segment.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                Path marks = TimeMarks.of(segment);
                if (Files.exists(marks)) {
                    Files.copy(marks, staged.resolve(marks.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                progress.copied(Files.size(segment));
            }
            WalScanner.Result log = WalScanner.verify(staged, base.snapshotSeq());
            long last = Math.max(log.lastSeq(), base.snapshotSeq());
            if (toSeq != Long.MAX_VALUE && toSeq > last) {
                throw new IllegalArgumentException("the archive holds seqs " + base.snapshotSeq() + " to " + last
                        + "; it cannot be restored to seq " + toSeq);
            }
            long target = Math.min(toSeq, last);
            if (target < base.snapshotSeq()) {
                throw new IllegalArgumentException("the archive's base starts at seq " + base.snapshotSeq()
                        + "; it cannot be restored to seq " + toSeq);
            }
            // Cut the log right after record target: segments after it go, the one holding it ends there.
            LogSegment holding = log.segments().stream().filter(segment -> segment.firstSeq() <= target)
                    .reduce((a, b) -> b).orElse(null);
            for (LogSegment segment : log.segments()) {
                if (segment.firstSeq() > target) {
                    Files.delete(segment.path());
                    Files.deleteIfExists(TimeMarks.of(segment.path()));
                } else if (segment == holding) {
                    long end = endOfRecord(segment.path(), target);
                    try (FileChannel channel = FileChannel.open(segment.path(), StandardOpenOption.WRITE)) {
                        if (channel.size() > end) {
                            channel.truncate(end);
                        }
                        channel.force(true);
                    }
                }
            }
            FileSync.directory(staged);
            long restored = Math.max(WalScanner.verify(staged, base.snapshotSeq()).lastSeq(), base.snapshotSeq());
            if (restored != target) {
                throw new IOException("the restored log in " + staged + " ends at seq " + restored + ", not " + target);
            }
            if (Files.exists(absolute)) {
                try (Stream<Path> children = Files.list(absolute)) {
                    if (children.findAny().isPresent()) {
                        throw new IllegalArgumentException(dataDir + " is not empty: a restore never writes over a"
                                + " data directory; move it away or give another --data");
                    }
                }
                Files.delete(absolute);
            }
            Files.move(staged, absolute, StandardCopyOption.ATOMIC_MOVE);
            FileSync.directory(absolute.getParent());
            return restored;
        } catch (IOException | RuntimeException e) {
            deleteTree(staged);
            throw e;
        }
    }

    private static Entry entry(Backup backup, String name) throws CorruptBackupException {
        return backup.files().stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new CorruptBackupException(backup.dir().resolve(name), "the file is not in the index"));
    }

    /** Copies the first {@code length} bytes of a backup file, checking the whole file's CRC32C as it goes. */
    private static void copy(Backup backup, Entry entry, Path targetDir, long length, Progress progress)
            throws IOException {
        Path source = backup.dir().resolve(entry.name());
        CRC32C crc = new CRC32C();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(targetDir.resolve(entry.name()), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            long position = 0;
            while (position < entry.length()) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), entry.length() - position));
                int read = in.read(buffer, position);
                if (read < 0) {
                    throw new CorruptBackupException(source, "the file ends at byte " + position + ", the index says "
                            + entry.length());
                }
                buffer.flip();
                crc.update(buffer.duplicate());
                if (position < length) {
                    buffer.limit((int) Math.min(buffer.limit(), length - position));
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                }
                position += read;
                progress.copied(read);
            }
            out.force(true);
        }
        if ((int) crc.getValue() != entry.crc32c()) {
            throw new CorruptBackupException(source, "CRC32C mismatch: the file has " + hex((int) crc.getValue())
                    + ", the index says " + hex(entry.crc32c()));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Where record {@code seq} ends in a log segment that holds it, read from the record headers. */
    static long endOfRecord(Path segment, long seq) throws IOException {
        long first = WalFormat.firstSeqOf(segment);
        if (seq < first) {
            return WalFormat.HEADER_SIZE;
        }
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(WalFormat.FRAME_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            long position = WalFormat.HEADER_SIZE;
            long size = channel.size();
            while (position + WalFormat.FRAME_HEADER_SIZE <= size) {
                header.clear();
                while (header.hasRemaining() && channel.read(header, position + header.position()) >= 0) {
                    // read the whole header
                }
                long length = Integer.toUnsignedLong(header.getInt(0));
                long recordSeq = header.getLong(WalFormat.FRAME_SEQ_OFFSET);
                if (length == Integer.toUnsignedLong(WalFormat.CLOSE_MARKER) || length > WalFormat.MAX_PAYLOAD) {
                    break;
                }
                position += WalFormat.FRAME_HEADER_SIZE + length;
                if (recordSeq == seq) {
                    return position;
                }
            }
        }
        throw new IOException(segment + " does not hold a complete record seq " + seq);
    }

    private static int crcOf(Path file, Progress progress) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                crc.update(buffer, 0, read);
                progress.copied(read);
            }
        }
        return (int) crc.getValue();
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".") || name.equals(INDEX)) {
            throw new IllegalArgumentException("'" + name + "' is not a file name a backup may hold");
        }
    }

    private static String hex(int crc) {
        return HexFormat.of().toHexDigits(crc);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
