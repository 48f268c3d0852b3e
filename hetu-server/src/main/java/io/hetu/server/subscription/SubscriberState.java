package io.hetu.server.subscription;

import io.hetu.schema.Layouts;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the engine keeps per connection: its subscriptions, the session copy it filters with, and
 * the frames not sent yet. Guarded by the engine's lock.
 *
 * <p>Frames leave in seq order, and a frame with seq X leaves only when the engine has matched
 * every commit up to X, so that once the client sees seq X all of its subscriptions reflect X.
 * After a re-read at seq R (a window that ran out of rows, a session change), the connection is
 * held: its changes gather in one UPDATE frame stamped R until the engine reaches R.
 */
final class SubscriberState {

    /** Frames of up to this size are kept for reuse; larger buffers are let go after sending. */
    private static final int KEPT_BUFFER_BYTES = 64 * 1024;

    /** Repeated items a frame gathers before it is reduced to its net effect while still open. */
    private static final int COMPACT_AFTER_ITEMS = 16_384;

    final Subscriber subscriber;
    Viewer viewer;
    final Map<Integer, Subscription> subscriptions = new LinkedHashMap<>();
    int nextId = 1;
    int rows;
    boolean closed;

    /** Nothing is sent before the engine reaches this seq. */
    private long holdSeq;
    private final List<WireWriter> parts = new ArrayList<>();
    private int partItems;
    private long blockSeq;
    /** Where the open frame holds each row's item, and whether a row has two items in it. */
    private final SeenRows seen = new SeenRows();
    private boolean merged;
    private int sinceCompaction;
    /** Whether the next frame goes out even without changes: it carries an identity switch. */
    private boolean announce;
    private final List<Subscription> awaitingSubscribed = new ArrayList<>();
    private WireWriter spare;
    /** Completed when the hold ends: replies to session changes wait for it. */
    private CompletableFuture<Void> released;
    /** Row sizes of subscriptions that ended while changes of theirs wait in the open frame. */
    private final Map<Integer, Integer> ended = new HashMap<>();

    SubscriberState(Subscriber subscriber, Viewer viewer) {
        this.subscriber = subscriber;
        this.viewer = viewer;
    }

    /** Adds one change to the open UPDATE frame, which will carry at least {@code seq}. */
    void item(int subscription, ChangeKind kind, long rowId, MemorySegment row, int rowSize, long seq) {
        blockSeq = Math.max(blockSeq, seq);
        int slot = seen.find(subscription, rowId);
        if (slot != SeenRows.ABSENT && kind != ChangeKind.DELETE && seen.kind(slot) != Protocol.KIND_DELETE) {
            // The row changed again since the frame opened, and the frame carries its bytes: they
            // are replaced in place (an insert stays an insert), the way a game sends the latest value.
            MemorySegment.copy(row, 0, parts.get(seen.part(slot)).segment(), seen.offset(slot), rowSize);
            return;
        }
        if (slot != SeenRows.ABSENT) {
            // A delete, or a row back after one: the frame is reduced to net effects before it goes.
            merged = true;
        }
        add(subscription, kind, rowId, row, 0, rowSize);
        if (merged && ++sinceCompaction >= COMPACT_AFTER_ITEMS) {
            // Many commits of one batch delete and bring back the same rows: keep one item per
            // row, so the open frame stays as large as the rows it holds.
            netEffect();
        }
    }

    /** Appends an item and notes where its row bytes are. */
    private void add(int subscription, ChangeKind kind, long rowId, MemorySegment row, long rowOffset, int rowSize) {
        WireWriter part = openPart();
        Frames.updateItem(part, subscription, kind, rowId, row, rowOffset, rowSize);
        partItems++;
        seen.put(subscription, rowId, parts.size() - 1, part.size() - (kind == ChangeKind.DELETE ? 0 : rowSize),
                Frames.kind(kind));
    }

    private WireWriter openPart() {
        if (parts.isEmpty() || partItems == Frames.MAX_CHANGES) {
            WireWriter part = spare != null ? spare : new WireWriter();
            spare = null;
            parts.add(Frames.beginUpdate(part));
            partItems = 0;
        }
        return parts.getLast();
    }

    /**
     * Completes once no re-read holds this connection's frames any more, given that the engine has
     * reached {@code reached}: at once, or when the held frame is sent (or the connection closes).
     */
    CompletableFuture<Void> released(long reached) {
        if (closed || holdSeq <= reached) {
            return CompletableFuture.completedFuture(null);
        }
        if (released == null) {
            released = new CompletableFuture<>();
        }
        return released;
    }

    private void release() {
        if (released != null) {
            CompletableFuture<Void> waiting = released;
            released = null;
            waiting.complete(null);
        }
    }

    /**
     * Holds every frame of this connection until the engine reaches {@code seq}, after a re-read
     * at that seq. Two re-reads may share a seq (two session changes with no commit between), so
     * the held frame is reduced to its net effect: it must not carry a row only an earlier re-read
     * saw.
     */
    void holdUntil(long seq) {
        holdSeq = Math.max(holdSeq, seq);
        if (!parts.isEmpty()) {
            blockSeq = Math.max(blockSeq, seq);
            merged = true;
        }
    }

    /**
     * The connection's session changed: the held frame is sent even if its net effect is empty,
     * so that the client learns the seq its subscriptions now reflect.
     */
    void switched() {
        announce = true;
    }

    long holdSeq() {
        return holdSeq;
    }

    void awaitSubscribed(Subscription subscription) {
        awaitingSubscribed.add(subscription);
    }


    /** The seq of the oldest SUBSCRIBED frame waiting to be sent, or {@link Long#MAX_VALUE}. */
    long earliestAwaiting() {
        long earliest = Long.MAX_VALUE;
        for (Subscription subscription : awaitingSubscribed) {
            earliest = Math.min(earliest, subscription.subscribedSeq);
        }
        return earliest;
    }

    /** The subscription ended: changes of it that wait in the open frame are not sent. */
    void forget(Subscription subscription) {
        awaitingSubscribed.remove(subscription);
        if (!parts.isEmpty()) {
            ended.put(subscription.id, subscription.rowSize);
        }
    }

    /** Whether frames wait to be sent, or a reply waits for the hold to end. */
    boolean pending() {
        return !parts.isEmpty() || !awaitingSubscribed.isEmpty() || released != null || announce;
    }

    /**
     * Sends what may go now that the engine has matched every commit up to {@code reached}: the open
     * UPDATE frame, then the SUBSCRIBED frames of snapshots up to that seq.
     */
    void flush(long reached) {
        if (closed || holdSeq > reached) {
            return;
        }
        if (!ended.isEmpty() || merged) {
            netEffect();
        }
        if (announce && parts.isEmpty()) {
            openPart();
        }
        announce = false;
        if (!awaitingSubscribed.isEmpty()) {
            awaitingSubscribed.sort(Comparator.comparingLong(s -> s.subscribedSeq));
        }
        if (!parts.isEmpty()) {
            long seq = Math.max(blockSeq, holdSeq);
            // Snapshots older than the update go first: the update may hold changes to them (a
            // commit matched before their wake-up), and a client has a subscription's SUBSCRIBED
            // before any change to it. A snapshot at the update's own seq goes after it, so that
            // the client's other subscriptions have reached that seq when it arrives.
            sendSubscribed(Math.min(seq - 1, reached));
            // Taken out first: a subscriber may disconnect from inside send.
            List<WireWriter> sending = new ArrayList<>(parts);
            int lastItems = partItems;
            parts.clear();
            seen.clear();
            blockSeq = 0;
            for (int i = 0; i < sending.size(); i++) {
                WireWriter part = sending.get(i);
                Frames.finishUpdate(part, seq, i == sending.size() - 1 ? lastItems : Frames.MAX_CHANGES);
                if (!closed) {
                    subscriber.send(part.array(), part.size());
                }
            }
            if (lastItems == Frames.MAX_CHANGES && !closed) {
                // A full frame says that more of its seq follow: an empty one ends the commit.
                WireWriter end = Frames.beginUpdate(new WireWriter());
                Frames.finishUpdate(end, seq, 0);
                subscriber.send(end.array(), end.size());
            }
            WireWriter last = sending.getLast();
            spare = last.array().length <= KEPT_BUFFER_BYTES ? last : null;
        }
        sendSubscribed(reached);
        release();
    }

    /** Sends the SUBSCRIBED frames of snapshots taken at or before {@code upTo}, in seq order. */
    private void sendSubscribed(long upTo) {
        while (!awaitingSubscribed.isEmpty() && awaitingSubscribed.getFirst().subscribedSeq <= upTo && !closed) {
            Subscription subscription = awaitingSubscribed.removeFirst();
            byte[] frame = subscription.subscribedFrame;
            subscription.subscribedFrame = null;
            subscriber.send(frame, frame.length);
        }
    }

    /** One row of one subscription in the open frame, and where its latest bytes are. */
    private record Net(int subscription, long rowId, ChangeKind kind, MemorySegment part, long rowAt, int rowSize) {}

    private record NetKey(int subscription, long rowId) {}

    /**
     * Rewrites the open frame as its net effect: without the changes of subscriptions that ended,
     * and, where it gathers several commits, with one item per row that says how the row differs
     * from what the client holds (an insert and a later delete cancel out; a delete and a later
     * insert are an update), so one UPDATE never shows a state the client was not in at its seq.
     */
    private void netEffect() {
        Map<NetKey, Net> net = new LinkedHashMap<>();
        int lastItems = partItems;
        List<WireWriter> old = new ArrayList<>(parts);
        for (int i = 0; i < old.size(); i++) {
            MemorySegment part = old.get(i).segment();
            int count = i == old.size() - 1 ? lastItems : Frames.MAX_CHANGES;
            long at = Frames.UPDATE_HEADER_BYTES;
            for (int item = 0; item < count; item++) {
                int subscription = part.get(Layouts.I32, at);
                ChangeKind kind = Frames.kindOf(part.get(Layouts.I8, at + 4));
                long rowId = part.get(Layouts.I64, at + 5);
                Integer endedRowSize = ended.get(subscription);
                int rowSize = endedRowSize != null ? endedRowSize : subscriptions.get(subscription).rowSize;
                long rowAt = at + Frames.ITEM_HEADER_BYTES;
                at = rowAt + (kind == ChangeKind.DELETE ? 0 : rowSize);
                if (endedRowSize != null) {
                    continue;
                }
                NetKey key = new NetKey(subscription, rowId);
                Net before = net.get(key);
                ChangeKind combined = before == null ? kind : combine(before.kind(), kind);
                if (combined == null) {
                    net.remove(key);
                } else {
                    net.put(key, new Net(subscription, rowId, combined, part, rowAt, rowSize));
                }
            }
        }
        parts.clear();
        partItems = 0;
        seen.clear();
        for (Net item : net.values()) {
            add(item.subscription(), item.kind(), item.rowId(), item.part(), item.rowAt(), item.rowSize());
        }
        ended.clear();
        merged = false;
        sinceCompaction = 0;
        // blockSeq stays: even when every change cancelled out, the frame (if an identity switch
        // still sends it) covers the commits up to it, and must not be stamped older.
    }

    /** The net change of two changes to one row in a row, or null when they cancel out. */
    private static ChangeKind combine(ChangeKind first, ChangeKind then) {
        return switch (first) {
            case INSERT -> then == ChangeKind.DELETE ? null : ChangeKind.INSERT;
            case UPDATE -> then == ChangeKind.DELETE ? ChangeKind.DELETE : ChangeKind.UPDATE;
            case DELETE -> then == ChangeKind.DELETE ? ChangeKind.DELETE : ChangeKind.UPDATE;
        };
    }

    /** Drops everything not sent. */
    void close() {
        closed = true;
        merged = false;
        parts.clear();
        seen.clear();
        awaitingSubscribed.clear();
        ended.clear();
        release();
    }
}
