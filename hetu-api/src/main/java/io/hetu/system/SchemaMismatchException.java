package io.hetu.system;

/**
 * Stored data was written with a schema the app's components no longer match, in a way that
 * cannot be migrated automatically. The server refuses to start rather than misread rows.
 */
public final class SchemaMismatchException extends StorageException {

    private static final long serialVersionUID = 1L;

    public SchemaMismatchException(String message) {
        super(message);
    }
}
