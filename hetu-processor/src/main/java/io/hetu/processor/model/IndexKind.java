package io.hetu.processor.model;

/** How a column is indexed. */
public enum IndexKind {
    NONE,
    ORDERED,
    UNIQUE
}
