package io.hetu.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.fixtures.PositionTable;
import io.hetu.storage.spi.ChangeSet;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a log, every commit's changes are published once it is durable, under every fsync policy. */
class ChangeFeedDurableTest {

    @TempDir
    Path dir;

    @Test
    void everyCommitIsPublishedAfterItIsDurable() throws Exception {
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            Path data = dir.resolve(policy.configName());
            try (Database db = Embedded.open(data, DurabilityConfig.defaults().withFsync(policy),
                    List.of(PositionTable.TABLE))) {
                List<ChangeSet> feed = new CopyOnWriteArrayList<>();
                db.addChangeListener(feed::add);
                for (int i = 1; i <= 50; i++) {
                    long owner = i % 5;
                    float x = i;
                    db.run(0, tx -> tx.upsert(PositionTable.OWNER, owner).x(x));
                }
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (feed.size() < 50 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(50, feed.size(), policy + ": every commit is published");
                for (int i = 1; i < feed.size(); i++) {
                    assertEquals(feed.get(i - 1).seq() + 1, feed.get(i).seq(), policy + ": in seq order");
                }
            }
        }
    }
}
