package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.manifest.SchemaManifest;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.MarkerTable;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin console in Chromium (playwright-core, {@code browser/admin-console.mjs}) against a live
 * server: a wrong secret is refused, the right one logs in; the tables show Marker's rows; the row
 * browser shows them, and a row a player's call changes shows its new value without a reload
 * (the console's subscription on its operator WebSocket); an operator narrows the range; the
 * player's connection is kicked from its row and is gone. Screenshots are kept in
 * {@code target/admin-console/}.
 */
class AdminConsoleBrowserTest {

    private static final String SECRET = "the browser test's admin secret";
    private static final Path NODE_MODULES = Path.of("../sdk-generators/src/test/node/node_modules").toAbsolutePath()
            .normalize();

    @TempDir
    Path work;

    @Test
    void logInBrowseWatchARowChangeAndKick() throws Exception {
        String chromium = System.getenv().getOrDefault("HETU_CHROMIUM", "/usr/bin/chromium");
        String node = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "node")).filter(Files::isExecutable).map(Path::toString).findFirst()
                .orElse(null);
        List<String> missing = new ArrayList<>();
        if (node == null) {
            missing.add("node (Node.js 20+ on the PATH)");
        }
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add("Chromium at " + chromium + " (apt-get install chromium, or set HETU_CHROMIUM)");
        }
        if (!Files.isDirectory(NODE_MODULES.resolve("playwright-core"))) {
            missing.add("playwright-core (npm install --prefix sdk-generators/src/test/node)");
        }
        ExternalTools.require(missing.isEmpty(), "AdminConsoleBrowserTest needs " + String.join(", ", missing));

        App app = App.load(getClass().getClassLoader(), null);
        SchemaManifest manifest = SchemaManifest.parse(app.manifest());
        Path screenshots = Files.createDirectories(Path.of("target/admin-console").toAbsolutePath());
        try (Database database = Embedded.inMemory(app.tables());
                HetuServer server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1")
                        .withPort(0), AdminConfig.defaults().withSecret(SECRET));
                TestClient player = TestClient.greeted(server.port(), app.schemaHash())) {
            database.run(0, tx -> {
                for (int i = 0; i < 5; i++) {
                    tx.upsert(MarkerTable.OWNER, 100L + i).value(i);
                }
            });
            Path script = work.resolve("admin-console.mjs");
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("browser/admin-console.mjs")) {
                Files.write(script, in.readAllBytes());
            }
            ProcessBuilder builder = new ProcessBuilder(node, script.toString(), NODE_MODULES.toString(), chromium,
                    "http://127.0.0.1:" + server.port(), screenshots.toString(),
                    Files.createDirectories(work.resolve("profile")).toString()).directory(work.toFile())
                    .redirectError(work.resolve("browser.err").toFile());
            builder.environment().put("HETU_ADMIN_SECRET", SECRET);
            Process browser = builder.start();
            ObjectMapper json = new ObjectMapper();
            List<String> transcript = new ArrayList<>();
            JsonNode done = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(),
                    StandardCharsets.UTF_8)); Writer in = browser.outputWriter(StandardCharsets.UTF_8)) {
                for (String line; (line = out.readLine()) != null; ) {
                    transcript.add(line);
                    JsonNode event = json.readTree(line);
                    switch (event.path("event").asText()) {
                        case "tables" -> {
                            assertEquals("5", event.get("markerRows").asText(), line);
                            assertEquals(3, event.get("charts").asInt(), "calls/s, p99 and commits/s: " + line);
                        }
                        case "browsing" -> {
                            assertEquals("2", event.at("/before/value").asText(), line);
                            // A player changes owner 102's row while the console watches.
                            player.send(new TestClient.Message(Protocol.CALL).i32(1).u16(systemId(manifest, "mark"))
                                    .i64(102).i32(999));
                            player.next(Protocol.RESULT);
                            in.write("changed\n");
                            in.flush();
                        }
                        case "done" -> done = event;
                        case "fail" -> fail("the browser run failed: " + line + "\n" + String.join("\n", transcript)
                                + "\n" + Files.readString(work.resolve("browser.err")));
                        default -> { }
                    }
                }
            }
            if (!browser.waitFor(60, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
                fail("the browser run did not end");
            }
            assertTrue(done != null, "no result from the browser: " + transcript + "\n"
                    + Files.readString(work.resolve("browser.err")));
            assertEquals("999", done.at("/after/value").asText(), "the row changed live: " + done);
            assertEquals("1", done.at("/after/version").asText(), "by an UPDATE, not a reload: " + done);
            assertEquals("[\"103\",\"104\"]", done.get("narrowed").toString(), "owner ≥ 103: " + done);
            assertEquals("KICKED", player.errorCode(), "the kicked player was told why");
            assertEquals("[\"operator\"]", done.get("left").toString(), "only the console's own connection is left");
            assertEquals(0, done.get("problems").size(), "no page errors: " + done.get("problems"));
            for (String shot : List.of("admin-console-login.png", "admin-console-live-row.png",
                    "admin-console-after-kick.png")) {
                assertTrue(Files.size(screenshots.resolve(shot)) > 1000, shot);
            }
        }
    }

    private static int systemId(SchemaManifest manifest, String name) {
        for (int i = 0; i < manifest.systems().size(); i++) {
            if (manifest.systems().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no system " + name);
    }
}
