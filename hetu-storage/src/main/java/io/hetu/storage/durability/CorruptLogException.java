package io.hetu.storage.durability;

import java.nio.file.Path;

/** The write-ahead log is damaged somewhere other than a torn tail, or records are missing from it. */
public final class CorruptLogException extends CorruptDataException {
    CorruptLogException(Path file, long offset, String problem, String remedy) {
        super(file, offset, problem, remedy);
    }
}
