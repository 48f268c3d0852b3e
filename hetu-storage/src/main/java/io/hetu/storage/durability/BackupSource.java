package io.hetu.storage.durability;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The files of a hot backup, pinned in the data directory until {@link #close()}: the published
 * snapshot and the log segments after it, the last one up to the end of the last commit that was
 * durable when the backup began. Read each file from its start up to its {@code length}: those
 * bytes do not change while commits go on. Obtained from {@link Durability#beginBackup()}.
 */
public final class BackupSource implements AutoCloseable {

    /** A file to copy: its name in the backup, where it is, and how many of its bytes belong to the backup. */
    public record SourceFile(String name, Path path, long length) {}

    private final long snapshotSeq;
    private final long lastSeq;
    private final List<SourceFile> files;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    BackupSource(long snapshotSeq, long lastSeq, List<SourceFile> files, Runnable release) {
        this.snapshotSeq = snapshotSeq;
        this.lastSeq = lastSeq;
        this.files = List.copyOf(files);
        this.release = release;
    }

    /** The seq of the snapshot in the backup, 0 when there is none (the log then starts at seq 1). */
    public long snapshotSeq() {
        return snapshotSeq;
    }

    /** The last commit in the backup. */
    public long lastSeq() {
        return lastSeq;
    }

    public List<SourceFile> files() {
        return files;
    }

    public long totalBytes() {
        return files.stream().mapToLong(SourceFile::length).sum();
    }

    /** Unpins the files; obsolete ones are deleted once no backup reads them. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
