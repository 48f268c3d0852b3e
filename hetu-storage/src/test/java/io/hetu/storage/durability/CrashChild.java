package io.hetu.storage.durability;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stand-in for a server, run as a child JVM by {@link CrashTest} and killed with SIGKILL: it
 * recovers its data directory, prints {@code ready <last seq> end}, then commits from several threads
 * as fast as it can, printing {@code ack <seq> end} only once a commit is durable, and writes a
 * snapshot of everything every 100 ms. Its state is one row per commit (id = version = seq), and the
 * payload of commit {@code seq} is {@link TestData#payload(long)}, so everything can be verified.
 *
 * <p>Arguments: data directory, fsync policy, committer threads.
 */
public final class CrashChild {
    static final String TABLE = "crash.Commits";
    static final String LAYOUT = "crash-layout-v1";
    static final int ROW_SIZE = 16;
    static final long SEGMENT_BYTES = 64 << 10;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FsyncPolicy policy = FsyncPolicy.parse(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, US_ASCII);

        Verifier verifier = new Verifier();
        Durability durability = Durability.open(dir, config(policy), verifier, verifier);
        long recovered = durability.recovery().lastSeq();
        verifier.assertComplete(recovered);
        out.println("ready " + recovered + " end");

        WriteAheadLog wal = durability.wal();
        ReentrantLock commitLock = new ReentrantLock();
        long[] lastSeq = {recovered};
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().name("committer-" + t).start(() -> {
                try {
                    while (true) {
                        long seq;
                        commitLock.lock();
                        try {
                            seq = ++lastSeq[0];
                            wal.append(seq, TestData.payload(seq));
                        } finally {
                            commitLock.unlock();
                        }
                        wal.awaitDurable(seq);
                        out.println("ack " + seq + " end");
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(2);
                }
            });
        }
        MemorySegment row = MemorySegment.ofArray(new byte[ROW_SIZE]);
        while (true) {
            Thread.sleep(100);
            long seq;
            commitLock.lock();
            try {
                seq = lastSeq[0];
            } finally {
                commitLock.unlock();
            }
            if (seq <= durability.snapshotSeq()) {
                continue;
            }
            try (SnapshotWriter writer = durability.beginSnapshot()) {
                writer.beginTable(TABLE, LAYOUT, ROW_SIZE, seq);
                for (long id = 1; id <= seq; id++) {
                    fillRow(row, id);
                    writer.row(id, id, row, 0);
                }
                writer.endTable();
                writer.commit(seq, meta(seq));
            }
        }
    }

    static DurabilityConfig config(FsyncPolicy policy) {
        return TestData.config(policy, SEGMENT_BYTES);
    }

    static void fillRow(MemorySegment row, long id) {
        row.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, id);
        row.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8, id * 0x9E3779B97F4A7C15L);
    }

    static byte[] meta(long seq) {
        return ("crash child snapshot at " + seq).getBytes(US_ASCII);
    }

    /**
     * Checks a recovery of a crash child's directory: the snapshot holds exactly the rows 1..S, the log
     * replays exactly S+1.. with the right payloads.
     */
    static final class Verifier implements SnapshotVisitor, ReplayHandler {
        private final MemorySegment expectedRow = MemorySegment.ofArray(new byte[ROW_SIZE]);
        long snapshotSeq;
        private long nextRow = 1;
        long nextSeq = 1;

        @Override
        public void begin(long seq, byte[] meta) throws IOException {
            snapshotSeq = seq;
            nextSeq = seq + 1;
            check(Arrays.equals(meta(seq), meta), "snapshot metadata of seq " + seq);
        }

        @Override
        public void beginTable(String qualifiedName, String layoutHash, int rowSize, long rowCount) throws IOException {
            check(TABLE.equals(qualifiedName) && LAYOUT.equals(layoutHash) && rowSize == ROW_SIZE && rowCount == snapshotSeq,
                    "table " + qualifiedName + "/" + layoutHash + "/" + rowSize + "/" + rowCount);
        }

        @Override
        public void row(long id, long version, MemorySegment src, long offset) throws IOException {
            fillRow(expectedRow, id);
            check(id == nextRow && version == id
                    && src.asSlice(offset, ROW_SIZE).mismatch(expectedRow) == -1, "row " + id + " (expected " + nextRow + ")");
            nextRow++;
        }

        @Override
        public void endTable() throws IOException {
            check(nextRow == snapshotSeq + 1, "snapshot ends after row " + (nextRow - 1));
        }

        @Override
        public void replay(long seq, MemorySegment payload) throws IOException {
            check(seq == nextSeq, "replayed seq " + seq + " where " + nextSeq + " was expected");
            check(payload.mismatch(MemorySegment.ofArray(TestData.payload(seq))) == -1, "payload of seq " + seq);
            nextSeq++;
        }

        /** Everything from 1 to {@code lastSeq} was recovered, through the snapshot or the log. */
        void assertComplete(long lastSeq) throws IOException {
            check(nextSeq == lastSeq + 1, "recovered up to " + (nextSeq - 1) + " but recovery reports " + lastSeq);
        }

        private static void check(boolean ok, String what) throws IOException {
            if (!ok) {
                throw new IOException("crash recovery verification failed: " + what);
            }
        }
    }
}
