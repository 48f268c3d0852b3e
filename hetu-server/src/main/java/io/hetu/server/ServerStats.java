package io.hetu.server;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters a server keeps for benchmarks and operators: calls answered, and how many times their
 * transactions ran again after a conflict. Served with the process's CPU time as JSON by
 * {@link StatsRoute} at {@code GET <path>/stats}.
 */
public final class ServerStats {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final LongAdder calls = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private volatile ServerMetrics metrics;
    private volatile io.hetu.server.time.GameTime gameTime;

    void gameTime(io.hetu.server.time.GameTime time) {
        this.gameTime = time;
    }

    /** Also tells {@code metrics} of every call's attempts, as conflicts of the system being called. */
    void report(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Counts one call whose transaction ran {@code attempts} times (1 when it did not conflict). */
    public void called(int attempts) {
        calls.increment();
        if (attempts > 1) {
            retries.add(attempts - 1);
        }
        ServerMetrics listener = metrics;
        if (listener != null) {
            listener.attempts(attempts);
        }
    }

    public long calls() {
        return calls.sum();
    }

    public long retries() {
        return retries.sum();
    }

    /** CPU time used by this whole process (all threads, user and system), in nanoseconds. */
    public static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * {@code {"processCpuNanos":…,"calls":…,"retries":…,"processors":…,"scheduled":{…}}}, the last
     * from {@link io.hetu.server.time.GameTime#json()}.
     */
    byte[] json() {
        return ("{\"processCpuNanos\":" + processCpuNanos() + ",\"calls\":" + calls() + ",\"retries\":" + retries()
                + ",\"processors\":" + Runtime.getRuntime().availableProcessors()
                + (gameTime == null ? "" : ",\"scheduled\":" + gameTime.json()) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
