package io.hetu.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.schema.TableDescriptor;
import io.hetu.server.subscription.Subscriber;
import io.hetu.storage.spi.TableStats;
import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the admin console shows, as JSON ({@code GET /admin/api/state} and {@code /admin/api/config}):
 * tables, connections, systems, game time, recent failures and the charts' samples, which a sampler
 * takes once a second for the last {@value #SAMPLES} seconds; and the kick of a connection.
 */
final class ConsoleData implements AutoCloseable {

    /** Seconds of samples the charts show. */
    static final int SAMPLES = 300;
    private static final int ERRORS = 50;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HetuServer server;
    private final ServerConfig config;
    private final AdminConfig admin;
    private final long startedMillis = System.currentTimeMillis();
    /** The samples, oldest first from {@code next}: calls/s, p99 of the second in ms, commits/s; guarded by this. */
    private final double[][] samples = new double[3][SAMPLES];
    private final long[] sampledAt = new long[SAMPLES];
    private int next;
    private int taken;
    private long lastCalls;
    private long lastCommits;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hetu-console-sampler").daemon().factory());

    ConsoleData(HetuServer server, ServerConfig config, AdminConfig admin) {
        this.server = server;
        this.config = config;
        this.admin = admin;
        lastCalls = server.stats().calls();
        lastCommits = server.metrics().commits();
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    private synchronized void sample() {
        long calls = server.stats().calls();
        long commits = server.metrics().commits();
        samples[0][next] = calls - lastCalls;
        samples[1][next] = server.metrics().nextWindow().percentile(99) / 1e6;
        samples[2][next] = commits - lastCommits;
        sampledAt[next] = System.currentTimeMillis();
        lastCalls = calls;
        lastCommits = commits;
        next = (next + 1) % SAMPLES;
        taken = Math.min(SAMPLES, taken + 1);
        for (Connection connection : server.sessions().connections()) {
            connection.sampleCalls();
        }
    }

    /** Everything that changes: the console reads it every second or two. */
    byte[] state() {
        ObjectNode state = NODES.objectNode();
        state.put("now", System.currentTimeMillis());
        state.put("startedAt", startedMillis);
        state.put("seq", server.database().backend().lastSeq());
        state.put("path", config.path());
        state.set("tables", tables());
        state.set("connections", connections());
        state.set("systems", systems());
        try {
            state.set("scheduled", JSON.readTree(server.gameTime().json()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        ArrayNode errors = state.putArray("errors");
        for (FailureLog.Recent failure : server.failures().recent(ERRORS)) {
            errors.addObject().put("trace", failure.trace()).put("where", failure.where())
                    .put("latest", failure.latest()).put("count", failure.count()).put("last", failure.lastMillis());
        }
        state.set("charts", charts());
        return bytes(state);
    }

    private ArrayNode tables() {
        List<TableDescriptor<?, ?>> tables = server.database().backend().tables();
        List<TableStats> stats = server.database().backend().tableStats();
        ArrayNode array = NODES.arrayNode();
        for (int t = 0; t < tables.size(); t++) {
            TableDescriptor<?, ?> table = tables.get(t);
            ObjectNode row = array.addObject().put("id", t).put("name", table.namespace().isEmpty() ? table.name()
                    : table.namespace() + "." + table.name()).put("rowSize", table.layout().size());
            if (t < stats.size()) {
                row.put("rows", stats.get(t).rows()).put("rowBytes", stats.get(t).rowBytes())
                        .put("indexBytes", stats.get(t).indexBytes());
            }
        }
        return array;
    }

    private ArrayNode connections() {
        Map<Subscriber, Integer> subscriptions = server.subscriptions().subscriptionCounts();
        ArrayNode array = NODES.arrayNode();
        for (Connection connection : server.sessions().connections()) {
            if (connection.closing()) {
                continue;
            }
            var session = connection.session();
            array.addObject().put("id", session.connectionId()).put("user", session.caller())
                    .put("admin", session.isAdmin()).put("operator", session.isOperator())
                    .put("address", String.valueOf(connection.channel().remoteAddress()).replaceFirst("^/", ""))
                    .put("subscriptions", subscriptions.getOrDefault(connection, 0))
                    .put("queuedBytes", ConnectionMetrics.queued(connection.channel()))
                    .put("calls", connection.calls()).put("callsPerSecond", connection.callsLastSecond())
                    .put("openedAt", connection.openedMillis());
        }
        return array;
    }

    private ArrayNode systems() {
        ArrayNode array = NODES.arrayNode();
        for (ServerMetrics.SystemCounts system : server.metrics().systems()) {
            ObjectNode row = array.addObject().put("name", system.system()).put("calls", system.calls())
                    .put("p50Ms", system.p50Nanos() / 1e6).put("p99Ms", system.p99Nanos() / 1e6)
                    .put("maxMs", system.maxNanos() / 1e6).put("conflicts", system.conflicts());
            ObjectNode outcomes = row.putObject("outcomes");
            system.outcomes().forEach(outcomes::put);
        }
        return array;
    }

    private synchronized ObjectNode charts() {
        ObjectNode charts = NODES.objectNode().put("intervalSeconds", 1);
        String[] names = {"callsPerSecond", "p99Ms", "commitsPerSecond"};
        ArrayNode at = charts.putArray("at");
        for (int i = 0; i < taken; i++) {
            at.add(sampledAt[(next - taken + i + SAMPLES) % SAMPLES]);
        }
        for (int series = 0; series < names.length; series++) {
            ArrayNode values = charts.putArray(names[series]);
            for (int i = 0; i < taken; i++) {
                values.add(samples[series][(next - taken + i + SAMPLES) % SAMPLES]);
            }
        }
        return charts;
    }

    /** The settings the server runs with; every secret is shown as {@code "(hidden)"} or {@code null}. */
    byte[] config() {
        ObjectNode settings = NODES.objectNode();
        settings.set("server", settings(config));
        settings.set("admin", settings(admin));
        return bytes(settings);
    }

    /** A record of settings as JSON, record by record; a component whose name says secret is hidden. */
    private static com.fasterxml.jackson.databind.JsonNode settings(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Record record) {
            ObjectNode object = NODES.objectNode();
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                Object member;
                try {
                    member = component.getAccessor().invoke(record);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                boolean secret = component.getName().toLowerCase(Locale.ROOT).contains("secret");
                object.set(component.getName(), secret ? member == null ? NODES.nullNode() : NODES.textNode("(hidden)")
                        : settings(member));
            }
            return object;
        }
        if (value instanceof Collection<?> collection) {
            ArrayNode array = NODES.arrayNode();
            collection.forEach(element -> array.add(settings(element)));
            return array;
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Integer || value instanceof Long) {
            return NODES.numberNode(((Number) value).longValue());
        }
        return NODES.textNode(value.toString());
    }

    /** Closes the connection with {@code KICKED}; false when no such connection is open (or it is closing). */
    boolean kick(long connectionId) {
        for (Connection connection : server.sessions().connections()) {
            if (connection.session().connectionId() == connectionId && !connection.closing()) {
                connection.close(Codes.KICKED, "an operator ended this connection from the admin console",
                        Protocol.CLOSE_KICKED);
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
