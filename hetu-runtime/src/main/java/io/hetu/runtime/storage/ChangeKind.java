package io.hetu.runtime.storage;

/** What a write does to a row. */
public enum ChangeKind {
    INSERT,
    UPDATE,
    DELETE
}
