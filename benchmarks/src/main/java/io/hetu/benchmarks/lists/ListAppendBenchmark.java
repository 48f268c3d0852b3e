package io.hetu.benchmarks.lists;

import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One committed append to a full list, each transaction on the in-memory backend: the append reads
 * the list, places the row, and evicts one row (the lowest score, possibly the new row itself, or
 * the oldest line), all in the one transaction. Results are in docs/BENCHMARKS.md (List tables).
 *
 * <ul>
 *   <li>{@code sortedAppend}: a 1,000-place leaderboard, random points;
 *   <li>{@code sortedAppendDistinct}: the same, de-duplicated by player (a player's new score
 *       replaces the old one; players drawn from 2,000, so about half the appends replace a row);
 *   <li>{@code sortedAppendCapacity100}: a 100-place leaderboard, to show how the cost grows with
 *       the list's size;
 *   <li>{@code listAppend}: a 1,000-line chat log, the oldest line evicted.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'io.hetu.benchmarks.lists.*'</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ListAppendBenchmark {

    private Database db;
    private final SplittableRandom random = new SplittableRandom(42);
    private long next;

    @Setup(Level.Trial)
    public void fill() {
        db = Embedded.inMemory(List.of(BoardTable.TABLE, PodiumTable.TABLE, FeedTable.TABLE));
        db.run(0, tx -> {
            for (int i = 0; i < 1000; i++) {
                tx.append(BoardTable.LIST, new Board(1, i, random.nextLong(1_000_000)));
                tx.append(FeedTable.LIST, new Feed(1, i, i));
            }
            for (int i = 0; i < 100; i++) {
                tx.append(PodiumTable.LIST, new Podium(1, i, random.nextLong(1_000_000)));
            }
        });
        if (db.transact(0, tx -> tx.size(BoardTable.LIST, 1)) != 1000 || db.transact(0, tx -> tx.size(FeedTable.LIST, 1))
                != 1000) {
            throw new IllegalStateException("the lists did not fill up");
        }
        next = 1000;
    }

    @TearDown(Level.Trial)
    public void close() {
        db.close();
    }

    @Benchmark
    public long sortedAppend() {
        Board row = new Board(1, next++, random.nextLong(1_000_000));
        return db.commit(0, tx -> tx.append(BoardTable.LIST, row));
    }

    @Benchmark
    public long sortedAppendDistinct() {
        Board row = new Board(1, random.nextInt(2000), random.nextLong(1_000_000));
        return db.commit(0, tx -> tx.appendDistinct(BoardTable.LIST, row, "player"));
    }

    @Benchmark
    public long sortedAppendCapacity100() {
        Podium row = new Podium(1, next++, random.nextLong(1_000_000));
        return db.commit(0, tx -> tx.append(PodiumTable.LIST, row));
    }

    @Benchmark
    public long listAppend() {
        Feed row = new Feed(1, next, next++);
        return db.commit(0, tx -> tx.append(FeedTable.LIST, row));
    }
}
