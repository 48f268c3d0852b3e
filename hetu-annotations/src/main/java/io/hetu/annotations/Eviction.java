package io.hetu.annotations;

/** Which end of a full {@link TableKind#LIST LIST} or {@link TableKind#SORTED_LIST SORTED_LIST} loses rows. */
public enum Eviction {
    /** {@link #FIRST} for a {@code LIST} (the oldest row), {@link #LAST} for a {@code SORTED_LIST}. */
    DEFAULT,
    /** The front of the list: the oldest row of a {@code LIST}, the first in sort order of a {@code SORTED_LIST}. */
    FIRST,
    /**
     * The back of the list: the newest row of a {@code LIST} (a full list then keeps its first rows
     * and refuses newcomers), the last in sort order of a {@code SORTED_LIST}.
     */
    LAST
}
