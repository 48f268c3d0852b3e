package io.hetu.runtime.storage;

import java.util.List;

/** The changes of one commit, in the order the transaction made them. */
public record ChangeSet(long seq, List<Change> changes) {}
