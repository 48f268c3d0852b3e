package io.hetu.system;

/**
 * Something a transaction read changed before it committed, so it cannot commit as it ran. Running
 * it again from the start is safe; {@link Database#transact} does so up to the retry limit.
 */
public final class ConflictException extends StorageException {

    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
