package io.hetu.benchmarks.time;

import io.hetu.bench.BenchResult;
import io.hetu.bench.BenchSettings;
import io.hetu.bench.LoadRun;
import io.hetu.bench.Workload;
import io.hetu.server.AdminConfig;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.server.time.GameTime;
import io.hetu.server.time.Histogram;
import io.hetu.server.time.ManualClock;
import io.hetu.server.time.ScheduledCallRow;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.embedded.Embedded;
import io.hetu.system.Schedule;
import io.hetu.wire.WireWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Game time's three figures (docs/BENCHMARKS.md, game time):
 * <ol>
 *   <li>memory: 1,000,000 pending calls scheduled on an in-memory store; the heap they add beyond
 *       their off-heap rows (the indexes and everything else the server keeps per call), per call;
 *   <li>firing: calls due at a steady rate on a durable store (default fsync policy), fired by the
 *       server's own thread on the real clock; the rate sustained and the lateness of each firing;
 *   <li>tick: the jitter (lateness) of a 20 Hz tick, on an idle server and with the hello-world
 *       load of {@code hetu bench} running against the same server.
 * </ol>
 *
 * <pre>java -Xmx6g --enable-native-access=ALL-UNNAMED -cp benchmarks/target/hetu-bench.jar \
 *     io.hetu.benchmarks.time.GameTimeBenchmark [pending] [firingsPerSecond] [seconds]</pre>
 */
public final class GameTimeBenchmark {

    private static final String SYSTEM = "hit";
    private static final int PER_TRANSACTION = 1_000;

    private GameTimeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int pending = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        App app = App.load(GameTimeBenchmark.class.getClassLoader(), null);
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        memory(app, pending);
        firing(app, rate, seconds);
        tick(app, seconds, false);
        tick(app, seconds, true);
    }

    private static void row(String figure, String value) {
        System.out.println("| " + figure + " | " + value + " |");
    }

    /** A loopback server whose request budget the load generator cannot reach, as the suite's. */
    private static ServerConfig loopback() {
        io.hetu.server.Limits usual = io.hetu.server.Limits.defaults();
        io.hetu.server.Limits unthrottled = new io.hetu.server.Limits(usual.maxFrameBytes(), usual.maxOutboundBytes(),
                usual.maxSubscriptions(), usual.maxSubscribedRows(), 100_000_000, usual.handshakeTimeout(),
                usual.idleTimeout(), usual.maxConnectionsPerAddress());
        return ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withLimits(unthrottled);
    }

    private static WireWriter arguments(long call) {
        WireWriter writer = new WireWriter();
        HetuSystems.argumentsOfHit(writer, call);
        return writer;
    }

    /** Schedules {@code count} calls, call {@code i} due at {@code first + i * step}; returns when all are committed. */
    private static void schedule(Database database, GameTime time, int count, Instant first, Duration step) {
        for (int from = 0; from < count; from += PER_TRANSACTION) {
            int start = from;
            int end = Math.min(count, from + PER_TRANSACTION);
            long seq = database.commit(0, tx -> {
                Instant now = time.now();
                for (int i = start; i < end; i++) {
                    time.schedule(tx, now, Schedule.at(first.plus(step.multipliedBy(i))), "bench", SYSTEM,
                            arguments(i));
                }
            });
            database.durable(seq).join();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void memory(App app, int pending) throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (Database database = Embedded.inMemory(app.tables());
                HetuServer server = HetuServer.start(app, database, loopback(), AdminConfig.defaults(), clock)) {
            GameTime time = server.gameTime();
            // Warm the paths once, so that the measured heap holds calls, not classes.
            schedule(database, time, PER_TRANSACTION, clock.instant().plusSeconds(7_200), Duration.ofMillis(1));
            long before = heapAfterGc();
            long started = System.nanoTime();
            schedule(database, time, pending, clock.instant().plusSeconds(3_600), Duration.ofMillis(1));
            double took = (System.nanoTime() - started) / 1e9;
            long after = heapAfterGc();
            double perCall = (after - before) / (double) pending;
            row("pending calls scheduled", String.format(Locale.ROOT, "%,d in %.1f s (%,.0f/s)", pending, took,
                    pending / took));
            row("heap per pending call beyond its row", String.format(Locale.ROOT, "%.1f bytes (row: %d bytes "
                    + "off-heap)", perCall, ScheduledCallRow.SIZE));
        }
    }

    private static void firing(App app, int rate, int seconds) throws Exception {
        Path dir = Files.createTempDirectory("hetu-time-bench");
        try (Database database = Embedded.open(dir, DurabilityConfig.defaults(), app.tables());
                HetuServer server = HetuServer.start(app, database, loopback(), AdminConfig.defaults(),
                        InstantSource.system())) {
            GameTime time = server.gameTime();
            int count = rate * seconds;
            Instant first = Instant.now().plusSeconds(10);
            long started = System.nanoTime();
            schedule(database, time, count, first, Duration.ofNanos(1_000_000_000L / rate));
            double took = (System.nanoTime() - started) / 1e9;
            if (Instant.now().isAfter(first)) {
                row("firing", "scheduling " + count + " calls took " + took + " s, past their first due time; "
                        + "run with a lower rate");
                return;
            }
            long waitUntil = System.nanoTime() + Duration.ofSeconds(seconds + 60).toNanos()
                    + Duration.between(Instant.now(), first).toNanos();
            while (time.fired() < count && System.nanoTime() < waitUntil) {
                Thread.sleep(20);
            }
            Instant done = Instant.now();
            double window = Duration.between(first, done).toNanos() / 1e9;
            Histogram late = time.lateness();
            row("firings (due at " + String.format(Locale.ROOT, "%,d", rate) + "/s for " + seconds + " s)",
                    String.format(Locale.ROOT, "%,d of %,d fired in %.2f s after the first was due (%,.0f/s)",
                            time.fired(), count, window, time.fired() / window));
            row("firing lateness p50 / p99 / max", String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms",
                    late.percentile(50) / 1e6, late.percentile(99) / 1e6, late.max() / 1e6));
        } finally {
            deleteTree(dir);
        }
    }

    private static void tick(App app, int seconds, boolean load) throws Exception {
        Path dir = Files.createTempDirectory("hetu-tick-bench");
        try (Database database = Embedded.open(dir, DurabilityConfig.defaults(), app.tables());
                HetuServer server = HetuServer.start(app, database, loopback(), AdminConfig.defaults(),
                        InstantSource.system())) {
            GameTime time = server.gameTime();
            String label;
            if (load) {
                String url = "ws://127.0.0.1:" + server.port() + "/hetu";
                BenchSettings settings = new BenchSettings(url, null, Workload.HELLO, 16, 8, 1, 2, seconds, 0, 0,
                        0, false);
                BenchResult result = LoadRun.run(settings, null);
                if (result.errors() > 0 || result.calls() == 0) {
                    throw new IllegalStateException("the hello-world load failed: " + result.toJson());
                }
                label = String.format(Locale.ROOT, "with hello world beside it (%,.0f calls/s)",
                        result.callsPerSecond());
            } else {
                Thread.sleep(seconds * 1000L);
                label = "idle server";
            }
            Histogram jitter = time.tickLateness();
            row("20 Hz tick jitter, " + label, String.format(Locale.ROOT,
                    "%,d runs: p50 %.2f / p99 %.2f / max %.2f ms, %d overruns", time.tickRuns(),
                    jitter.percentile(50) / 1e6, jitter.percentile(99) / 1e6, jitter.max() / 1e6, time.overruns()));
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
