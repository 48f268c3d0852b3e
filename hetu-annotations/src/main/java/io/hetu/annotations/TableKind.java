package io.hetu.annotations;

/** How a component's rows are organised. */
public enum TableKind {
    /** Rows addressed by id, with optional unique and ordered indexes. */
    GENERIC
}
