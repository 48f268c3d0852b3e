package io.hetu.storage.embedded;

import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.fixtures.Account;
import io.hetu.storage.fixtures.AccountTable;
import io.hetu.storage.fixtures.PresenceTable;
import java.nio.file.Path;
import java.util.List;

/**
 * Commits forever in a data directory and prints each owner once its commit is durable, until it
 * is killed: owner n's account holds balance n * 3, and a volatile presence row is written too.
 */
public final class CrashChild {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long start = Long.parseLong(args[1]);
        FsyncPolicy policy = FsyncPolicy.parse(args[2]);
        try (Database db = Embedded.open(dir, DurabilityConfig.defaults().withFsync(policy),
                List.of(AccountTable.TABLE, PresenceTable.TABLE))) {
            for (long owner = start; ; owner++) {
                long n = owner;
                db.run(0, tx -> {
                    tx.insert(AccountTable.TABLE, new Account(n, n * 3));
                    tx.upsert(PresenceTable.OWNER, n).room(1);
                });
                System.out.println(owner);
                System.out.flush();
            }
        }
    }

    private CrashChild() {}
}
