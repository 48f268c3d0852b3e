package io.hetu.benchmarks.redis;

import io.hetu.redis.Redis;
import io.hetu.redis.RedisConfig;
import io.hetu.storage.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Redis backend under HeTu's get and get+update workloads (a row found by its unique key over
 * 30,000 rows; get+update also bumps it), through one backend instance and through two sharing
 * the same Redis, beside {@code redis-benchmark -t get,set} against the same server in the same
 * run, so the ratios compare. Results: docs/BENCHMARKS.md (Redis backend).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.hetu.benchmarks.redis.RedisBenchmark 127.0.0.1:6379 [seconds] [clients]</pre>
 *
 * <p>{@code clients} (default 16) is the number of calling threads, split evenly between the
 * instances, and redis-benchmark's {@code -c}. Each measurement runs a third of its time again
 * first as a warm-up. The database is a fresh name on that Redis, left behind afterwards.
 */
public final class RedisBenchmark {

    private static final int ROWS = 30_000;
    /** Transaction bodies run, retries included. */
    private static final LongAdder ATTEMPTS = new LongAdder();

    private record Result(String name, double perSecond, long p50Micros, long p99Micros, long retries) {}

    @FunctionalInterface
    private interface Call {
        void run(Database db, long owner);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !args[0].contains(":")) {
            System.err.println("usage: RedisBenchmark <host:port> [seconds] [clients]");
            System.exit(2);
        }
        String host = args[0].substring(0, args[0].lastIndexOf(':'));
        int port = Integer.parseInt(args[0].substring(args[0].lastIndexOf(':') + 1));
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        RedisConfig config = RedisConfig.of(host, port, "bench-" + ProcessHandle.current().pid());

        List<Result> results = new ArrayList<>();
        try (Database first = Redis.open(config, List.of(CounterTable.TABLE));
                Database second = Redis.open(config, List.of(CounterTable.TABLE))) {
            System.out.println("Loading " + ROWS + " rows into " + config.display());
            for (int from = 0; from < ROWS; from += 1_000) {
                int start = from;
                first.run(0, tx -> {
                    for (int owner = start; owner < start + 1_000; owner++) {
                        tx.insert(CounterTable.TABLE, new Counter(owner, 0));
                    }
                });
            }
            Call get = (db, owner) -> db.transact(0, tx -> {
                ATTEMPTS.increment();
                return tx.getBy(CounterTable.OWNER, owner).value();
            });
            Call getUpdate = (db, owner) -> db.run(1_000, tx -> {
                ATTEMPTS.increment();
                CounterRow row = tx.getBy(CounterTable.OWNER, owner);
                tx.update(CounterTable.TABLE, tx.id(row)).value(row.value() + 1);
            });
            results.add(measure("get, 1 instance", List.of(first), clients, seconds, get));
            results.add(measure("get, 2 instances", List.of(first, second), clients, seconds, get));
            results.add(measure("get+update, 1 instance", List.of(first), clients, seconds, getUpdate));
            results.add(measure("get+update, 2 instances", List.of(first, second), clients, seconds, getUpdate));
        }
        double[] redis = redisBenchmark(host, port, clients);

        System.out.println();
        System.out.println("| workload | calls/s | p50 µs | p99 µs | retries | vs redis-benchmark GET |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %d | %d | %d | %s |%n", r.name(), r.perSecond(), r.p50Micros(),
                    r.p99Micros(), r.retries(), redis == null ? "n/a" : String.format(Locale.ROOT, "%.3f",
                            r.perSecond() / redis[0]));
        }
        if (redis != null) {
            System.out.printf(Locale.ROOT, "| redis-benchmark GET (-c %d) | %,.0f | | | | 1.000 |%n", clients, redis[0]);
            System.out.printf(Locale.ROOT, "| redis-benchmark SET (-c %d) | %,.0f | | | | %.3f |%n", clients, redis[1],
                    redis[1] / redis[0]);
        }
    }

    /** Calls on {@code clients} threads spread over the instances; returns calls per second and latencies. */
    private static Result measure(String name, List<Database> instances, int clients, int seconds, Call call)
            throws InterruptedException {
        run(instances, clients, Math.max(1, seconds / 3), call, null);
        ATTEMPTS.reset();
        long[][] latencies = new long[clients][];
        long count = run(instances, clients, seconds, call, latencies);
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        Result result = new Result(name, count / (double) seconds, all[all.length / 2] / 1_000,
                all[(int) (all.length * 0.99)] / 1_000, ATTEMPTS.sum() - all.length);
        System.out.printf(Locale.ROOT, "%-26s %,10.0f calls/s%n", name, result.perSecond());
        return result;
    }

    private static long run(List<Database> instances, int clients, int seconds, Call call, long[][] latencies)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        CountDownLatch finished = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Database db = instances.get(c % instances.size());
            Thread.ofPlatform().daemon().start(() -> {
                SplittableRandom random = new SplittableRandom(client);
                long[] times = new long[1 << 16];
                int n = 0;
                try {
                    while (!stop.get()) {
                        long began = System.nanoTime();
                        call.run(db, random.nextInt(ROWS));
                        if (latencies != null) {
                            if (n == times.length) {
                                times = Arrays.copyOf(times, n * 2);
                            }
                            times[n++] = System.nanoTime() - began;
                        }
                        done.increment();
                    }
                } finally {
                    if (latencies != null) {
                        latencies[client] = Arrays.copyOf(times, n);
                    }
                    finished.countDown();
                }
            });
        }
        Thread.sleep(seconds * 1_000L);
        long count = done.sum();
        stop.set(true);
        finished.await();
        return count;
    }

    /** {@code redis-benchmark -t get,set}'s GET and SET requests per second, or null without it. */
    private static double[] redisBenchmark(String host, int port, int clients) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("redis-benchmark", "-h", host, "-p", Integer.toString(port), "-t", "get,set",
                    "-n", "400000", "-c", Integer.toString(clients), "-q").redirectErrorStream(true).start();
        } catch (IOException e) {
            System.out.println("redis-benchmark is not installed (apt-get install redis-tools); no baseline");
            return null;
        }
        double[] rates = new double[2];
        Pattern line = Pattern.compile("(GET|SET): ([0-9.]+) requests per second");
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String text;
            while ((text = reader.readLine()) != null) {
                // -q rewrites its progress line with carriage returns; the result follows the last one.
                String last = text.substring(text.lastIndexOf('\r') + 1);
                Matcher m = line.matcher(last);
                if (m.find()) {
                    rates[m.group(1).equals("GET") ? 0 : 1] = Double.parseDouble(m.group(2));
                    System.out.println("redis-benchmark " + last.trim());
                }
            }
        }
        process.waitFor();
        return rates;
    }
}
