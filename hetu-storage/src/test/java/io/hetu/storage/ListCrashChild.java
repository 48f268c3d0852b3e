package io.hetu.storage;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.lists.Mail;
import io.hetu.storage.lists.MailTable;
import io.hetu.storage.lists.Rank;
import io.hetu.storage.lists.RankTable;
import java.nio.file.Path;
import java.util.List;

/**
 * Appends to list tables forever in a data directory, far past their capacities, and prints each
 * operation's number once its commit is durable, until it is killed. Operation n is
 * {@link #operation}: the same n always does the same thing, so a test can replay them in a model.
 * A snapshot is taken every {@value #SNAPSHOT_EVERY} commits, so recovery reads a snapshot and the
 * log after it.
 *
 * <p>Arguments: data directory, first operation number.
 */
public final class ListCrashChild {

    static final List<TableDescriptor<?, ?>> TABLES = List.of(RankTable.TABLE, MailTable.TABLE);
    static final int SNAPSHOT_EVERY = 50;

    /** What operation {@code n} appends: a rank (de-duplicated by player on odd n) and a mail from sender n. */
    record Operation(Rank rank, boolean distinct, Mail mail) {}

    static Operation operation(long n) {
        long h = n * 0x9E3779B97F4A7C15L;
        int season = 1 + (int) Long.remainderUnsigned(h >>> 7, 2);
        int player = (int) Long.remainderUnsigned(h >>> 17, 9);
        int points = (int) Long.remainderUnsigned(h >>> 29, 6) * 10;
        short time = (short) Long.remainderUnsigned(h >>> 41, 3);
        return new Operation(new Rank(season, player, points, time), (n & 1) == 1,
                new Mail(1 + Long.remainderUnsigned(h >>> 3, 3), (int) n, "m" + (n % 1000)));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long start = Long.parseLong(args[1]);
        DurabilityConfig config = DurabilityConfig.defaults().withFsync(FsyncPolicy.ALWAYS).withSnapshotsEvery(SNAPSHOT_EVERY, 0);
        try (Database db = Embedded.open(dir, config, TABLES)) {
            for (long n = start; ; n++) {
                Operation op = operation(n);
                db.run(0, tx -> {
                    if (op.distinct()) {
                        tx.appendDistinct(RankTable.LIST, op.rank(), "player");
                    } else {
                        tx.append(RankTable.LIST, op.rank());
                    }
                    tx.append(MailTable.LIST, op.mail());
                });
                System.out.println(n);
                System.out.flush();
            }
        }
    }

    private ListCrashChild() {}
}
