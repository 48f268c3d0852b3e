package io.hetu.benchmarks.storage;

import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.embedded.EmbeddedBackend;
import io.hetu.system.ConflictException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The storage benchmarks of docs/BENCHMARKS.md, run in one process so their ratios compare:
 * single-thread gets and upsert-commits, group commit with 64 committers under fsync always,
 * SpacetimeDB's transfer workload, memory per row, and recovery time.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.hetu.benchmarks.storage.StorageBenchmark [dataDir] [seconds] [sections]</pre>
 *
 * <p>{@code sections} is a comma-separated subset of {@code gets,group,transfer,memory,recovery}.
 */
public final class StorageBenchmark {

    private static final int ROWS = 1_000_000;

    private final Path base;
    private final int seconds;
    private final List<String[]> results = new ArrayList<>();

    private StorageBenchmark(Path base, int seconds) {
        this.base = base;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : "target/storage-bench");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> only = args.length > 2 ? List.of(args[2].split(",")) : List.of();
        StorageBenchmark bench = new StorageBenchmark(base, seconds);
        if (only.isEmpty() || only.contains("gets")) {
            bench.getsAndUpserts();
        }
        if (only.isEmpty() || only.contains("group")) {
            bench.groupCommit();
        }
        if (only.isEmpty() || only.contains("transfer")) {
            bench.transfers(0.0);
            bench.transfers(1.5);
        }
        if (only.isEmpty() || only.contains("memory")) {
            bench.memory();
        }
        if (only.isEmpty() || only.contains("recovery")) {
            bench.recovery();
        }
        bench.print();
    }

    private Path fresh(String name) throws IOException {
        Path dir = base.resolve(name);
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        return dir;
    }

    private static void fillSpots(Database db, int rows) {
        for (int from = 0; from < rows; from += 10_000) {
            int start = from;
            db.run(0, tx -> {
                for (int i = start; i < Math.min(rows, start + 10_000); i++) {
                    tx.insert(SpotTable.TABLE, new Spot(i, i, i + 1L));
                }
            });
        }
    }

    /** HeTu's "get" and "get+update" over 30,000 rows, single-threaded, fsync no. */
    private void getsAndUpserts() throws IOException {
        int rows = 30_000;
        try (Database db = Embedded.open(fresh("gets"), DurabilityConfig.defaults().withFsync(FsyncPolicy.NO),
                List.of(SpotTable.TABLE))) {
            fillSpots(db, rows);
            SplittableRandom random = new SplittableRandom(1);
            long[] keys = new long[1 << 16];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = random.nextInt(rows) + 1L;
            }
            double sink = 0;
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            long gets = 0;
            long start = System.nanoTime();
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 1024; i++) {
                    long key = keys[(int) (gets++ & (keys.length - 1))];
                    sink += db.transact(0, tx -> tx.getBy(SpotTable.OWNER, key).x());
                }
            }
            double getRate = gets / ((System.nanoTime() - start) / 1e9);
            record("get by unique key (1 thread, 30,000 rows)", getRate, "transactions/s", "target >= 2,000,000");

            long commits = 0;
            deadline = System.nanoTime() + seconds * 1_000_000_000L;
            start = System.nanoTime();
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 1024; i++) {
                    long key = keys[(int) (commits++ & (keys.length - 1))];
                    float value = i;
                    db.commit(0, tx -> tx.upsert(SpotTable.OWNER, key).x(value));
                }
            }
            double commitRate = commits / ((System.nanoTime() - start) / 1e9);
            record("upsert-commit: read one row, change one field (1 thread, fsync no)", commitRate, "commits/s",
                    "target >= 500,000");
            if (sink == 42) {
                System.out.println();
            }
        }
    }

    /** 64 threads committing under fsync always: what group commit buys. */
    private void groupCommit() throws Exception {
        try (Database db = Embedded.open(fresh("group"), DurabilityConfig.defaults().withFsync(FsyncPolicy.ALWAYS),
                List.of(SpotTable.TABLE))) {
            fillSpots(db, 64 * 1000);
            long[] counts = runThreads(64, (thread, stop, count) -> {
                long owner = thread * 1000L + 1;
                int i = 0;
                while (!stop.get()) {
                    long key = owner + (i++ % 1000);
                    db.transact(0, tx -> tx.upsert(SpotTable.OWNER, key).y(1f));
                    count.incrementAndGet();
                }
            });
            record("group commit, fsync always, 64 committers", counts[0] / (double) seconds, "commits/s",
                    "target >= 100,000; disk: " + disk());
        }
    }

    /** SpacetimeDB's transfer workload: 100,000 accounts, Zipf-skewed picks, 2 threads. */
    private void transfers(double alpha) throws Exception {
        int accounts = 100_000;
        try (Database db = Embedded.open(fresh("transfer"), DurabilityConfig.defaults().withFsync(FsyncPolicy.NO),
                List.of(WalletTable.TABLE))) {
            for (int from = 0; from < accounts; from += 10_000) {
                int start = from;
                db.run(0, tx -> {
                    for (int i = start; i < start + 10_000; i++) {
                        tx.insert(WalletTable.TABLE, new Wallet(i, 1_000_000));
                    }
                });
            }
            Zipf zipf = new Zipf(accounts, alpha);
            AtomicLong attempts = new AtomicLong();
            AtomicLong gaveUp = new AtomicLong();
            long[] counts = runThreads(2, (thread, stop, count) -> {
                SplittableRandom random = new SplittableRandom(thread + 7);
                while (!stop.get()) {
                    long from = zipf.sample(random);
                    long to = zipf.sample(random);
                    if (from == to) {
                        continue;
                    }
                    try {
                        db.commit(100, tx -> {
                            attempts.incrementAndGet();
                            var payer = tx.upsert(WalletTable.OWNER, from);
                            var payee = tx.upsert(WalletTable.OWNER, to);
                            if (payer.balance() >= 10) {
                                payer.balance(payer.balance() - 10);
                                payee.balance(payee.balance() + 10);
                            }
                        });
                        count.incrementAndGet();
                    } catch (ConflictException e) {
                        gaveUp.incrementAndGet();
                    }
                }
            });
            long commits = counts[0];
            double retryRate = (attempts.get() - commits) / (double) Math.max(1, commits);
            record(String.format(Locale.ROOT, "transfer, 100,000 accounts, Zipf alpha %.1f (2 threads)", alpha),
                    commits / (double) seconds, "commits/s",
                    String.format(Locale.ROOT, "%.4f retries per commit; %d gave up", retryRate, gaveUp.get()));
        }
    }

    /** All-in bytes per row for 1,000,000 Spot rows with the unique owner index. */
    private void memory() throws IOException {
        System.gc();
        long heapBefore = usedHeap();
        try (Database db = Embedded.inMemory(List.of(SpotTable.TABLE))) {
            fillSpots(db, ROWS);
            EmbeddedBackend backend = (EmbeddedBackend) db.backend();
            System.gc();
            long heap = usedHeap() - heapBefore;
            double perRow = backend.allocatedBytes() / (double) ROWS;
            record("memory: 1,000,000 Position rows + unique owner index", perRow, "bytes/row",
                    "target <= 64; off-heap rows plus index structures as allocated; heap grew "
                            + String.format(Locale.ROOT, "%.1f", heap / (double) ROWS) + " B/row");
            System.out.println(backend.memoryReport());
        }
    }

    /** Recovery of 1,000,000 rows from a snapshot plus 1,000,000 log records after it. */
    private void recovery() throws IOException {
        Path dir = fresh("recovery");
        DurabilityConfig config = DurabilityConfig.defaults().withFsync(FsyncPolicy.NO);
        try (Database db = Embedded.open(dir, config, List.of(SpotTable.TABLE))) {
            fillSpots(db, ROWS);
            ((EmbeddedBackend) db.backend()).snapshot();
            for (int i = 0; i < ROWS; i++) {
                long key = i + 1L;
                db.commit(0, tx -> tx.upsert(SpotTable.OWNER, key).y(-1f));
            }
        }
        long start = System.nanoTime();
        try (Database db = Embedded.open(dir, config, List.of(SpotTable.TABLE))) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            float y = db.transact(0, tx -> tx.getBy(SpotTable.OWNER, ROWS).y());
            if (y != -1f) {
                throw new IllegalStateException("recovery lost the last update");
            }
            record("recovery: snapshot of 1,000,000 rows + 1,000,000 log records", elapsed, "s", "target <= 5");
        }
    }

    private interface Worker {
        void run(int thread, AtomicBoolean stop, AtomicLong count) throws Exception;
    }

    private long[] runThreads(int threads, Worker worker) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong count = new AtomicLong();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    worker.run(thread, stop, count);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        long atStop = count.get();
        for (Thread thread : started) {
            thread.join();
        }
        return new long[] {atStop};
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private String disk() {
        try {
            Process df = new ProcessBuilder("df", "-h", "--output=source,fstype", base.toAbsolutePath().toString())
                    .redirectErrorStream(true).start();
            List<String> lines = new String(df.getInputStream().readAllBytes()).lines().toList();
            return lines.size() > 1 ? lines.get(1).trim().replaceAll("\\s+", " ") : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void record(String name, double value, String unit, String note) {
        String shown = value >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
        results.add(new String[] {name, shown, unit, note});
        System.out.printf(Locale.ROOT, "%-75s %15s %-15s %s%n", name, shown, unit, note);
    }

    private void print() {
        System.out.println();
        System.out.println("| benchmark | result | unit | note |");
        System.out.println("|---|---:|---|---|");
        for (String[] row : results) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
    }

    /** Samples 0..n-1 with probability proportional to 1/(k+1)^alpha (alpha 0 is uniform). */
    private static final class Zipf {
        private final double[] cumulative;

        Zipf(int n, double alpha) {
            cumulative = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1 / Math.pow(k + 1, alpha);
                cumulative[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                cumulative[k] /= sum;
            }
        }

        long sample(SplittableRandom random) {
            double u = random.nextDouble();
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
