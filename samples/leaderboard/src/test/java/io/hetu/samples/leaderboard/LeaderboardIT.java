package io.hetu.samples.leaderboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.samples.support.NodeClients;
import io.hetu.samples.support.SampleServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leaderboard end to end: {@code java -jar hetu.jar start --app leaderboard.jar}, the sample's Node client
 * watching the live top 10 of a season while another client reports 1,100 scores (new players, and players whose
 * score changes), more than the board's 1,000 places. The watcher's last board must equal a model of the rules
 * (one entry per player, highest first, ties in the order reached, the lowest evicted beyond 1,000); a new best
 * score must reach it live; and after a restart of the server the board is still there.
 */
class LeaderboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    record Entry(long player, String name, long points, int order) {}

    @Test
    void aLiveTopTenFollowsScoresAndSurvivesARestart() throws Exception {
        NodeClients clients = NodeClients.compile(work);
        Path script = Path.of(System.getProperty("hetu.client.dir")).resolve("leaderboard.mjs");
        Path data = Files.createDirectories(work.resolve("data"));

        Random random = new Random(20261121);
        List<Object[]> scores = new ArrayList<>();
        List<Entry> model = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            long player = i < 1050 ? i + 1 : 1 + random.nextInt(1050);
            long points = random.nextInt(400) * 5L;
            scores.add(new Object[] {player, "p" + player, points});
            submit(model, new Entry(player, "p" + player, points, i));
        }
        Path file = work.resolve("scores.json");
        JSON.writeValue(file.toFile(), scores);

        try (SampleServer server = SampleServer.start(data, work.resolve("server-1.log"));
                NodeClients.Client watcher = clients.start(script, server.url(), "watch", "1", "10")) {
            watcher.await("ready");
            try (NodeClients.Client submitter = clients.start(script, server.url(), "submit-file", "1", file.toString())) {
                assertEquals(1100, submitter.await("submitted").get("count").asInt());
                assertEquals(0, submitter.awaitExit(), submitter.transcript());
            }
            awaitBoard(watcher, top(model, 10));

            // A new best score enters at the top at once; the former tenth leaves the window.
            long best = model.getFirst().points() + 5;
            try (NodeClients.Client submitter = clients.start(script, server.url(), "submit", "1", "424242", "newcomer",
                    String.valueOf(best))) {
                assertEquals(0, submitter.awaitExit(), submitter.transcript());
            }
            submit(model, new Entry(424242, "newcomer", best, 1100));
            awaitBoard(watcher, top(model, 10));
            assertEquals(1000, model.size());
        }

        // The same data directory after a clean restart: the whole board of 1,000, in order.
        try (SampleServer server = SampleServer.start(data, work.resolve("server-2.log"));
                NodeClients.Client watcher = clients.start(script, server.url(), "watch", "1", "2000")) {
            awaitBoard(watcher, top(model, 2000));
        }
    }

    /** What the server does on submitScore: replace the player's entry, sort, keep the best 1,000. */
    private static void submit(List<Entry> model, Entry entry) {
        model.removeIf(e -> e.player() == entry.player());
        model.add(entry);
        model.sort(Comparator.comparingLong(Entry::points).reversed().thenComparingInt(Entry::order));
        while (model.size() > 1000) {
            model.removeLast();
        }
    }

    private static List<String> top(List<Entry> model, int n) {
        return model.subList(0, Math.min(n, model.size())).stream()
                .map(e -> e.player() + " " + e.name() + " " + e.points()).toList();
    }

    private static void awaitBoard(NodeClients.Client watcher, List<String> expected) throws Exception {
        JsonNode board = watcher.await("the board " + expected.subList(0, Math.min(3, expected.size())) + "...",
                json -> json.path("event").asText().equals("top") && rows(json).equals(expected));
        assertEquals(expected.size(), board.get("rows").size());
    }

    private static List<String> rows(JsonNode top) {
        List<String> rows = new ArrayList<>();
        top.get("rows").forEach(r -> rows.add(r.get("player").asText() + " " + r.get("name").asText() + " "
                + r.get("points").asText()));
        return rows;
    }
}
