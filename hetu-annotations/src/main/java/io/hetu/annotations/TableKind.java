package io.hetu.annotations;

/** How a component's rows are organised. */
public enum TableKind {
    /** Rows addressed by id, with optional unique and ordered indexes. */
    GENERIC,
    /**
     * Rows grouped by the column marked {@link ListKey}, kept in the order they were appended, at
     * most {@link Component#capacity()} per key: an append to a full list evicts from the end that
     * {@link Component#evict()} names (by default the oldest row). For mailboxes, chat logs and
     * battle records.
     */
    LIST,
    /**
     * Rows grouped by the column marked {@link ListKey}, kept sorted by the up to four columns
     * marked {@link SortBy} (rows that tie keep their append order), at most
     * {@link Component#capacity()} per key: an append to a full list evicts from the end that
     * {@link Component#evict()} names (by default the last in sort order, so a list sorted by
     * descending score keeps its top scores). For leaderboards and other live top-N lists.
     */
    SORTED_LIST
}
