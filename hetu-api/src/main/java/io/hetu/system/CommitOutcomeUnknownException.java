package io.hetu.system;

/**
 * A commit was being made durable when the storage failed: it may or may not have been applied.
 * Unlike a refused commit (a {@link StorageException} with a cause, which was not applied), it must
 * not be repeated blindly; read its effect back first.
 */
public final class CommitOutcomeUnknownException extends StorageException {

    private static final long serialVersionUID = 1L;

    public CommitOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
