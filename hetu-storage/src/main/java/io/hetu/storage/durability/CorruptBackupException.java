package io.hetu.storage.durability;

import java.io.IOException;
import java.nio.file.Path;

/** A backup failed verification: a file is missing, has another length or checksum, or the index is damaged. */
public final class CorruptBackupException extends IOException {
    private final Path file;

    CorruptBackupException(Path file, String problem) {
        super(file + ": " + problem + ". The backup cannot be trusted: restore from another one.");
        this.file = file;
    }

    /** The file that failed verification. */
    public Path file() {
        return file;
    }
}
