package io.hetu.bench;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code hetu bench} ({@code java -jar hetu-bench.jar}): drives a running server with one workload
 * and reports what it measured.
 */
@Command(name = "hetu-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Load a running HeTu server (started with the bench app, samples/bench-app) or the bare echo "
                    + "server over WebSocket, and report calls/s, round-trip percentiles, errors, conflict "
                    + "retries and the server's CPU time per call.",
            "",
            "Workloads: hello (returns a constant), get (one read among 30,000 rows), get-update (read and "
                    + "write one row), get2-update2 (two reads, two writes, two components), transfer (between "
                    + "two of 100,000 accounts, skewed with --zipf; the total is checked afterwards), push "
                    + "(--connections subscribers each hold --range rows; one more connection writes --rate "
                    + "updates/s; reports pushes/s and commit-to-client latency, which needs server and bench on "
                    + "one machine), echo (the same frames as hello, against io.hetu.bench.EchoServer).",
            "",
            "The server's CPU time and retries come from its stats route (GET <endpoint>/stats). Its call "
                    + "rate limit must allow the load: start it with HETU_LIMITS_CALLS_PER_SECOND=1000000000."
        })
public final class BenchCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Option(names = "--url", defaultValue = "ws://127.0.0.1:2466/hetu",
            description = "The server's WebSocket endpoint (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = {"-w", "--workload"}, defaultValue = "hello",
            description = "hello | get | get-update | get2-update2 | transfer | push | echo (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = {"-n", "--connections"}, defaultValue = "16",
            description = "Connections that call, or subscribers for push (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-p", "--in-flight"}, defaultValue = "8",
            description = "Calls outstanding per connection; for push, the writer's cap (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = {"-t", "--duration"}, defaultValue = "10",
            description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", defaultValue = "3",
            description = "Seconds of load before measuring, for the JIT and caches (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--threads", defaultValue = "1",
            description = "Client event-loop threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--zipf", defaultValue = "0",
            description = "transfer: skew of the account picks, Zipf alpha; 0 is uniform, 1.5 a few hot accounts "
                    + "(default: ${DEFAULT-VALUE}).")
    double zipf;

    @Option(names = "--rate", defaultValue = "1000",
            description = "push: updates per second the writer makes (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--range", defaultValue = "10",
            description = "push: rows in each subscriber's range (default: ${DEFAULT-VALUE}).")
    int range;

    @Option(names = "--stats",
            description = "The server's stats route (default: the endpoint + /stats); 'none' to run without "
                    + "server CPU and retries.")
    String stats;

    @Option(names = "--once", description = "Each calling connection logs in (as its own user) and sends its calls "
            + "as CALL_ONCE, whose outcomes the server remembers: the cost of calls that run once.")
    boolean once;

    @Option(names = "--json", description = "Print the result as one JSON object, for scripts. The exit code is "
            + "0 when there were no errors (and transfer kept the total), 1 otherwise, 2 when the run failed.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No live progress line (it goes to stderr).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            settings = new BenchSettings(url, stats, Workload.of(workload), connections, inFlight, threads, warmup,
                    duration, zipf, rate, range, once);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        BenchResult result;
        try {
            result = LoadRun.run(settings, quiet ? null : System.err);
        } catch (IOException e) {
            System.err.println("hetu bench: " + e.getMessage());
            return 2;
        }
        System.out.println(json ? result.toJson().toString() : result.toText());
        return result.errors() == 0 && result.balanceKept() ? 0 : 1;
    }
}
