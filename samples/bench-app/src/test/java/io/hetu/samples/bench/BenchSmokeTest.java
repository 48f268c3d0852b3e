package io.hetu.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.bench.BenchCommand;
import io.hetu.bench.BenchResult;
import io.hetu.bench.BenchSettings;
import io.hetu.bench.EchoServer;
import io.hetu.bench.LoadRun;
import io.hetu.bench.Workload;
import io.hetu.server.HetuServer;
import io.hetu.server.Limits;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A short run of {@code hetu bench} against a real server with the bench app on a free loopback
 * port, and against the bare echo server: the generator works end to end (calls complete, nothing
 * fails, the server's counters arrive, the JSON parses). It checks no speed.
 */
class BenchSmokeTest {

    private static Path dir;
    private static Database database;
    private static HetuServer server;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bench-smoke");
        App app = App.load(BenchSmokeTest.class.getClassLoader(), null);
        database = Embedded.open(dir, DurabilityConfig.defaults().withFsync(FsyncPolicy.NO), app.tables());
        Limits unlimitedCalls = new Limits(64 * 1024, 4 * 1024 * 1024, 256, 10_000, 1_000_000_000,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
        server = HetuServer.start(app, database,
                ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withLimits(unlimitedCalls));
        url = "ws://127.0.0.1:" + server.port() + "/hetu";
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        database.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static BenchResult run(String target, Workload workload, double zipf) throws Exception {
        return run(target, workload, zipf, false);
    }

    private static BenchResult run(String target, Workload workload, double zipf, boolean once) throws Exception {
        return LoadRun.run(new BenchSettings(target, null, workload, 4, 4, 1, 0.2, 1, zipf, 500, 10, once), null);
    }

    private static void assertWorked(BenchResult result) throws Exception {
        assertNull(result.firstError(), "the first error");
        assertEquals(0, result.errors());
        assertTrue(result.calls() > 0, "calls completed: " + result.calls());
        assertTrue(result.latency().count() == result.calls() && result.latency().max() > 0, "latencies recorded");
        assertNotNull(result.server(), "the server's stats");
        assertTrue(result.server().calls() > 0 && result.server().cpuNanos() > 0, "server counters: " + result.server());
        JsonNode json = new ObjectMapper().readTree(result.toJson().toString());
        assertEquals(result.settings().workload().label(), json.path("workload").asText());
        assertEquals(result.calls(), json.path("calls").asLong());
    }

    @Test
    void helloWorldThroughTheCommandLinePrintsJson() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new BenchCommand()).execute("--url", url, "--workload", "hello",
                    "--connections", "2", "--in-flight", "4", "--duration", "1", "--warmup", "0.2", "--json", "-q");
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit, captured.toString(StandardCharsets.UTF_8));
        JsonNode json = new ObjectMapper().readTree(captured.toString(StandardCharsets.UTF_8));
        assertEquals("hello", json.path("workload").asText());
        assertTrue(json.path("calls").asLong() > 0, json.toString());
        assertEquals(0, json.path("errors").asLong());
        assertTrue(json.path("latencyMicros").path("p90").asDouble() > 0, json.toString());
        assertTrue(json.path("server").path("cpuMicrosPerOp").asDouble() > 0, json.toString());
    }

    @Test
    void getUpdateWritesWithoutErrors() throws Exception {
        assertWorked(run(url, Workload.GET_UPDATE, 0));
    }

    @Test
    void getUpdateOnceLogsInAndWritesWithoutErrors() throws Exception {
        long before = onceOutcomes();
        assertWorked(run(url, Workload.GET_UPDATE, 0, true));
        assertTrue(onceOutcomes() > before, "the server remembered the calls' outcomes");
    }

    private static long onceOutcomes() {
        return database.transact(10, tx -> (long) tx.range(io.hetu.server.once.CallOutcomeTable.MINUTE,
                io.hetu.schema.KeyRange.all(), Integer.MAX_VALUE, false).size());
    }

    @Test
    void skewedTransfersKeepTheTotal() throws Exception {
        BenchResult result = run(url, Workload.TRANSFER, 1.5);
        assertWorked(result);
        assertEquals(BenchResult.EXPECTED_TOTAL_BALANCE, result.totalBalance());
    }

    @Test
    void pushReachesTheSubscribers() throws Exception {
        BenchResult result = run(url, Workload.PUSH, 0);
        assertWorked(result);
        assertTrue(result.pushes() > 0 && result.pushLatency().count() == result.pushes(), "pushes: "
                + result.pushes());
    }

    @Test
    void theEchoServerAnswersTheSameGenerator() throws Exception {
        try (EchoServer echo = EchoServer.start("127.0.0.1", 0)) {
            assertWorked(run("ws://127.0.0.1:" + echo.port() + "/hetu", Workload.ECHO, 0));
        }
    }

    @Test
    void helpDocumentsEveryOption() {
        String help = new CommandLine(new BenchCommand()).getUsageMessage();
        for (String option : new String[] {"--url", "--workload", "--connections", "--in-flight", "--duration",
                "--warmup", "--threads", "--zipf", "--rate", "--range", "--stats", "--once", "--json", "--quiet"}) {
            assertTrue(help.contains(option), option + " in\n" + help);
        }
    }
}
