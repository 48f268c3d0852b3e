package io.hetu.bench;

/**
 * One bench run, as {@code hetu bench} options give it.
 *
 * @param url the WebSocket endpoint
 * @param statsUrl the server's stats route; null for {@code <url>/stats}, "none" for none
 * @param workload what to call
 * @param connections connections that call (or, for push, subscribe)
 * @param inFlight calls outstanding per calling connection (for push: the writer's cap)
 * @param threads client event-loop threads
 * @param warmupSeconds seconds of load before measuring
 * @param seconds seconds measured
 * @param zipfAlpha the skew of the transfer workload's account picks (0: uniform)
 * @param pushRate updates per second the push workload's writer makes
 * @param pushRange rows in each push subscriber's range
 * @param once whether each calling connection logs in and sends CALL_ONCE, which the server remembers
 */
public record BenchSettings(String url, String statsUrl, Workload workload, int connections, int inFlight,
        int threads, double warmupSeconds, double seconds, double zipfAlpha, int pushRate, int pushRange,
        boolean once) {

    public BenchSettings {
        if (connections < 1 || inFlight < 1 || threads < 1) {
            throw new IllegalArgumentException("--connections, --in-flight and --threads must be at least 1");
        }
        if (inFlight >= Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("--in-flight must be below " + Integer.MAX_VALUE / 2);
        }
        if (warmupSeconds < 0 || !(seconds > 0)) {
            throw new IllegalArgumentException("--warmup must be >= 0 and --duration > 0 seconds");
        }
        if (once && workload == Workload.ECHO) {
            throw new IllegalArgumentException("--once needs a HeTu server: the echo server has no login");
        }
        if (zipfAlpha < 0) {
            throw new IllegalArgumentException("--zipf must be >= 0 (0 is uniform), was " + zipfAlpha);
        }
        if (workload == Workload.PUSH) {
            if (pushRate < 1 || pushRange < 1) {
                throw new IllegalArgumentException("--rate and --range must be at least 1 for the push workload");
            }
            if ((long) connections * pushRange > Workload.SLOTS) {
                throw new IllegalArgumentException("push: --connections x --range = " + (long) connections * pushRange
                        + " rows, but the bench app has " + Workload.SLOTS + "; lower one of them");
            }
        }
    }
}
