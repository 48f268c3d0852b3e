package io.hetu.server.subscription;

import io.hetu.schema.Key;
import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import io.hetu.server.system.Session;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A client as a test sees it: decodes every frame the engine sends exactly as docs/PROTOCOL.md
 * says, keeps a mirror per subscription built only from SUBSCRIBED and UPDATE frames, and notes
 * anything that breaks the protocol's ordering rules. Frames arrive on the engine's thread; every
 * method is synchronized.
 */
final class TestClient implements Subscriber {

    /** One decoded item of an UPDATE frame. */
    record Item(int subscription, int kind, long rowId, byte[] row) {}

    /** One decoded frame: SUBSCRIBED (rows as inserts) or UPDATE. */
    record Frame(byte type, long seq, int request, int subscription, List<Item> items) {}

    private static int nextConnection = 1;

    private final Session session;
    private final List<byte[]> raw = new ArrayList<>();
    private final List<Frame> frames = new ArrayList<>();
    private final Map<Integer, Integer> rowSizeOfRequest = new HashMap<>();
    private final Map<Integer, Integer> rowSizeOfSubscription = new HashMap<>();
    private final Map<Integer, Map<Long, byte[]>> mirrors = new LinkedHashMap<>();
    private final Map<Integer, Integer> subscriptionOfRequest = new HashMap<>();
    private final Map<Integer, Object> tagOfRequest = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private int nextRequest = 1;
    private long lastSeq = Long.MIN_VALUE;
    private boolean lastWasFullUpdate;
    private boolean sessionEdited;
    private BiConsumer<TestClient, Frame> onFrame = (client, frame) -> { };

    TestClient() {
        synchronized (TestClient.class) {
            this.session = new Session(nextConnection++);
        }
    }

    @Override
    public Session session() {
        return session;
    }

    /** Runs after each frame is applied to the mirrors. */
    synchronized void onFrame(BiConsumer<TestClient, Frame> check) {
        this.onFrame = check;
    }

    // ---------------------------------------------------------------- subscribing through the engine

    synchronized int nextRequest(TableDescriptor<?, ?> table) {
        return nextRequest(table, null);
    }

    /** A request id for a subscription to {@code table}; {@link #tag} gives {@code tag} back for it. */
    synchronized int nextRequest(TableDescriptor<?, ?> table, Object tag) {
        int request = nextRequest++;
        rowSizeOfRequest.put(request, table.layout().size());
        if (tag != null) {
            tagOfRequest.put(request, tag);
        }
        return request;
    }

    /** What the test attached to the request that created a subscription, once its SUBSCRIBED arrived. */
    synchronized Object tag(int subscription) {
        for (Map.Entry<Integer, Integer> entry : subscriptionOfRequest.entrySet()) {
            if (entry.getValue() == subscription) {
                return tagOfRequest.get(entry.getKey());
            }
        }
        return null;
    }

    int select(Subscriptions engine, int tableNumber, TableDescriptor<?, ?> table, long id) {
        int subscription = engine.select(this, nextRequest(table), tableNumber, id);
        noteRowSize(subscription, table);
        return subscription;
    }

    int selectUnique(Subscriptions engine, int tableNumber, TableDescriptor<?, ?> table, int index, Key key) {
        int subscription = engine.selectUnique(this, nextRequest(table), tableNumber, index, key);
        noteRowSize(subscription, table);
        return subscription;
    }

    int query(Subscriptions engine, int tableNumber, TableDescriptor<?, ?> table, int index, Key low,
            boolean lowInclusive, Key high, boolean highInclusive, int limit, boolean descending) {
        int subscription = engine.query(this, nextRequest(table), tableNumber, index, low, lowInclusive, high,
                highInclusive, limit, descending);
        noteRowSize(subscription, table);
        return subscription;
    }

    private synchronized void noteRowSize(int subscription, TableDescriptor<?, ?> table) {
        rowSizeOfSubscription.put(subscription, table.layout().size());
    }

    /** Forgets a subscription after the engine confirmed it ended. */
    synchronized void unsubscribed(int subscription) {
        mirrors.remove(subscription);
    }

    // ---------------------------------------------------------------- what arrived

    synchronized boolean has(int subscription) {
        return mirrors.containsKey(subscription);
    }

    /** The rows the client holds for a subscription, by id (insertion order: SUBSCRIBED's order first). */
    synchronized Map<Long, byte[]> mirror(int subscription) {
        Map<Long, byte[]> mirror = mirrors.get(subscription);
        return mirror == null ? null : new LinkedHashMap<>(mirror);
    }

    synchronized Map<Integer, Map<Long, byte[]>> mirrors() {
        Map<Integer, Map<Long, byte[]>> copy = new LinkedHashMap<>();
        mirrors.forEach((id, rows) -> copy.put(id, new LinkedHashMap<>(rows)));
        return copy;
    }

    synchronized List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    /** What arrived for one subscription, frame by frame, for failure messages. */
    synchronized String history(int subscription) {
        StringBuilder out = new StringBuilder();
        for (Frame frame : frames) {
            List<Item> mine = frame.items().stream().filter(item -> item.subscription() == subscription).toList();
            if (!mine.isEmpty()) {
                out.append(frame.type() == (byte) 0x84 ? " SUBSCRIBED@" : " UPDATE@").append(frame.seq()).append(':');
                for (Item item : mine) {
                    out.append(' ').append("+~-".charAt(item.kind() - 1)).append(item.rowId());
                }
            }
        }
        return out.toString();
    }

    synchronized List<byte[]> rawFrames() {
        return new ArrayList<>(raw);
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    /** The codes of ERROR frames received. */
    synchronized List<String> errors() {
        return new ArrayList<>(errors);
    }

    /** The session is about to change: the re-read it causes may carry the seq of the last frame. */
    synchronized void sessionEdited() {
        sessionEdited = true;
    }

    synchronized void violation(String what) {
        violations.add(what);
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    // ---------------------------------------------------------------- decoding

    @Override
    public synchronized void send(byte[] bytes, int length) {
        byte[] copy = java.util.Arrays.copyOf(bytes, length);
        raw.add(copy);
        MemorySegment frame = MemorySegment.ofArray(copy);
        byte type = copy[0];
        Frame decoded;
        try {
            decoded = switch (type) {
                case (byte) 0x84 -> subscribed(frame, length);
                case (byte) 0x90 -> update(frame, length);
                case (byte) 0x8F -> {
                    int codeLength = Short.toUnsignedInt(frame.get(Layouts.I16, 1));
                    errors.add(new String(copy, 3, codeLength, java.nio.charset.StandardCharsets.UTF_8));
                    yield null;
                }
                default -> {
                    violations.add("unexpected frame type " + type);
                    yield null;
                }
            };
        } catch (RuntimeException e) {
            violations.add("undecodable frame: " + e);
            return;
        }
        if (decoded == null) {
            return;
        }
        frames.add(decoded);
        onFrame.accept(this, decoded);
    }

    private Frame subscribed(MemorySegment frame, int length) {
        int request = frame.get(Layouts.I32, 1);
        int subscription = frame.get(Layouts.I32, 5);
        long seq = frame.get(Layouts.I64, 9);
        int count = frame.get(Layouts.I32, 17);
        Integer rowSize = rowSizeOfRequest.get(request);
        if (rowSize == null) {
            throw new IllegalStateException("SUBSCRIBED for unknown request " + request);
        }
        rowSizeOfSubscription.put(subscription, rowSize);
        if (seq < lastSeq) {
            violations.add("SUBSCRIBED seq " + seq + " after seq " + lastSeq);
        }
        if (seq > lastSeq) {
            sessionEdited = false;
        }
        lastSeq = seq;
        lastWasFullUpdate = false;
        if (mirrors.containsKey(subscription)) {
            violations.add("second SUBSCRIBED for subscription " + subscription);
        }
        Map<Long, byte[]> mirror = new LinkedHashMap<>();
        List<Item> items = new ArrayList<>();
        long at = 21;
        for (int i = 0; i < count; i++) {
            long id = frame.get(Layouts.I64, at);
            byte[] row = frame.asSlice(at + 8, rowSize).toArray(Layouts.I8);
            at += 8 + rowSize;
            if (mirror.put(id, row) != null) {
                violations.add("row " + id + " twice in SUBSCRIBED " + subscription);
            }
            items.add(new Item(subscription, 1, id, row));
        }
        if (at != length) {
            violations.add("SUBSCRIBED of " + length + " bytes holds " + at);
        }
        mirrors.put(subscription, mirror);
        subscriptionOfRequest.put(request, subscription);
        return new Frame((byte) 0x84, seq, request, subscription, items);
    }

    private Frame update(MemorySegment frame, int length) {
        long seq = frame.get(Layouts.I64, 1);
        int count = Short.toUnsignedInt(frame.get(Layouts.I16, 9));
        // An UPDATE reports a later commit than anything before it, except the rest of a split frame
        // and a re-read after a session change, which may see the same seq as the last frame.
        boolean sameSeqAllowed = lastWasFullUpdate || sessionEdited;
        if (seq < lastSeq || (seq == lastSeq && !sameSeqAllowed)) {
            violations.add("UPDATE seq " + seq + " after seq " + lastSeq);
        }
        if (count == 0 && !lastWasFullUpdate && !sessionEdited) {
            violations.add("empty UPDATE at seq " + seq + " that ends no full frame and switches no session");
        }
        if (seq > lastSeq) {
            sessionEdited = false;
        }
        lastSeq = seq;
        lastWasFullUpdate = count == 0xFFFF;
        List<Item> items = new ArrayList<>();
        long at = 11;
        for (int i = 0; i < count; i++) {
            int subscription = frame.get(Layouts.I32, at);
            int kind = frame.get(Layouts.I8, at + 4);
            long id = frame.get(Layouts.I64, at + 5);
            at += 13;
            Integer rowSize = rowSizeOfSubscription.get(subscription);
            if (rowSize == null) {
                throw new IllegalStateException("UPDATE for unknown subscription " + subscription);
            }
            byte[] row = null;
            if (kind == 1 || kind == 2) {
                row = frame.asSlice(at, rowSize).toArray(Layouts.I8);
                at += rowSize;
            } else if (kind != 3) {
                throw new IllegalStateException("change kind " + kind);
            }
            items.add(new Item(subscription, kind, id, row));
            Map<Long, byte[]> mirror = mirrors.get(subscription);
            if (mirror == null) {
                violations.add("UPDATE seq " + seq + " for subscription " + subscription
                        + " that has no SUBSCRIBED (or ended)");
                continue;
            }
            switch (kind) {
                case 1 -> {
                    if (mirror.put(id, row) != null) {
                        violations.add("insert of held row " + id + " in subscription " + subscription + " at " + seq);
                    }
                }
                case 2 -> {
                    if (mirror.put(id, row) == null) {
                        violations.add("update of missing row " + id + " in subscription " + subscription + " at "
                                + seq);
                    }
                }
                default -> {
                    if (mirror.remove(id) == null) {
                        violations.add("delete of missing row " + id + " in subscription " + subscription + " at "
                                + seq);
                    }
                }
            }
        }
        if (at != length) {
            violations.add("UPDATE of " + length + " bytes holds " + at);
        }
        return new Frame((byte) 0x90, seq, 0, 0, items);
    }
}
