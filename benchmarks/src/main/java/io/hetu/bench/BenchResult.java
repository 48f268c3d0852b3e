package io.hetu.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one bench run measured. Rates are per second of the measured interval; the server's figures
 * come from its stats route over the same interval.
 *
 * @param settings the run's settings
 * @param seconds the measured interval
 * @param calls replies received in it
 * @param errors rejected calls and connection failures in it
 * @param latency call round trips, from send to reply
 * @param pushes changes pushed to subscribers (push workload)
 * @param pushLatency from the server's clock just before the commit to the subscriber's receipt
 * @param server the server's counters over the interval, or null without a stats route
 * @param clientCpuNanos CPU time the bench process used in the server's interval
 * @param firstError the first error seen, or null
 * @param totalBalance the sum of all accounts after a transfer run, or null
 */
public record BenchResult(BenchSettings settings, double seconds, long calls, long errors, Latency latency,
        long pushes, Latency pushLatency, Server server, long clientCpuNanos, String firstError, Long totalBalance) {

    /** The sum every transfer run must leave behind (the bench app's 100,000 accounts of 1,000). */
    public static final long EXPECTED_TOTAL_BALANCE = 100_000L * 1_000L;

    /** Percentiles in nanoseconds. */
    public record Latency(long count, long p50, long p90, long p99, long max) {
        static Latency of(Histogram histogram) {
            return new Latency(histogram.getTotalCount(), histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99), histogram.getMaxValue());
        }
    }

    /** The server's CPU time, calls and conflict retries over {@code seconds}, about the measured interval. */
    public record Server(long cpuNanos, long calls, long retries, double seconds) {}

    public double callsPerSecond() {
        return calls / seconds;
    }

    public double pushesPerSecond() {
        return pushes / seconds;
    }

    /** Server CPU microseconds per call (per push for the push workload), or NaN when unknown. */
    public double serverCpuMicrosPerOp() {
        long ops = settings.workload() == Workload.PUSH ? pushes : server == null ? 0 : server.calls();
        return server == null || ops == 0 ? Double.NaN : server.cpuNanos() / 1e3 / ops;
    }

    /** Server CPU used, in cores (1.0 is one hardware thread busy all the time), or NaN. */
    public double serverCores() {
        return server == null ? Double.NaN : server.cpuNanos() / 1e9 / server.seconds();
    }

    public double clientCores() {
        return server == null ? Double.NaN : clientCpuNanos / 1e9 / server.seconds();
    }

    /** Conflict retries per call, or NaN when unknown. */
    public double retriesPerCall() {
        return server == null || server.calls() == 0 ? Double.NaN : (double) server.retries() / server.calls();
    }

    public boolean balanceKept() {
        return totalBalance == null || totalBalance == EXPECTED_TOTAL_BALANCE;
    }

    public ObjectNode toJson() {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("workload", settings.workload().label());
        json.put("url", settings.url());
        json.put("connections", settings.connections());
        json.put("inFlight", settings.inFlight());
        json.put("clientThreads", settings.threads());
        json.put("warmupSeconds", settings.warmupSeconds());
        json.put("seconds", seconds);
        if (settings.workload() == Workload.TRANSFER) {
            json.put("zipfAlpha", settings.zipfAlpha());
            json.put("totalBalance", totalBalance);
            json.put("balanceKept", balanceKept());
        }
        json.put("calls", calls);
        json.put("callsPerSecond", callsPerSecond());
        json.put("errors", errors);
        json.set("latencyMicros", latencyJson(latency));
        if (settings.workload() == Workload.PUSH) {
            json.put("updatesPerSecondAsked", settings.pushRate());
            json.put("rangeRows", settings.pushRange());
            json.put("pushes", pushes);
            json.put("pushesPerSecond", pushesPerSecond());
            json.set("pushLatencyMicros", latencyJson(pushLatency));
        }
        if (server != null) {
            ObjectNode node = json.putObject("server");
            node.put("cpuSeconds", server.cpuNanos() / 1e9);
            node.put("cores", serverCores());
            node.put("calls", server.calls());
            node.put("retries", server.retries());
            node.put("retriesPerCall", retriesPerCall());
            node.put("cpuMicrosPerOp", serverCpuMicrosPerOp());
        }
        json.put("clientCores", clientCores());
        json.put("firstError", firstError);
        return json;
    }

    private static ObjectNode latencyJson(Latency latency) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("p50", latency.p50() / 1e3);
        node.put("p90", latency.p90() / 1e3);
        node.put("p99", latency.p99() / 1e3);
        node.put("max", latency.max() / 1e3);
        return node;
    }

    /** A few lines for people. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %d connection(s) x %d in flight, %.1f s measured after %.1f s "
                + "warm-up%n", settings.workload().label(), settings.connections(), settings.inFlight(), seconds,
                settings.warmupSeconds()));
        out.append(String.format(Locale.ROOT, "  calls      %,d (%,.0f/s), errors %d%n", calls, callsPerSecond(),
                errors));
        out.append(line("  latency   ", latency));
        if (settings.workload() == Workload.PUSH) {
            out.append(String.format(Locale.ROOT, "  pushes     %,d (%,.0f/s) for %d updates/s asked%n", pushes,
                    pushesPerSecond(), settings.pushRate()));
            out.append(line("  commit to client", pushLatency));
        }
        if (server != null) {
            out.append(String.format(Locale.ROOT, "  server     %.2f cores, %.2f µs CPU per %s, %d retries "
                    + "(%.4f per call)%n", serverCores(), serverCpuMicrosPerOp(),
                    settings.workload() == Workload.PUSH ? "push" : "call", server.retries(), retriesPerCall()));
        }
        out.append(String.format(Locale.ROOT, "  client     %.2f cores%n", clientCores()));
        if (totalBalance != null) {
            out.append(String.format(Locale.ROOT, "  balance    %,d after the run (%s)%n", totalBalance,
                    balanceKept() ? "kept" : "NOT KEPT: expected " + EXPECTED_TOTAL_BALANCE));
        }
        if (firstError != null) {
            out.append("  first error: ").append(firstError).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String line(String label, Latency latency) {
        return String.format(Locale.ROOT, "%s p50 %.1f µs, p90 %.1f µs, p99 %.1f µs, max %.1f µs%n", label,
                latency.p50() / 1e3, latency.p90() / 1e3, latency.p99() / 1e3, latency.max() / 1e3);
    }
}
