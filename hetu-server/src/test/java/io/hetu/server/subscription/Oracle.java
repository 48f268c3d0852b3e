package io.hetu.server.subscription;

import io.hetu.annotations.Permission;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.Key;
import io.hetu.schema.TableDescriptor;
import io.hetu.server.system.Session;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simple, independent answer to "what should this subscriber hold at seq S": the table's rows
 * at S (rebuilt from the change feed), filtered by the permission rules written out plainly, then
 * ranged, sorted and cut by the query as PROTOCOL.md states it.
 */
final class Oracle implements ChangeListener {

    /** A subscription as a test asked for it. Index -1 with {@code id}: a select by id. */
    record Spec(int table, int index, long id, Object low, boolean lowInclusive, Object high, boolean highInclusive,
            int limit, boolean descending) {

        static Spec byId(int table, long id) {
            return new Spec(table, -1, id, null, false, null, false, 1, false);
        }

        static Spec unique(int table, int index, Object key) {
            return new Spec(table, index, 0, key, true, key, true, 1, false);
        }

        /** Subscribes the client; the spec is the request's tag. */
        int subscribe(TestClient client, Subscriptions engine, boolean unique) {
            TableDescriptor<?, ?> descriptor = EngineFixture.TABLES.get(table);
            int request = client.nextRequest(descriptor, this);
            if (index < 0) {
                return engine.select(client, request, table, id);
            }
            FieldLayout column = column(descriptor, index);
            if (unique) {
                return engine.selectUnique(client, request, table, index, Key.of(column, low));
            }
            return engine.query(client, request, table, index, low == null ? null : Key.of(column, low),
                    lowInclusive, high == null ? null : Key.of(column, high), highInclusive, limit, descending);
        }
    }

    private final Map<Integer, TreeMap<Long, Map<Long, byte[]>>> history = new HashMap<>();

    Oracle() {
        for (int table = 0; table < EngineFixture.TABLES.size(); table++) {
            TreeMap<Long, Map<Long, byte[]>> versions = new TreeMap<>();
            versions.put(0L, Map.of());
            history.put(table, versions);
        }
    }

    /** Records each commit's effect: the feed is the history the oracle answers from. */
    @Override
    public synchronized void onCommit(ChangeSet changes) {
        Map<Integer, Map<Long, byte[]>> touched = new HashMap<>();
        for (var change : changes.changes()) {
            Map<Long, byte[]> rows = touched.computeIfAbsent(change.tableNumber(),
                    table -> new HashMap<>(history.get(table).lastEntry().getValue()));
            if (change.after() == null) {
                rows.remove(change.id());
            } else {
                rows.put(change.id(), change.after().toArray(io.hetu.schema.Layouts.I8));
            }
        }
        touched.forEach((table, rows) -> history.get(table).put(changes.seq(), rows));
    }

    /** The rows of a table after commit {@code seq}. */
    synchronized Map<Long, byte[]> rowsAt(int table, long seq) {
        return history.get(table).floorEntry(seq).getValue();
    }

    /** The ids the subscription's result holds at {@code seq} for this session, in result order. */
    List<Long> expected(Spec spec, long seq, Session session) {
        TableDescriptor<?, ?> table = EngineFixture.TABLES.get(spec.table());
        Map<Long, byte[]> rows = rowsAt(spec.table(), seq);
        if (spec.index() < 0) {
            byte[] row = rows.get(spec.id());
            return row != null && visible(table, decode(table, row), session) ? List.of(spec.id()) : List.of();
        }
        String column = column(table, spec.index()).name();
        List<Object[]> matching = new ArrayList<>();
        for (Map.Entry<Long, byte[]> entry : rows.entrySet()) {
            Record record = decode(table, entry.getValue());
            Object key = value(record, column);
            if (inRange(spec, key) && visible(table, record, session)) {
                matching.add(new Object[] {key, entry.getKey()});
            }
        }
        Comparator<Object[]> order = Comparator.<Object[], Object>comparing(e -> e[0], Oracle::compareKeys)
                .thenComparing(e -> (Long) e[1]);
        matching.sort(spec.descending() ? order.reversed() : order);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < matching.size() && i < spec.limit(); i++) {
            ids.add((Long) matching.get(i)[1]);
        }
        return ids;
    }

    /**
     * Checks every subscription of the client that has its SUBSCRIBED (and was created through
     * {@link Spec#subscribe}) against the expected result at {@code seq}, with the client's current
     * session: the same rows, each with its bytes as of that seq and readable by the session.
     * Differences become the client's violations.
     */
    void verify(TestClient client, long seq) {
        for (Map.Entry<Integer, Map<Long, byte[]>> entry : client.mirrors().entrySet()) {
            Spec spec = (Spec) client.tag(entry.getKey());
            if (spec == null) {
                continue;
            }
            Session session = client.session();
            List<Long> expected = expected(spec, seq, session);
            Map<Long, byte[]> mirror = entry.getValue();
            Map<Long, byte[]> rows = rowsAt(spec.table(), seq);
            String where = "client " + session.connectionId() + " subscription " + entry.getKey() + " " + spec
                    + " at seq " + seq;
            if (!mirror.keySet().equals(new java.util.HashSet<>(expected))) {
                client.violation(where + ": holds " + mirror.keySet() + ", expected " + expected + "; received"
                        + client.history(entry.getKey()));
                continue;
            }
            TableDescriptor<?, ?> table = EngineFixture.TABLES.get(spec.table());
            for (Map.Entry<Long, byte[]> row : mirror.entrySet()) {
                if (!Arrays.equals(row.getValue(), rows.get(row.getKey()))) {
                    client.violation(where + ": row " + row.getKey() + " is stale");
                }
                if (!visible(table, decode(table, row.getValue()), session)) {
                    client.violation(where + ": row " + row.getKey() + " is not readable by this session");
                }
            }
        }
    }

    private static boolean inRange(Spec spec, Object key) {
        if (spec.low() != null) {
            int order = compareKeys(key, spec.low());
            if (order < 0 || (order == 0 && !spec.lowInclusive())) {
                return false;
            }
        }
        if (spec.high() != null) {
            int order = compareKeys(key, spec.high());
            return order < 0 || (order == 0 && spec.highInclusive());
        }
        return true;
    }

    /** The read permission rules of DESIGN.md §4, written out for the test components. */
    static boolean visible(TableDescriptor<?, ?> table, Record record, Session session) {
        Permission permission = table.permission();
        return switch (permission) {
            case EVERYBODY -> true;
            case USER -> session.caller() != 0;
            case ADMIN -> session.isAdmin();
            case NONE -> false;
            case OWNER -> session.caller() != 0 && ((Number) value(record, "owner")).longValue() == session.caller();
            case RLS -> {
                Object sessionValue = session.value(table.rls().sessionKey());
                Object rowValue = value(record, table.rls().field());
                if (!(sessionValue instanceof Byte || sessionValue instanceof Short || sessionValue instanceof Integer
                        || sessionValue instanceof Long)) {
                    yield false;
                }
                long right = ((Number) sessionValue).longValue();
                long left = ((Number) rowValue).longValue();
                int order = Long.compare(left, right);
                yield table.rls().op().holds(order);
            }
        };
    }

    /** Integers by value, strings by their UTF-8 bytes (code point order), as the index orders them. */
    static int compareKeys(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
        }
        return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
    }

    static Record decode(TableDescriptor<?, ?> table, byte[] row) {
        return table.newRow().wrap(MemorySegment.ofArray(row), 0).toRecord();
    }

    static Object value(Record record, String column) {
        try {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                if (component.getName().equals(column)) {
                    return component.getAccessor().invoke(record);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("no column " + column);
    }

    static FieldLayout column(TableDescriptor<?, ?> table, int index) {
        return table.layout().field(table.indexes().get(index).field());
    }
}
