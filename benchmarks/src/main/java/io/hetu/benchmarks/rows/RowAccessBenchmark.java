package io.hetu.benchmarks.rows;

import io.hetu.schema.Layouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Row access through the generated {@link PositionRow} flyweight against plain-Java layouts of
 * the same 1,000,000 rows.
 *
 * <p>Benchmark names are {@code <operation>_<representation>}, so JMH's sorted output puts the
 * representations of one operation next to each other:
 * <ul>
 *   <li>{@code scan}: one full pass over all rows summing {@code (long) x + owner}; the score is
 *       the time of one whole pass.
 *   <li>{@code read}: one row picked at random from all 1,000,000 rows, two fields read; the
 *       score is the time of one access. The table (16 MB off-heap) is larger than L2, so this
 *       is mostly the cost of an L3 or memory access.
 *   <li>{@code readHot}: the same, but the rows are picked from the first 16,384 (256 KiB, which
 *       stays in L2), so the score is mostly the cost of the access code itself.
 *   <li>{@code write}: one row picked at random, one field ({@code x}) written.
 * </ul>
 *
 * <p>Representations:
 * <ul>
 *   <li>{@code flyweight}: the generated {@code PositionRow}, one instance kept in the state and
 *       re-pointed with {@code wrap} at each row (the intended use), over one segment from
 *       {@code Arena.ofShared()} with rows back to back at {@code i * PositionRow.SIZE}.
 *   <li>{@code flyweightLocal}: the same flyweight, but created inside the benchmark method so
 *       that escape analysis can remove it (only in {@code scan}).
 *   <li>{@code segment}: the same segment read with {@code MemorySegment.get} and
 *       {@link Layouts} directly, no flyweight: the floor the flyweight can reach.
 *   <li>{@code records}: a {@code Position[]} of record objects. Records are immutable, so a
 *       write replaces the element with a new record.
 *   <li>{@code columns}: structure of arrays, {@code float[] xs, ys; long[] owners}.
 *   <li>{@code packed}: one {@code long[]}, two longs a row: {@code x} and {@code y} bits in the
 *       first, {@code owner} in the second.
 *   <li>{@code byteBuffer}: a direct little-endian {@code ByteBuffer} with the 16-byte row
 *       layout of the flyweight, absolute {@code getFloat}/{@code getLong}.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RowAccessBenchmark {

    private static final long ROW = PositionRow.SIZE;

    // ---------------------------------------------------------------- states

    /** The off-heap table and one reusable flyweight. */
    @State(Scope.Thread)
    public static class Flyweight {
        Arena arena;
        MemorySegment segment;
        final PositionRow row = new PositionRow();

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            segment = arena.allocate(ROW * RowData.ROWS, 8);
            PositionRow writer = new PositionRow();
            for (int i = 0; i < RowData.ROWS; i++) {
                writer.wrap(segment, i * ROW)
                        .x(RowData.x(i))
                        .y(RowData.y(i))
                        .owner(RowData.owner(i));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** Array of records. */
    @State(Scope.Thread)
    public static class Records {
        Position[] rows;

        @Setup(Level.Trial)
        public void setUp() {
            rows = new Position[RowData.ROWS];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new Position(RowData.x(i), RowData.y(i), RowData.owner(i));
            }
        }
    }

    /** Structure of arrays. */
    @State(Scope.Thread)
    public static class Columns {
        float[] xs;
        float[] ys;
        long[] owners;

        @Setup(Level.Trial)
        public void setUp() {
            xs = new float[RowData.ROWS];
            ys = new float[RowData.ROWS];
            owners = new long[RowData.ROWS];
            for (int i = 0; i < RowData.ROWS; i++) {
                xs[i] = RowData.x(i);
                ys[i] = RowData.y(i);
                owners[i] = RowData.owner(i);
            }
        }
    }

    /** Rows packed into one long[], two longs a row: x bits | y bits << 32, then owner. */
    @State(Scope.Thread)
    public static class Packed {
        long[] words;

        @Setup(Level.Trial)
        public void setUp() {
            words = new long[2 * RowData.ROWS];
            for (int i = 0; i < RowData.ROWS; i++) {
                words[2 * i] = (Float.floatToRawIntBits(RowData.x(i)) & 0xFFFF_FFFFL)
                        | ((long) Float.floatToRawIntBits(RowData.y(i)) << 32);
                words[2 * i + 1] = RowData.owner(i);
            }
        }
    }

    /** A direct little-endian ByteBuffer with the flyweight's 16-byte row layout. */
    @State(Scope.Thread)
    public static class Buffer {
        ByteBuffer buffer;

        @Setup(Level.Trial)
        public void setUp() {
            buffer = ByteBuffer.allocateDirect(PositionRow.SIZE * RowData.ROWS)
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < RowData.ROWS; i++) {
                int at = i * PositionRow.SIZE;
                buffer.putFloat(at + (int) PositionRow.X_OFFSET, RowData.x(i));
                buffer.putFloat(at + (int) PositionRow.Y_OFFSET, RowData.y(i));
                buffer.putLong(at + (int) PositionRow.OWNER_OFFSET, RowData.owner(i));
            }
        }
    }

    /** Random rows over the whole table; each call of {@link #next} moves on by one. */
    @State(Scope.Thread)
    public static class Uniform {
        int[] indices;
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            indices = RowData.randomIndices(RowData.ROWS, 0x5EED_0001L);
        }

        int next() {
            return indices[cursor++ & RowData.INDEX_MASK];
        }
    }

    /** Random rows among the first {@link RowData#HOT_ROWS}, which stay in cache. */
    @State(Scope.Thread)
    public static class Hot {
        int[] indices;
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            indices = RowData.randomIndices(RowData.HOT_ROWS, 0x5EED_0002L);
        }

        int next() {
            return indices[cursor++ & RowData.INDEX_MASK];
        }
    }

    // ---------------------------------------------------------------- scan

    @Benchmark
    public long scan_flyweight(Flyweight s) {
        PositionRow row = s.row;
        MemorySegment segment = s.segment;
        long acc = 0;
        for (int i = 0; i < RowData.ROWS; i++) {
            row.wrap(segment, i * ROW);
            acc += (long) row.x() + row.owner();
        }
        return acc;
    }

    @Benchmark
    public long scan_flyweightLocal(Flyweight s) {
        PositionRow row = new PositionRow();
        MemorySegment segment = s.segment;
        long acc = 0;
        for (int i = 0; i < RowData.ROWS; i++) {
            row.wrap(segment, i * ROW);
            acc += (long) row.x() + row.owner();
        }
        return acc;
    }

    @Benchmark
    public long scan_segment(Flyweight s) {
        MemorySegment segment = s.segment;
        long acc = 0;
        for (int i = 0; i < RowData.ROWS; i++) {
            long at = i * ROW;
            acc += (long) segment.get(Layouts.F32, at + PositionRow.X_OFFSET)
                    + segment.get(Layouts.I64, at + PositionRow.OWNER_OFFSET);
        }
        return acc;
    }

    @Benchmark
    public long scan_records(Records s) {
        long acc = 0;
        for (Position p : s.rows) {
            acc += (long) p.x() + p.owner();
        }
        return acc;
    }

    @Benchmark
    public long scan_columns(Columns s) {
        float[] xs = s.xs;
        long[] owners = s.owners;
        long acc = 0;
        for (int i = 0; i < xs.length; i++) {
            acc += (long) xs[i] + owners[i];
        }
        return acc;
    }

    @Benchmark
    public long scan_packed(Packed s) {
        long[] words = s.words;
        long acc = 0;
        for (int i = 0; i < RowData.ROWS; i++) {
            acc += (long) Float.intBitsToFloat((int) words[2 * i]) + words[2 * i + 1];
        }
        return acc;
    }

    @Benchmark
    public long scan_byteBuffer(Buffer s) {
        ByteBuffer buffer = s.buffer;
        long acc = 0;
        for (int i = 0; i < RowData.ROWS; i++) {
            int at = i * PositionRow.SIZE;
            acc += (long) buffer.getFloat(at) + buffer.getLong(at + 8);
        }
        return acc;
    }

    // ---------------------------------------------------------------- random read, whole table

    @Benchmark
    public long read_flyweight(Flyweight s, Uniform u) {
        PositionRow row = s.row.wrap(s.segment, u.next() * ROW);
        return (long) row.x() + row.owner();
    }

    @Benchmark
    public long read_segment(Flyweight s, Uniform u) {
        long at = u.next() * ROW;
        MemorySegment segment = s.segment;
        return (long) segment.get(Layouts.F32, at + PositionRow.X_OFFSET)
                + segment.get(Layouts.I64, at + PositionRow.OWNER_OFFSET);
    }

    @Benchmark
    public long read_records(Records s, Uniform u) {
        Position p = s.rows[u.next()];
        return (long) p.x() + p.owner();
    }

    @Benchmark
    public long read_columns(Columns s, Uniform u) {
        int i = u.next();
        return (long) s.xs[i] + s.owners[i];
    }

    @Benchmark
    public long read_packed(Packed s, Uniform u) {
        int i = 2 * u.next();
        long[] words = s.words;
        return (long) Float.intBitsToFloat((int) words[i]) + words[i + 1];
    }

    @Benchmark
    public long read_byteBuffer(Buffer s, Uniform u) {
        int at = u.next() * PositionRow.SIZE;
        return (long) s.buffer.getFloat(at) + s.buffer.getLong(at + 8);
    }

    // ---------------------------------------------------------------- random read, cached rows

    @Benchmark
    public long readHot_flyweight(Flyweight s, Hot h) {
        PositionRow row = s.row.wrap(s.segment, h.next() * ROW);
        return (long) row.x() + row.owner();
    }

    @Benchmark
    public long readHot_segment(Flyweight s, Hot h) {
        long at = h.next() * ROW;
        MemorySegment segment = s.segment;
        return (long) segment.get(Layouts.F32, at + PositionRow.X_OFFSET)
                + segment.get(Layouts.I64, at + PositionRow.OWNER_OFFSET);
    }

    @Benchmark
    public long readHot_records(Records s, Hot h) {
        Position p = s.rows[h.next()];
        return (long) p.x() + p.owner();
    }

    @Benchmark
    public long readHot_columns(Columns s, Hot h) {
        int i = h.next();
        return (long) s.xs[i] + s.owners[i];
    }

    @Benchmark
    public long readHot_packed(Packed s, Hot h) {
        int i = 2 * h.next();
        long[] words = s.words;
        return (long) Float.intBitsToFloat((int) words[i]) + words[i + 1];
    }

    @Benchmark
    public long readHot_byteBuffer(Buffer s, Hot h) {
        int at = h.next() * PositionRow.SIZE;
        return (long) s.buffer.getFloat(at) + s.buffer.getLong(at + 8);
    }

    // ---------------------------------------------------------------- random write of x

    @Benchmark
    public void write_flyweight(Flyweight s, Uniform u) {
        int i = u.next();
        s.row.wrap(s.segment, i * ROW).x(i * 0.5f);
    }

    @Benchmark
    public void write_segment(Flyweight s, Uniform u) {
        int i = u.next();
        s.segment.set(Layouts.F32, i * ROW + PositionRow.X_OFFSET, i * 0.5f);
    }

    @Benchmark
    public void write_records(Records s, Uniform u) {
        int i = u.next();
        Position old = s.rows[i];
        s.rows[i] = new Position(i * 0.5f, old.y(), old.owner());
    }

    @Benchmark
    public void write_columns(Columns s, Uniform u) {
        int i = u.next();
        s.xs[i] = i * 0.5f;
    }

    @Benchmark
    public void write_packed(Packed s, Uniform u) {
        int i = u.next();
        long[] words = s.words;
        int w = 2 * i;
        words[w] = (words[w] & 0xFFFF_FFFF_0000_0000L)
                | (Float.floatToRawIntBits(i * 0.5f) & 0xFFFF_FFFFL);
    }

    @Benchmark
    public void write_byteBuffer(Buffer s, Uniform u) {
        int i = u.next();
        s.buffer.putFloat(i * PositionRow.SIZE, i * 0.5f);
    }
}
