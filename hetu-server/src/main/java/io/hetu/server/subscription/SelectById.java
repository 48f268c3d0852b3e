package io.hetu.server.subscription;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.Change;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** A select by row id: the row, when it exists and the subscriber may read it. */
final class SelectById extends Subscription {

    final long rowId;
    private boolean present;
    private long version;

    SelectById(SubscriberState owner, int id, int requestId, int table, TableDescriptor<?, ?> descriptor,
            ReadFilter filter, long rowId) {
        super(owner, id, requestId, table, descriptor, filter);
        this.rowId = rowId;
    }

    @Override
    boolean holds(long row) {
        return present && row == rowId;
    }

    @Override
    long heldVersion(long row) {
        return version;
    }

    @Override
    int rows() {
        return present ? 1 : 0;
    }

    @Override
    Iterable<Long> heldIds() {
        return present ? List.of(rowId) : List.of();
    }

    @Override
    void apply(Change change, long seq) {
        touch(rowId);
        MemorySegment after = change.after();
        present = after != null && filter.test(after, 0);
        version = seq;
        changed(rowId, after);
    }

    @Override
    boolean complete() {
        return true;
    }

    @Override
    void evict(long row) {
        present = false;
    }

    @Override
    Reading read(Backend backend) {
        if (filter.none()) {
            return new Reading(List.of(), 0, true);
        }
        MemorySegment row = MemorySegment.ofArray(new byte[rowSize]);
        long found = backend.read(table, rowId, row, 0);
        if (found == 0 || !filter.test(row, 0)) {
            return new Reading(List.of(), 0, true);
        }
        byte[] bytes = needsBytes(rowId, found) ? copyRow(row, 0, rowSize) : null;
        return new Reading(List.of(new ReadRow(rowId, found, null, bytes)), 1, true);
    }

    @Override
    void adopt(Reading reading) {
        present = reading.resultCount() == 1;
        version = present ? reading.rows().getFirst().version() : 0;
    }
}
