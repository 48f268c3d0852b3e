package io.hetu.storage.spi;

import java.util.List;

/**
 * The changes of one commit, in the order the transaction made them, and the objects the
 * transaction attached ({@code Transaction.attach}), which reach listeners at the same seq.
 */
public record ChangeSet(long seq, List<Change> changes, List<Object> attachments) {

    public ChangeSet(long seq, List<Change> changes) {
        this(seq, changes, List.of());
    }
}
