package io.hetu.redis;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeSet;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the database's change stream on one connection of its own and hands every commit to the
 * backend, in seq order, once: the way commits made through any server instance reach this one's
 * subscribers. Entries are read with a blocking XREAD from the last seq delivered, so after a lost
 * connection the feed resumes exactly where it stopped. When the stream no longer holds the next
 * seq (it is capped, and this instance fell further behind than the cap), the gap is reported.
 */
final class ChangeFeed implements Runnable {

    /** What the feed delivers to. */
    interface Sink {
        void commit(ChangeSet changes);

        /** Commits {@code from..to} can never be delivered. */
        void gap(long from, long to, String reason);

        /** Redis went away ({@code away}) or came back; called once per transition. */
        void connectivity(boolean away, RedisException failure);

        /** The objects a commit made here attached, by its origin tag, or an empty list. */
        List<Object> attachments(byte[] origin);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final byte[] SEQ_FIELD = {'s'};
    private static final byte[] ORIGIN_FIELD = {'o'};
    private static final byte[] CHANGES_FIELD = {'c'};

    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final KeySpace keys;
    private final List<TableDescriptor<?, ?>> tables;
    private final Map<String, Integer> tableNumbers = new HashMap<>();
    private final Sink sink;
    private final long blockMillis;
    private volatile boolean closed;
    private volatile long delivered;

    ChangeFeed(StatefulRedisConnection<byte[], byte[]> connection, KeySpace keys, List<TableDescriptor<?, ?>> tables,
            long startSeq, long blockMillis, Sink sink) {
        this.connection = connection;
        this.keys = keys;
        this.tables = tables;
        for (int t = 0; t < keys.tables.length; t++) {
            tableNumbers.put(keys.tables[t].qualifiedName, t);
        }
        this.delivered = startSeq;
        this.blockMillis = blockMillis;
        this.sink = sink;
    }

    /** The seq of the last commit delivered. */
    long delivered() {
        return delivered;
    }

    void close() {
        closed = true;
    }

    @Override
    public void run() {
        boolean away = false;
        long pause = 50;
        while (!closed) {
            List<StreamMessage<byte[], byte[]>> messages;
            try {
                messages = connection.sync().xread(XReadArgs.Builder.block(blockMillis).count(1000),
                        XReadArgs.StreamOffset.from(keys.stream, delivered + "-0"));
            } catch (RedisException e) {
                if (closed) {
                    return;
                }
                if (!away) {
                    away = true;
                    sink.connectivity(true, e);
                }
                sleep(pause);
                pause = Math.min(1000, pause * 2);
                continue;
            }
            if (away) {
                away = false;
                pause = 50;
                sink.connectivity(false, null);
            }
            for (StreamMessage<byte[], byte[]> message : messages) {
                deliver(message);
            }
        }
    }

    private void deliver(StreamMessage<byte[], byte[]> message) {
        long seq = Long.parseLong(message.getId().substring(0, message.getId().indexOf('-')));
        if (seq <= delivered) {
            return;
        }
        if (seq != delivered + 1) {
            sink.gap(delivered + 1, seq - 1, "this server fell behind the shared database's change stream by more than"
                    + " it keeps (commits " + (delivered + 1) + " to " + (seq - 1) + " were trimmed)");
        }
        byte[] origin = null;
        byte[] body = null;
        for (Map.Entry<byte[], byte[]> field : message.getBody().entrySet()) {
            if (Arrays.equals(field.getKey(), ORIGIN_FIELD)) {
                origin = field.getValue();
            } else if (Arrays.equals(field.getKey(), CHANGES_FIELD)) {
                body = field.getValue();
            } else if (!Arrays.equals(field.getKey(), SEQ_FIELD)) {
                LOG.warn("Change stream entry {} has an unknown field; it was written by another HeTu version",
                        message.getId());
            }
        }
        List<Object> attachments = origin == null || origin.length == 0 ? List.of() : sink.attachments(origin);
        try {
            sink.commit(new ChangeSet(seq, decode(body == null ? new byte[0] : body), attachments));
        } catch (RuntimeException e) {
            LOG.error("Delivering commit {} from the change stream failed", seq, e);
        }
        delivered = seq;
    }

    /** Decodes the changes written by commit.lua; changes to tables this app does not have are skipped. */
    private List<Change> decode(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        List<Change> changes = new ArrayList<>();
        while (in.hasRemaining()) {
            ChangeKind kind = switch (in.get()) {
                case 'I' -> ChangeKind.INSERT;
                case 'U' -> ChangeKind.UPDATE;
                case 'D' -> ChangeKind.DELETE;
                default -> throw new IllegalStateException("the change stream holds an unknown change kind");
            };
            byte[] name = new byte[Byte.toUnsignedInt(in.get())];
            in.get(name);
            long id = in.getLong();
            MemorySegment before = row(in);
            MemorySegment after = row(in);
            Integer table = tableNumbers.get(new String(name, StandardCharsets.UTF_8));
            if (table != null) {
                changes.add(new Change(tables.get(table), table, kind, id, before, after));
            }
        }
        return List.copyOf(changes);
    }

    private static MemorySegment row(ByteBuffer in) {
        int length = in.getInt();
        if (length == 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return MemorySegment.ofArray(bytes).asReadOnly();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
