package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.ListOracle.Entry;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.lists.Mail;
import io.hetu.storage.lists.MailTable;
import io.hetu.storage.lists.Rank;
import io.hetu.storage.lists.RankTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends and evictions survive kill -9: a child JVM ({@link ListCrashChild}) appends to a sorted list
 * and a plain list far past their capacities, with snapshots along the way, and is killed at a
 * random moment, round after round on the same data directory. After each kill the recovered lists,
 * rows and seqs, must equal a model that replays every operation up to the last one applied; the
 * last one applied is at least the last one the child acknowledged (a commit made durable but not
 * yet acknowledged may be there too).
 */
class ListCrashTest {

    @TempDir
    Path dir;

    @Test
    void recoveredListsEqualTheModelAfterKillNine() throws Exception {
        Random random = new Random(TestSeeds.seed("ListCrashTest"));
        Map<Object, List<Entry<Rank>>> ranks = new HashMap<>();
        Map<Object, List<Entry<Mail>>> mails = new HashMap<>();
        long applied = 0;
        for (int round = 0; round < 8; round++) {
            long acknowledged = runAndKill(applied + 1, 40 + random.nextInt(80));
            try (Database db = Embedded.open(dir, DurabilityConfig.defaults().withFsync(FsyncPolicy.NO),
                    ListCrashChild.TABLES)) {
                // Every operation appends a mail from sender n, the newest of its box: the largest sender is the last applied.
                long last = db.transact(0, tx -> {
                    long max = 0;
                    for (long box = 1; box <= 3; box++) {
                        for (var mail : tx.list(MailTable.LIST, box)) {
                            max = Math.max(max, mail.sender());
                        }
                    }
                    return max;
                });
                assertTrue(last >= acknowledged, "acknowledged operation " + acknowledged + " is missing; the last "
                        + "recovered is " + last);
                for (long n = applied + 1; n <= last; n++) {
                    ListCrashChild.Operation op = ListCrashChild.operation(n);
                    ListOracle.append(ranks.computeIfAbsent(op.rank().season(), k -> new ArrayList<>()),
                            RankTable.LIST.list(), op.rank(), op.distinct() ? "player" : null);
                    ListOracle.append(mails.computeIfAbsent(op.mail().box(), k -> new ArrayList<>()),
                            MailTable.LIST.list(), op.mail(), null);
                }
                applied = last;
                db.run(0, tx -> {
                    for (int season = 1; season <= 2; season++) {
                        assertEquals(ranks.getOrDefault(season, List.of()), ListOracle.read(tx, RankTable.LIST, season),
                                "season " + season);
                    }
                    for (long box = 1; box <= 3; box++) {
                        assertEquals(mails.getOrDefault(box, List.of()), ListOracle.read(tx, MailTable.LIST, box),
                                "box " + box);
                    }
                });
            }
        }
        assertTrue(applied > 2 * ListCrashChild.SNAPSHOT_EVERY, "the child appended far past the capacities and "
                + "through snapshots: " + applied + " operations");
    }

    /**
     * Runs the child from operation {@code first} and kills it once it has acknowledged {@code count} operations,
     * while it is busy with the next ones; returns the last acknowledged.
     */
    private long runAndKill(long first, int count) throws Exception {
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ListCrashChild.class.getName(), dir.toString(), Long.toString(first))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long acknowledged = first - 1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged < first - 1 + count && (line = out.readLine()) != null) {
                acknowledged = Long.parseLong(line.trim());
            }
            child.destroyForcibly();
            child.waitFor();
        }
        return acknowledged;
    }
}
