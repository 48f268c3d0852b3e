package io.hetu.storage.spi;

/** What a write does to a row. */
public enum ChangeKind {
    INSERT,
    UPDATE,
    DELETE
}
