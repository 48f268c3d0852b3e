package io.hetu.system;

/** A write would give two rows the same value in a unique column. Retrying does not help. */
public final class UniqueViolationException extends StorageException {

    private static final long serialVersionUID = 1L;

    public UniqueViolationException(String message) {
        super(message);
    }
}
