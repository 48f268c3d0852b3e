package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first game as a player meets it: the real server ({@code java -jar hetu.jar start --app first-game.jar})
 * serves the browser client that hetu:web compiled into the app, with the development logins of
 * {@code mvn -Pplay package} ({@code hetu-dev.yml}), and two players in two Chromium browser contexts (driven by
 * playwright-core, {@code two-players.mjs}) log in with tokens their pages fetch from {@code /hetu/dev-token} and see
 * each other; one walks with the arrow key and S, and the other sees its dot move there; that one's WebSocket is
 * cut, its page fetches a new token as it reconnects, and it walks on. Screenshots of both pages are kept in {@code target/browser-test/}.
 *
 * <p>Skips loudly without node, Chromium or playwright-core; with {@code HETU_REQUIRE_TOOLS=1} it fails instead.
 */
class FirstGameBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void twoPlayersInTwoBrowsersSeeEachOtherMove() throws Exception {
        Path nodeModules = Path.of(GameServer.property("hetu.node.modules")).toAbsolutePath().normalize();
        String chromium = System.getenv().getOrDefault("HETU_CHROMIUM", "/usr/bin/chromium");
        Optional<String> node = GameServer.onPath("node");
        List<String> missing = new ArrayList<>();
        if (node.isEmpty()) {
            missing.add("node (not on the PATH; install Node.js 20+)");
        }
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add("Chromium at " + chromium + " (apt-get install chromium, or set HETU_CHROMIUM)");
        }
        if (!Files.isDirectory(nodeModules.resolve("playwright-core"))) {
            missing.add("playwright-core in " + nodeModules + " (npm install --no-audit --no-fund --prefix "
                    + "sdk-generators/src/test/node)");
        }
        GameServer.skipUnless("FirstGameBrowserIT", missing);

        Path screenshots = Files.createDirectories(Path.of(GameServer.property("hetu.browser.artifacts")));
        int port = GameServer.freePort();
        // The settings of mvn -Pplay package: development logins, which the page logs in with.
        GameServer server = GameServer.start(Files.createDirectories(work.resolve("data")), port,
                work.resolve("server.log"), "--config", GameServer.property("hetu.dev.config"));
        try {
            server.awaitServing(port);
            String game = "http://127.0.0.1:" + port;
            assertTrue(Files.readString(work.resolve("server.log")).lines().anyMatch(line -> line.contains("WARN")
                    && line.contains("auth.devLogin is on")), "the server warns that anyone can log in as anyone");

            // The page, its script and the SDK it imports come from the app jar, through the game port.
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/", "/main.js", "/sdk/index.js", "/game.css")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(game + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), path);
            }

            Path script = work.resolve("two-players.mjs");
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("browser/two-players.mjs")) {
                assertTrue(in != null, "browser/two-players.mjs is not on the test classpath");
                Files.write(script, in.readAllBytes());
            }
            Process browser = new ProcessBuilder(node.orElseThrow(), script.toString(), nodeModules.toString(), chromium,
                    game, screenshots.toString())
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .start();
            byte[][] output = new byte[1][];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    output[0] = browser.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                    output[0] = ("(reading the output failed: " + e + ")").getBytes(StandardCharsets.UTF_8);
                }
            });
            if (!browser.waitFor(GameServer.HANG_GUARD_SECONDS * 2, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
                fail("the browser run did not finish");
            }
            reader.join();
            String transcript = new String(output[0], StandardCharsets.UTF_8);
            assertEquals(0, browser.exitValue(), "the browser checks failed:\n" + transcript
                    + "\nserver log:\n" + Files.readString(work.resolve("server.log")));

            JsonNode done = null;
            List<String> playing = new ArrayList<>();
            for (String line : transcript.split("\n")) {
                if (line.startsWith("{")) {
                    JsonNode event = JSON.readTree(line);
                    switch (event.path("event").asText()) {
                        case "playing" -> playing.add(event.get("status").asText());
                        case "done" -> done = event;
                        default -> { }
                    }
                }
            }
            assertEquals(List.of("Playing as player 101.", "Playing as player 202."), playing, transcript);
            assertTrue(done != null, "no result from the browser run:\n" + transcript);
            JsonNode start = done.get("start");
            JsonNode end = done.get("annEnd");
            assertTrue(end.get("x").asDouble() > start.get("x").asDouble() + 2
                    && end.get("y").asDouble() > start.get("y").asDouble() + 2,
                    "player 101 walked right and down: " + done);
            assertEquals(end, done.get("bobSaw"), "player 202 sees player 101 where 101 sees itself: " + done);
            assertTrue(done.get("bobCanvasPainted").asInt() > 100, "the map shows the dots: " + done);
            JsonNode rounds = done.get("rounds");
            assertEquals(rounds.get("ann").get("number"), rounds.get("bob").get("number"),
                    "both players are in the same round: " + rounds);
            assertTrue(rounds.get("ann").get("text").asText().matches("Round \\d+: \\d+ s left"),
                    "the page shows the round and its countdown: " + rounds);
            String annToken = "{\"path\":\"/hetu/dev-token?user=101\",\"status\":200}";
            assertEquals("[" + annToken + "," + annToken + "]", done.get("tokens").get("101").toString(),
                    "player 101's page fetched a token to log in, and a new one as it reconnected after the cut");
            assertEquals("[{\"path\":\"/hetu/dev-token?user=202\",\"status\":200}]",
                    done.get("tokens").get("202").toString(), "player 202's page fetched one token");
            assertTrue(done.get("bobSawAfterCut").get("x").asDouble() < end.get("x").asDouble() - 2,
                    "logged in again after the cut, player 101 walked left: " + done);
            assertEquals(0, done.get("problems").size(), "no page or console errors: " + done.get("problems"));
            assertTrue(Files.size(screenshots.resolve("first-game-player-202.png")) > 1000, "a screenshot was kept");
        } finally {
            server.kill();
        }
    }
}
