package io.hetu.storage.durability;

import java.nio.file.Path;

/** The published snapshot or the MANIFEST that names it failed verification. */
public final class CorruptSnapshotException extends CorruptDataException {
    CorruptSnapshotException(Path file, long offset, String problem, String remedy) {
        super(file, offset, problem, remedy);
    }
}
