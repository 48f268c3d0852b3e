package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real scrape of {@code /metrics} after real traffic, parsed by the Prometheus project's own
 * text-format parser (prometheus_client for Python, Debian's python3-prometheus-client), and the
 * route's access rules.
 */
class MetricsTest {

    static final String SECRET = "metrics-test-secret-0123456789";
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    private App app;
    private Database database;
    private HetuServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        Path data = tmp.resolve("data");
        database = Embedded.open(data, DurabilityConfig.defaults().withSnapshotsEvery(50, 0), app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                AdminConfig.defaults().withSecret(SECRET).withDataDirectory(data));
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aScrapeAfterTrafficParsesAndCountsWhatHappened() throws Exception {
        int mark = TestSystems.id(app, "mark");
        int refuse = TestSystems.id(app, "refuse");
        int crash = TestSystems.id(app, "crash");
        int adminOnly = TestSystems.id(app, "adminOnly");
        int markers = componentId("Marker");
        int request = 0;
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            // A subscription to every marker, so the marks below are pushed.
            client.send(new Message(Protocol.QUERY).i32(++request).u16(markers).u8(0).u8(0).i32(1000));
            client.next(Protocol.SUBSCRIBED);
            for (int i = 0; i < 120; i++) {
                client.send(new Message(Protocol.CALL).i32(++request).u16(mark).i64(i % 7).i32(i));
                client.next(Protocol.RESULT);
            }
            for (int i = 0; i < 3; i++) {
                client.send(new Message(Protocol.CALL).i32(++request).u16(refuse).string("NOPE"));
                client.next(Protocol.REJECTED);
            }
            client.send(new Message(Protocol.CALL).i32(++request).u16(crash));
            client.next(Protocol.REJECTED);
            for (int i = 0; i < 2; i++) {
                client.send(new Message(Protocol.CALL).i32(++request).u16(adminOnly));
                client.next(Protocol.REJECTED);
            }
            client.send(new Message(Protocol.CALL).i32(++request).u16(60_000));
            client.next(Protocol.REJECTED);
            try (TestClient rude = TestClient.greeted(server.port(), app.schemaHash())) {
                rude.sendFrame(new TextWebSocketFrame("not the protocol"));
                assertEquals("PROTOCOL", rude.errorCode());
                rude.awaitClose();
            }
            Map<String, List<Sample>> live = waitFor(samples -> value(samples, "hetu_snapshot_seq", Map.of()) > 0
                    && value(samples, "hetu_disconnects_total", Map.of("reason", "PROTOCOL")) == 1);

            assertEquals(120, value(live, "hetu_system_outcomes_total", Map.of("system", "mark", "outcome", "OK")));
            assertEquals(3, value(live, "hetu_system_outcomes_total", Map.of("system", "refuse", "outcome", "NOPE")));
            assertEquals(1, value(live, "hetu_system_outcomes_total", Map.of("system", "crash", "outcome", "INTERNAL")));
            assertEquals(2, value(live, "hetu_system_outcomes_total",
                    Map.of("system", "adminOnly", "outcome", "PERMISSION")));
            assertEquals(1, value(live, "hetu_system_outcomes_total",
                    Map.of("system", ServerMetrics.UNKNOWN_SYSTEM, "outcome", "NO_SUCH_SYSTEM")));
            assertHistogram(live, "hetu_system_call_seconds", Map.of("system", "mark"), 120);
            assertTrue(value(live, "hetu_commits_total", Map.of()) >= 123, "every commit counted");
            assertTrue(value(live, "hetu_commit_seq", Map.of()) >= 123);
            assertEquals(1, value(live, "hetu_scheduled_pending", Map.of()), "the test app's hourly tick is pending");
            assertEquals(0, value(live, "hetu_tick_overruns_total", Map.of()));
            assertTrue(value(live, "hetu_wal_fsync_seconds_count", Map.of()) > 0, "fsyncs timed");
            assertHistogram(live, "hetu_wal_fsync_seconds", Map.of(),
                    (long) value(live, "hetu_wal_fsync_seconds_count", Map.of()));
            assertTrue(value(live, "hetu_snapshot_seconds_count", Map.of()) >= 1, "a snapshot was timed");
            assertTrue(value(live, "hetu_snapshot_size_bytes", Map.of()) > 0, "and its size kept");
            assertTrue(live.containsKey("hetu_recovery_seconds"), "the recovery time");
            assertEquals(1, value(live, "hetu_subscriptions", Map.of()), "the open subscription");
            // One UPDATE per flush: marks matched together share a frame (docs/PROTOCOL.md, coalescing).
            double pushes = value(live, "hetu_pushes_total", Map.of());
            assertTrue(pushes >= 1 && pushes <= 120, "the marks were pushed, at most one frame each: " + pushes);
            assertTrue(value(live, "hetu_push_bytes_total", Map.of()) > 0);
            assertEquals(1, value(live, "hetu_connections", Map.of()), "the rude client is gone");
            assertEquals(2, value(live, "hetu_connections_opened_total", Map.of()));
            assertTrue(live.containsKey("hetu_outbound_queued_bytes"));
            assertTrue(value(live, "jvm_memory_used_bytes", Map.of("area", "heap", "id", "*")) > 0, "JVM metrics");
            assertTrue(live.containsKey("process_cpu_usage") && live.containsKey("jvm_threads_live_threads"));
        }
        Map<String, List<Sample>> after = waitFor(samples -> value(samples, "hetu_connections", Map.of()) == 0);
        assertEquals(1, value(after, "hetu_disconnects_total", Map.of("reason", "CLIENT")));
        assertEquals(0, value(after, "hetu_subscriptions", Map.of()), "a closed connection's subscriptions end");
    }

    @Test
    void metricsNeedTheSecretUnlessPublic() throws Exception {
        assertEquals(401, get("/metrics", null).statusCode());
        HttpResponse<String> wrong = get("/metrics", "Bearer not-the-secret-at-all");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        HttpResponse<String> scrape = get("/metrics", "Bearer " + SECRET);
        assertEquals(200, scrape.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(404, get("/hetu/admin/nothing", "Bearer " + SECRET).statusCode());
        server.close();

        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                AdminConfig.defaults().withMetrics(true, true));
        assertEquals(200, get("/metrics", null).statusCode(), "public metrics need no secret");
        HttpResponse<String> backup = get("/hetu/admin/backup", "Bearer anything-at-all-here");
        assertEquals(403, backup.statusCode(), "no secret configured: the admin routes are off");
        assertTrue(backup.body().contains("admin.secret"), backup.body());
        server.close();

        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                AdminConfig.defaults().withSecret(SECRET).withMetrics(false, false));
        assertEquals(404, get("/metrics", "Bearer " + SECRET).statusCode(), "metrics.enabled false: not served");
    }

    private int componentId(String name) {
        for (int i = 0; i < app.tables().size(); i++) {
            if (app.tables().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no component " + name);
    }

    private static void assertHistogram(Map<String, List<Sample>> samples, String name, Map<String, String> labels,
            long count) {
        assertEquals(count, (long) value(samples, name + "_count", labels), name + " count");
        List<Sample> buckets = new ArrayList<>();
        for (Sample sample : samples.getOrDefault(name + "_bucket", List.of())) {
            if (matches(sample, labels)) {
                buckets.add(sample);
            }
        }
        assertTrue(buckets.size() > 5, name + " has buckets: " + buckets);
        buckets.sort((a, b) -> Double.compare(le(a), le(b)));
        double previous = 0;
        for (Sample bucket : buckets) {
            assertTrue(bucket.value() >= previous, name + " buckets are cumulative: " + buckets);
            previous = bucket.value();
        }
        assertEquals(Double.POSITIVE_INFINITY, le(buckets.getLast()));
        assertEquals(count, (long) buckets.getLast().value(), "the +Inf bucket holds every observation");
    }

    private static double le(Sample sample) {
        String le = sample.labels().get("le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    record Sample(String name, Map<String, String> labels, double value) {}

    /** Scrapes until {@code ready} holds (at most 10 s), parsing each scrape with the Prometheus parser. */
    private Map<String, List<Sample>> waitFor(java.util.function.Predicate<Map<String, List<Sample>>> ready)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, List<Sample>> samples;
        do {
            HttpResponse<String> scrape = get("/metrics", "Bearer " + SECRET);
            assertEquals(200, scrape.statusCode());
            samples = parse(scrape.body());
            if (ready.test(samples)) {
                return samples;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the metrics did not get there within 10 s; the last scrape: " + samples.keySet());
    }

    /** Parses the exposition with prometheus_client's parser, which fails on anything off the format. */
    Map<String, List<Sample>> parse(String exposition) throws Exception {
        requireParser();
        Path text = Files.writeString(tmp.resolve("scrape.txt"), exposition);
        String script = String.join("\n",
                "import json, sys",
                "from prometheus_client.parser import text_string_to_metric_families",
                "out = []",
                "for family in text_string_to_metric_families(open(sys.argv[1]).read()):",
                "    for s in family.samples:",
                "        out.append([s.name, s.labels, s.value, family.type])",
                "print(json.dumps(out))");
        Process python = new ProcessBuilder(PYTHON.toString(), "-c", script, text.toString()).redirectErrorStream(true)
                .start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (python.waitFor() != 0) {
            fail("the Prometheus parser refused the scrape:\n" + output + "\nthe scrape:\n" + exposition);
        }
        Map<String, List<Sample>> samples = new HashMap<>();
        for (JsonNode row : new ObjectMapper().readTree(output)) {
            Map<String, String> labels = new HashMap<>();
            row.get(1).fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.computeIfAbsent(row.get(0).asText(), k -> new ArrayList<>())
                    .add(new Sample(row.get(0).asText(), labels, row.get(2).asDouble()));
        }
        return samples;
    }

    /** Python with prometheus_client: skipped with a reason on a developer machine, required in CI. */
    static void requireParser() throws Exception {
        boolean present = Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c",
                "import prometheus_client.parser").start().waitFor() == 0;
        ExternalTools.require(present, "the Prometheus text parser is missing: apt-get install "
                + "python3-prometheus-client");
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels} ("*" matches any value). */
    static double value(Map<String, List<Sample>> samples, String name, Map<String, String> labels) {
        double sum = 0;
        for (Sample sample : samples.getOrDefault(name, List.of())) {
            if (matches(sample, labels)) {
                sum += sample.value();
            }
        }
        return sum;
    }

    private static boolean matches(Sample sample, Map<String, String> labels) {
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String actual = sample.labels().get(label.getKey());
            if (actual == null || !label.getValue().equals("*") && !label.getValue().equals(actual)) {
                return false;
            }
        }
        return true;
    }
}
