package io.hetu.storage.durability;

import java.io.IOException;

/**
 * The write-ahead log cannot be written. {@link #outcomeUnknown()} tells the two cases apart: a
 * commit refused before it was logged or applied (false), and a commit that was being written when
 * the log failed (true), which may or may not survive and must not be repeated blindly.
 */
public final class LogFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    LogFailedException(String message, Throwable cause, boolean outcomeUnknown) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** Whether the commit may have been made durable after all. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
