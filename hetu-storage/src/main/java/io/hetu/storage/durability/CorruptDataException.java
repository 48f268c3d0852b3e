package io.hetu.storage.durability;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stored data failed verification at a known place, so the server refuses to start rather than run
 * on damaged data. The message names the file, the byte offset, what was wrong and what the operator
 * can do about it.
 */
public class CorruptDataException extends IOException {
    private final Path file;
    private final long offset;

    CorruptDataException(Path file, long offset, String problem, String remedy) {
        super(file + ": byte offset " + offset + ": " + problem + ". " + remedy);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The byte offset in {@link #file()} where the damaged structure starts. */
    public long offset() {
        return offset;
    }
}
