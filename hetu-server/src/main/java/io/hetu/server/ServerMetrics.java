package io.hetu.server;

import io.hetu.storage.Database;
import io.hetu.storage.durability.Durability;
import io.hetu.storage.durability.DurabilityObserver;
import io.hetu.storage.durability.RecoveryReport;
import io.hetu.storage.spi.ChangeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.hetu.server.time.Histogram;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The server's metrics, kept with Micrometer and served in the Prometheus text format at
 * {@code GET /metrics} (docs/OPERATIONS.md lists them). One registry per server, so that several
 * servers in one JVM keep their own.
 *
 * <p>Calls are measured as the network sees them ({@link ConnectionMetrics}: from the CALL frame
 * to its RESULT or REJECTED frame, durability wait included); any call path may report a call
 * itself through {@link #calledSystem}.
 */
public final class ServerMetrics implements ChangeListener, DurabilityObserver, AutoCloseable {

    /** The label of calls to a system id the app does not have, so that clients cannot mint labels. */
    static final String UNKNOWN_SYSTEM = "(unknown)";

    private static final Duration[] CALL_BUCKETS = millis(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500,
            1000, 2500);
    private static final Duration[] FSYNC_BUCKETS = millis(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000);
    private static final Duration[] SNAPSHOT_BUCKETS = millis(10, 50, 100, 500, 1000, 5000, 10_000, 30_000, 60_000,
            300_000);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ConcurrentHashMap<String, Timer> callTimers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> conflicts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> disconnects = new ConcurrentHashMap<>();
    private final Counter commits;
    private final Counter pushes;
    private final Counter pushBytes;
    private final Counter connectionsOpened;
    private final Timer fsyncs;
    private final Timer snapshots;
    private final AtomicLong snapshotBytes = new AtomicLong();
    private final AtomicLong snapshotSeq = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong subscriptions = new AtomicLong();
    /** Each system's call latencies since the start, for the admin console's percentiles. */
    private final ConcurrentHashMap<String, Histogram> latencies = new ConcurrentHashMap<>();
    /** Every call's latency since the console's sampler last took it ({@link #nextWindow}). */
    private volatile Histogram window = new Histogram();
    /** The system whose CALL the event loop thread is handling, for {@link #attempts}. */
    private final ThreadLocal<String> calling = new ThreadLocal<>();

    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        commits = Counter.builder("hetu.commits").description("Commits made durable and published").register(registry);
        pushes = Counter.builder("hetu.pushes").description("UPDATE frames sent to subscribers").register(registry);
        pushBytes = Counter.builder("hetu.push.bytes").baseUnit("bytes").description("Bytes of UPDATE frames sent")
                .register(registry);
        connectionsOpened = Counter.builder("hetu.connections.opened").description("WebSocket connections accepted")
                .register(registry);
        Gauge.builder("hetu.connections", connections, AtomicLong::get).description("Open WebSocket connections")
                .register(registry);
        Gauge.builder("hetu.subscriptions", subscriptions, AtomicLong::get)
                .description("Subscriptions of the open connections").register(registry);
        fsyncs = Timer.builder("hetu.wal.fsync").description("fsync of the write-ahead log")
                .serviceLevelObjectives(FSYNC_BUCKETS).register(registry);
        snapshots = Timer.builder("hetu.snapshot").description("Writing and publishing a snapshot")
                .serviceLevelObjectives(SNAPSHOT_BUCKETS).register(registry);
        Gauge.builder("hetu.snapshot.size", snapshotBytes, AtomicLong::get).baseUnit("bytes")
                .description("Size of the last snapshot published").register(registry);
        Gauge.builder("hetu.snapshot.seq", snapshotSeq, AtomicLong::get)
                .description("Commit seq of the last snapshot published").register(registry);
    }

    /** Counts commits and, for an embedded data directory, fsyncs, snapshots and the recovery. */
    void watch(Database database, Durability durability) {
        database.addChangeListener(this);
        Gauge.builder("hetu.commit.seq", database, d -> d.backend().lastSeq()).description("The latest commit seq")
                .register(registry);
        if (durability != null) {
            durability.observe(this);
            RecoveryReport recovery = durability.recovery();
            gauge("hetu.recovery.seconds", "How long the last start took to recover the data directory", recovery,
                    r -> r.elapsed().toNanos() / 1e9);
            gauge("hetu.recovery.records", "Log records replayed at the last start", recovery,
                    RecoveryReport::recordsReplayed);
            gauge("hetu.recovery.rows", "Snapshot rows loaded at the last start", recovery, RecoveryReport::rowsLoaded);
            snapshotSeq.set(durability.snapshotSeq());
        }
    }

    /** Reports game time: pending, fired and failed scheduled calls, tick runs and overruns. */
    void watch(io.hetu.server.time.GameTime time) {
        gauge("hetu.scheduled.pending", "Scheduled calls and ticks pending", time,
                io.hetu.server.time.GameTime::pending);
        io.micrometer.core.instrument.FunctionCounter.builder("hetu.scheduled.fired", time,
                io.hetu.server.time.GameTime::fired).description("Scheduled calls fired").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("hetu.scheduled.failed", time,
                io.hetu.server.time.GameTime::failed).description("Scheduled calls whose system failed")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("hetu.tick.runs", time,
                io.hetu.server.time.GameTime::tickRuns).description("Runs of ticks").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("hetu.tick.overruns", time,
                io.hetu.server.time.GameTime::overruns).description("Tick runs that started after the next was due")
                .register(registry);
        gauge("hetu.scheduled.lateness.p99", "p99 lateness of fired scheduled calls, in seconds", time,
                t -> t.lateness().percentile(99) / 1e9);
        gauge("hetu.tick.lateness.p99", "p99 lateness of tick runs, in seconds", time,
                t -> t.tickLateness().percentile(99) / 1e9);
    }

    /** Reports the bytes waiting to be sent to clients, summed over the open connections. */
    void queuedBytes(ToDoubleFunction<ServerMetrics> sum) {
        Gauge.builder("hetu.outbound.queued", this, sum).baseUnit("bytes")
                .description("Bytes waiting to be sent to clients").register(registry);
    }

    private <T> void gauge(String name, String description, T state, ToDoubleFunction<T> value) {
        Gauge.builder(name, state, value).description(description).register(registry);
    }

    /**
     * One call of a system, from its request to its answer: {@code outcome} is {@code OK} or the
     * rejection code (the app's own, or one of docs/PROTOCOL.md's).
     */
    public void calledSystem(String system, long nanos, String outcome) {
        callTimers.computeIfAbsent(system, s -> Timer.builder("hetu.system.call").tag("system", s)
                .description("Calls of a system, from the CALL frame to its answer")
                .serviceLevelObjectives(CALL_BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        outcomes.computeIfAbsent(system + '\0' + outcome, k -> Counter.builder("hetu.system.outcomes")
                .tag("system", system).tag("outcome", outcome)
                .description("Answered calls of a system by outcome: OK or the rejection code").register(registry))
                .increment();
        latencies.computeIfAbsent(system, s -> new Histogram()).record(nanos);
        window.record(nanos);
    }

    /** What the admin console shows of one system: its calls, latency, conflict retries and outcomes. */
    record SystemCounts(String system, long calls, long p50Nanos, long p99Nanos, long maxNanos, long conflicts,
            Map<String, Long> outcomes) {}

    /** Every system called since the start, by name. */
    List<SystemCounts> systems() {
        Map<String, Map<String, Long>> byOutcome = new TreeMap<>();
        outcomes.forEach((key, counter) -> {
            int split = key.indexOf('\0');
            byOutcome.computeIfAbsent(key.substring(0, split), k -> new TreeMap<>())
                    .put(key.substring(split + 1), (long) counter.count());
        });
        List<SystemCounts> systems = new ArrayList<>();
        byOutcome.forEach((system, counts) -> {
            Histogram latency = latencies.getOrDefault(system, new Histogram());
            Counter retried = conflicts.get(system);
            systems.add(new SystemCounts(system, latency.count(), latency.percentile(50), latency.percentile(99),
                    latency.max(), retried == null ? 0 : (long) retried.count(), counts));
        });
        return systems;
    }

    /** The latencies of the calls answered since the last time this was called; a new window begins. */
    Histogram nextWindow() {
        Histogram last = window;
        window = new Histogram();
        return last;
    }

    /** Commits made durable and published since the start. */
    long commits() {
        return (long) commits.count();
    }

    /** The event loop starts or ends handling a CALL of {@code system} (null: ends). */
    void calling(String system) {
        if (system == null) {
            calling.remove();
        } else {
            calling.set(system);
        }
    }

    /** A call's transaction ran {@code attempts} times: all but the first were retries after a conflict. */
    void attempts(int attempts) {
        String system = calling.get();
        if (attempts > 1 && system != null) {
            conflicts.computeIfAbsent(system, s -> Counter.builder("hetu.system.conflicts").tag("system", s)
                    .description("Transactions of a system run again after a conflict").register(registry))
                    .increment(attempts - 1);
        }
    }

    void pushed(int bytes) {
        pushes.increment();
        pushBytes.increment(bytes);
    }

    void connected() {
        connections.incrementAndGet();
        connectionsOpened.increment();
    }

    /** A WebSocket connection closed: {@code reason} is the code of the ERROR it was sent, or {@code CLIENT}. */
    void disconnected(String reason) {
        connections.decrementAndGet();
        disconnects.computeIfAbsent(reason, r -> Counter.builder("hetu.disconnects").tag("reason", r)
                .description("Closed WebSocket connections by reason").register(registry)).increment();
    }

    @Override
    public void onCommit(io.hetu.storage.spi.ChangeSet changes) {
        commits.increment();
    }

    @Override
    public void fsynced(long nanos) {
        fsyncs.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void snapshotPublished(long seq, long bytes, long nanos) {
        snapshots.record(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.set(bytes);
        snapshotSeq.set(seq);
    }

    /** The Prometheus text exposition format, version 0.0.4. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static Duration[] millis(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos((long) (values[i] * 1_000_000));
        }
        return durations;
    }
}
