package io.hetu.server;

import io.hetu.storage.Database;
import io.hetu.system.CommitOutcomeUnknownException;
import io.hetu.wire.Codes;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A connection's replies to calls, in call order, each held until the commit it depends on is
 * durable (docs/PROTOCOL.md, Calls): no reply gets ahead of the log. A reply whose commit is
 * already durable, with nothing queued ahead of it, is written at once, with no future and no
 * queue entry (a call that only read a durable state, the common case); the others wait in the
 * queue and are sent from {@link #readComplete}, so that the durability of every call of one read
 * from the socket is asked for at once and the log can take their commits in one write. All
 * methods run on the connection's event loop.
 */
final class DurableReplies {

    private static final CompletableFuture<Void> NOTHING_TO_WAIT_FOR = CompletableFuture.completedFuture(null);

    private final Connection connection;
    private final Database database;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Whether {@link #sendReady} waits for a commit to become durable; only while the queue is not empty. */
    private boolean waiting;
    /** Whether a reply was written since the last flush. */
    private boolean unflushed;

    DurableReplies(Connection connection, Database database) {
        this.connection = connection;
        this.database = database;
    }

    /**
     * Sends {@code reply} once commit {@code dependsOn} is durable (0: it depends on none) and,
     * when {@code switched} is given, once that completes too, behind every earlier reply.
     * {@code ownCommit} says whether {@code dependsOn} is the call's own commit, which decides the
     * code if it never becomes durable.
     */
    void add(long dependsOn, boolean ownCommit, int request, BinaryWebSocketFrame reply,
            CompletableFuture<Void> switched) {
        if (queue.isEmpty() && switched == null && (dependsOn == 0 || database.isDurable(dependsOn))) {
            connection.channel().write(reply, connection.channel().voidPromise());
            unflushed = true;
            return;
        }
        queue.add(new Pending(dependsOn, ownCommit, request, reply, switched));
    }

    /** After the calls of one read from the socket: sends what is ready, and flushes. */
    void readComplete() {
        if (!waiting && !queue.isEmpty()) {
            sendReady();
        } else {
            flush();
        }
    }

    /**
     * Sends, in call order, the replies whose commits are durable, with one flush; then waits for
     * the next one. One wait covers all of a connection's replies in flight, so the log writer
     * hands this event loop one task per batch of commits rather than one per reply.
     */
    private void sendReady() {
        waiting = false;
        Channel channel = connection.channel();
        if (connection.closing()) {
            // After the close frame nothing more may be written; the client was told why it is closed.
            Pending dropped;
            while ((dropped = queue.poll()) != null) {
                dropped.reply().release();
            }
            return;
        }
        Pending next;
        while ((next = queue.peek()) != null) {
            CompletableFuture<Void> durable = next.seq() == 0 ? NOTHING_TO_WAIT_FOR : database.durable(next.seq());
            CompletableFuture<Void> ready = durable.isDone() && !durable.isCompletedExceptionally()
                    && next.switched() != null ? next.switched() : durable;
            if (!ready.isDone()) {
                waiting = true;
                ready.whenComplete((done, failure) -> channel.eventLoop().execute(this::sendReady));
                break;
            }
            queue.poll();
            if (durable.isCompletedExceptionally()) {
                next.reply().release();
                Throwable failure = durable.exceptionNow();
                // Only the call's own commit can have an unknown outcome; a reply that merely read
                // another call's commit applied nothing, so the client may simply retry it.
                String code = next.ownCommit() && failure instanceof CommitOutcomeUnknownException
                        ? Codes.UNKNOWN_OUTCOME : Codes.UNAVAILABLE;
                channel.write(connection.rejection(next.request(), code, (next.ownCommit()
                        ? "the commit could not be made durable: "
                        : "what the call read could not be made durable, so it was not answered: ")
                        + failure.getMessage()), channel.voidPromise());
            } else {
                channel.write(next.reply(), channel.voidPromise());
            }
            unflushed = true;
        }
        flush();
    }

    private void flush() {
        if (unflushed) {
            unflushed = false;
            connection.channel().flush();
        }
    }

    /**
     * A call's reply, held until commit {@code seq} is durable and, after a session change, until
     * the subscriptions have switched.
     */
    private record Pending(long seq, boolean ownCommit, int request, BinaryWebSocketFrame reply,
            CompletableFuture<Void> switched) {}
}
