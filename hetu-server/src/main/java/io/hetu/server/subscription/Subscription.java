package io.hetu.server.subscription;

import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One subscription: the rows its subscriber holds (its mirror), how a change moves them, and how
 * to re-read them. Every method runs under the engine's lock.
 *
 * <p>Within one commit, changes are first applied ({@link #apply}) while the rows they touch are
 * noted; {@link #finish} then sends the commit's net effect, so a row that left and came back in
 * one commit is one update, not a delete and an insert.
 */
abstract sealed class Subscription permits SelectById, RangeSubscription {

    /** A row of a result read from storage; {@code bytes} only where the subscriber needs them. */
    record ReadRow(long id, long version, SortKey key, byte[] bytes) {}

    /**
     * A subscription's result at one seq: the first {@code resultCount} rows are the result, any
     * further ones are rows just beyond it that a window keeps in reserve; {@code exhaustive} when
     * there are no further matching rows.
     */
    record Reading(List<ReadRow> rows, int resultCount, boolean exhaustive) {}

    private static final class Touch {
        final long rowId;
        final boolean wasHeld;
        MemorySegment after;

        Touch(long rowId, boolean wasHeld) {
            this.rowId = rowId;
            this.wasHeld = wasHeld;
        }
    }

    final SubscriberState owner;
    final int id;
    final int requestId;
    final int table;
    final TableDescriptor<?, ?> descriptor;
    final int rowSize;
    ReadFilter filter;

    /** Changes up to this seq are already in what the subscriber has (its snapshot or a re-read). */
    long ignoreThrough;
    /** The rows this subscription counts towards its subscriber's limit. */
    int countedRows;
    /** The SUBSCRIBED frame while it waits to be sent, else null. */
    byte[] subscribedFrame;
    long subscribedSeq;

    /** Engine bookkeeping: the last change that matched it, and the last commit it took part in. */
    long lastChange;
    long lastCommit;

    /**
     * The rows the commit being processed touched, in order. Most commits touch one row of a
     * subscription: the first touch is kept in a field, the map only holds the rest.
     */
    private Touch firstTouch;
    private final Map<Long, Touch> touched = new LinkedHashMap<>();
    private MemorySegment scratch;

    Subscription(SubscriberState owner, int id, int requestId, int table, TableDescriptor<?, ?> descriptor,
            ReadFilter filter) {
        this.owner = owner;
        this.id = id;
        this.requestId = requestId;
        this.table = table;
        this.descriptor = descriptor;
        this.rowSize = descriptor.layout().size();
        this.filter = filter;
    }

    /** Whether the subscriber holds this row in this subscription's result. */
    abstract boolean holds(long rowId);

    /** The version of a held row. */
    abstract long heldVersion(long rowId);

    /** The number of rows in the result. */
    abstract int rows();

    /** The ids of the result's rows. */
    abstract Iterable<Long> heldIds();

    /** Applies one change of the commit being processed; calls {@link #touch} before moving a row. */
    abstract void apply(Change change, long seq);

    /** Whether the result is known without reading storage (a window may have run out of rows). */
    abstract boolean complete();

    /** Drops a row from the result without telling the subscriber (who never got it). */
    abstract void evict(long rowId);

    /** Reads the current result; runs inside {@link Backend#readConsistent}. */
    abstract Reading read(Backend backend);

    /** Replaces the state with a reading. */
    abstract void adopt(Reading reading);

    /** Whether the subscriber has not received its SUBSCRIBED frame yet. */
    final boolean awaitingSubscribed() {
        return subscribedFrame != null;
    }

    /** Whether a read must copy this row's bytes: the subscriber lacks it or holds another version. */
    final boolean needsBytes(long rowId, long version) {
        return awaitingSubscribed() || !holds(rowId) || heldVersion(rowId) != version;
    }

    final void touch(long rowId) {
        if (firstTouch == null) {
            firstTouch = new Touch(rowId, holds(rowId));
        } else if (firstTouch.rowId != rowId && !touched.containsKey(rowId)) {
            touched.put(rowId, new Touch(rowId, holds(rowId)));
        }
    }

    final void changed(long rowId, MemorySegment after) {
        (firstTouch.rowId == rowId ? firstTouch : touched.get(rowId)).after = after;
    }

    /**
     * Sends the net effect of the commit's changes, stamped {@code seq}. Returns false when the
     * result can no longer be known without re-reading storage.
     */
    final boolean finish(Backend backend, long seq) {
        boolean known = true;
        if (firstTouch != null) {
            known = finish(backend, seq, firstTouch);
            firstTouch = null;
        }
        for (Touch touch : touched.values()) {
            known &= finish(backend, seq, touch);
        }
        touched.clear();
        return known && complete();
    }

    /** Sends the net effect of the commit on one row; false when a row could not be known. */
    private boolean finish(Backend backend, long seq, Touch touch) {
        long rowId = touch.rowId;
        boolean held = holds(rowId);
        if (held && touch.after != null) {
            owner.item(id, touch.wasHeld ? ChangeKind.UPDATE : ChangeKind.INSERT, rowId, touch.after, rowSize, seq);
        } else if (held && !touch.wasHeld) {
            // A row from the window's reserve moved in: unchanged since it was read, or we cannot know it.
            MemorySegment row = readUnchanged(backend, rowId, heldVersion(rowId));
            if (row != null) {
                owner.item(id, ChangeKind.INSERT, rowId, row, rowSize, seq);
            } else {
                evict(rowId);
                return false;
            }
        } else if (!held && touch.wasHeld) {
            owner.item(id, ChangeKind.DELETE, rowId, null, rowSize, seq);
        }
        return true;
    }

    private MemorySegment readUnchanged(Backend backend, long rowId, long version) {
        if (scratch == null) {
            scratch = MemorySegment.ofArray(new byte[rowSize]);
        }
        return backend.read(table, rowId, scratch, 0) == version ? scratch : null;
    }

    /**
     * Makes a reading at {@code seq} what the subscriber has: as its SUBSCRIBED frame if that is
     * not sent yet, else as the changes from what it holds. Changes up to {@code seq} are ignored
     * afterwards.
     */
    final void install(Reading reading, long seq, WireWriter buffer) {
        List<ReadRow> result = reading.rows().subList(0, reading.resultCount());
        if (awaitingSubscribed()) {
            Frames.beginSubscribed(buffer, requestId, id, seq);
            for (ReadRow row : result) {
                Frames.subscribedRow(buffer, row.id(), row.bytes());
            }
            Frames.finishSubscribed(buffer, result.size());
            subscribedFrame = Arrays.copyOf(buffer.array(), buffer.size());
            subscribedSeq = seq;
        } else {
            Set<Long> kept = new HashSet<>();
            for (ReadRow row : result) {
                kept.add(row.id());
            }
            for (long rowId : heldIds()) {
                if (!kept.contains(rowId)) {
                    owner.item(id, ChangeKind.DELETE, rowId, null, rowSize, seq);
                }
            }
            for (ReadRow row : result) {
                if (row.bytes() != null) {
                    owner.item(id, holds(row.id()) ? ChangeKind.UPDATE : ChangeKind.INSERT, row.id(),
                            MemorySegment.ofArray(row.bytes()), rowSize, seq);
                }
            }
        }
        adopt(reading);
        ignoreThrough = seq;
    }

    static byte[] copyRow(MemorySegment segment, long rowOffset, int rowSize) {
        byte[] bytes = new byte[rowSize];
        MemorySegment.copy(segment, Layouts.I8, rowOffset, bytes, 0, rowSize);
        return bytes;
    }
}
