package io.hetu.storage.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Payloads that are a function of their seq, and recorders for what recovery hands out. */
final class TestData {
    static final int WAL_HEADER = 24;
    static final int FRAME_HEADER = 16;

    private TestData() {
    }

    /** A payload determined by {@code seq}: 0 to 299 bytes, now and then 0 or larger than 64 KiB. */
    static byte[] payload(long seq) {
        SplittableRandom random = new SplittableRandom(seq * 0x9E3779B97F4A7C15L);
        int length = seq % 97 == 0 ? 0 : seq % 499 == 0 ? 70_000 + random.nextInt(10_000) : random.nextInt(300);
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static DurabilityConfig config(FsyncPolicy policy, long segmentBytes) {
        return DurabilityConfig.defaults().withFsync(policy).withSegmentBytes(segmentBytes);
    }

    /** Opens with no snapshot expected and records replayed into {@code replay}. */
    static Durability open(Path dir, DurabilityConfig config, RecordingReplay replay) throws IOException {
        return Durability.open(dir, config, new RecordingVisitor(), replay);
    }

    /** Appends {@code from..to} with {@link #payload} and waits until they are durable. */
    static void appendRange(WriteAheadLog wal, long from, long to) throws Exception {
        for (long seq = from; seq <= to; seq++) {
            wal.append(seq, payload(seq));
        }
        wal.awaitDurable(to);
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("wal-\\d{20}\\.log")).sorted().toList();
        }
    }

    /**
     * Byte offsets where the records of a segment start, parsed independently of the code under test;
     * a close marker (length field 0xFFFFFFFF) is not a record.
     */
    static List<Long> recordOffsets(Path segment) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> offsets = new ArrayList<>();
        int position = WAL_HEADER;
        while (position + FRAME_HEADER <= bytes.limit() && bytes.getInt(position) != -1) {
            offsets.add((long) position);
            position += FRAME_HEADER + bytes.getInt(position);
        }
        return offsets;
    }

    /**
     * Removes the close marker from the end of the last segment of a cleanly closed log, which then
     * looks as a crash right after its last write leaves it.
     */
    static void removeCloseMarker(Path dir) throws IOException {
        Path last = segmentFiles(dir).getLast();
        long size = Files.size(last);
        assertEquals(-1, ByteBuffer.wrap(Files.readAllBytes(last)).order(ByteOrder.LITTLE_ENDIAN)
                .getInt((int) size - FRAME_HEADER), "the log ends with a close marker");
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
            channel.truncate(size - FRAME_HEADER);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[Math.toIntExact(offset)] ^= 0x5A;
        Files.write(file, bytes);
    }

    /** Collects replayed records. */
    static final class RecordingReplay implements ReplayHandler {
        final List<Long> seqs = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();

        @Override
        public void replay(long seq, MemorySegment payload) {
            seqs.add(seq);
            payloads.add(payload.toArray(ValueLayout.JAVA_BYTE));
        }

        /** Asserts that exactly {@code from..to} were replayed, each with {@link #payload}. */
        void assertRange(long from, long to) {
            assertEquals(to - from + 1, seqs.size(), "records replayed");
            for (int i = 0; i < seqs.size(); i++) {
                long seq = from + i;
                assertEquals(seq, seqs.get(i));
                assertArrayEquals(payload(seq), payloads.get(i), "payload of seq " + seq);
            }
        }
    }

    record Row(long id, long version, byte[] bytes) {
    }

    record Table(String name, String layoutHash, int rowSize, long rowCount, List<Row> rows) {
    }

    /** Collects a snapshot as it is read back. */
    static final class RecordingVisitor implements SnapshotVisitor {
        long seq = -1;
        byte[] meta;
        final List<Table> tables = new ArrayList<>();
        private int rowSize;

        @Override
        public void begin(long seq, byte[] meta) {
            this.seq = seq;
            this.meta = meta;
        }

        @Override
        public void beginTable(String qualifiedName, String layoutHash, int rowSize, long rowCount) {
            tables.add(new Table(qualifiedName, layoutHash, rowSize, rowCount, new ArrayList<>()));
            this.rowSize = rowSize;
        }

        @Override
        public void row(long id, long version, MemorySegment src, long offset) {
            tables.getLast().rows().add(new Row(id, version, src.asSlice(offset, rowSize).toArray(ValueLayout.JAVA_BYTE)));
        }

        @Override
        public void endTable() {
        }
    }
}
