package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.manifest.SchemaManifest;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.MarkerTable;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin console at {@code /admin} over real HTTP: its page and compiled script come from the
 * runtime jar; the admin secret buys an HttpOnly, SameSite=Strict cookie and a wrong one is
 * refused; the JSON it shows (tables, connections, systems, errors, settings with the secrets
 * hidden); a kick that needs the cookie and the server's own origin; and the console's operator
 * WebSocket, which reads rows through the ordinary subscription engine.
 */
class AdminConsoleTest {

    private static final String SECRET = "the console secret of this test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private Database database;
    private HetuServer server;
    private App app;

    private void start(AdminConfig admin) throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        database = Embedded.inMemory(app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0), admin);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            database.close();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String cookie, boolean sameOrigin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (sameOrigin) {
            request.header("Origin", base());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in and returns the cookie to send back ({@code hetu_console=...}). */
    private String login() throws Exception {
        HttpResponse<String> response = post("/admin/session", "{\"secret\":\"" + SECRET + "\"}", null, true);
        assertEquals(204, response.statusCode(), response.body());
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("hetu_console="), setCookie);
        for (String attribute : new String[] {"HttpOnly", "SameSite=Strict", "Path=/admin", "Max-Age=43200"}) {
            assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains(attribute.toLowerCase(java.util.Locale.ROOT)),
                    attribute + " in " + setCookie);
        }
        assertFalse(setCookie.contains(SECRET), "the cookie is not the secret");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void servesTheCompiledConsoleAndSaysHowToTurnItOnWithoutASecret() throws Exception {
        start(AdminConfig.defaults());
        HttpResponse<String> bare = get("/admin", null);
        assertEquals(308, bare.statusCode());
        assertEquals("/admin/", bare.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = get("/admin/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script type=\"module\" src=\"console.js\">"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'self'"));
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        HttpResponse<String> script = get("/admin/console.js", null);
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
        assertTrue(script.body().contains("api/state"), "the console's TypeScript, compiled");
        assertEquals(200, get("/admin/wire.js", null).statusCode());
        assertEquals(404, get("/admin/wire.ts", null).statusCode(), "sources are not served");
        assertEquals(404, get("/admin/../hetu/schema.json", null).statusCode());

        JsonNode status = JSON.readTree(get("/admin/api/status", null).body());
        assertFalse(status.get("enabled").asBoolean());
        assertTrue(status.get("help").asText().contains("set admin.secret"), status.toString());
        HttpResponse<String> refused = post("/admin/session", "{\"secret\":\"anything at all here\"}", null, true);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("admin.secret"), refused.body());
        assertEquals(403, get("/admin/api/state", null).statusCode());
    }

    @Test
    void theSecretBuysACookieAndAWrongOneIsRefused() throws Exception {
        start(AdminConfig.defaults().withSecret(SECRET));
        JsonNode status = JSON.readTree(get("/admin/api/status", null).body());
        assertTrue(status.get("enabled").asBoolean());
        assertFalse(status.get("loggedIn").asBoolean());

        HttpResponse<String> wrong = post("/admin/session", "{\"secret\":\"not the secret of it\"}", null, true);
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(403, post("/admin/session", "{\"secret\":\"" + SECRET + "\"}", null, false).statusCode(),
                "a login from no origin (or another site's) is refused");
        assertEquals(401, get("/admin/api/state", null).statusCode());
        assertEquals(401, get("/admin/api/state", "hetu_console=made-up").statusCode());

        String cookie = login();
        assertTrue(JSON.readTree(get("/admin/api/status", cookie).body()).get("loggedIn").asBoolean());
        assertEquals(200, get("/admin/api/state", cookie).statusCode());

        HttpResponse<String> config = get("/admin/api/config", cookie);
        assertEquals(200, config.statusCode());
        assertFalse(config.body().contains(SECRET), "the secret is hidden: " + config.body());
        JsonNode settings = JSON.readTree(config.body());
        assertEquals("(hidden)", settings.at("/admin/secret").asText(), config.body());
        assertEquals("/hetu", settings.at("/server/path").asText(), config.body());

        assertEquals(403, post("/admin/logout", "", cookie, false).statusCode(), "logout needs the origin too");
        HttpResponse<String> out = post("/admin/logout", "", cookie, true);
        assertEquals(204, out.statusCode());
        assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, get("/admin/api/state", cookie).statusCode(), "the cookie is dead after logout");
    }

    @Test
    void stateShowsTablesConnectionsSystemsAndErrorsAndAKickEndsAConnection() throws Exception {
        start(AdminConfig.defaults().withSecret(SECRET));
        String cookie = login();
        database.run(0, tx -> {
            for (int i = 0; i < 5; i++) {
                tx.upsert(MarkerTable.OWNER, 100L + i).value(i);
            }
        });
        SchemaManifest manifest = SchemaManifest.parse(app.manifest());
        try (TestClient player = TestClient.greeted(server.port(), app.schemaHash())) {
            player.send(new TestClient.Message(Protocol.CALL).i32(1).u16(systemId(manifest, "mark")).i64(7).i32(3));
            player.next(Protocol.RESULT);
            player.send(new TestClient.Message(Protocol.CALL).i32(2).u16(systemId(manifest, "crash")));
            player.next(Protocol.REJECTED);

            JsonNode state = JSON.readTree(get("/admin/api/state", cookie).body());
            JsonNode marker = find(state.get("tables"), "name", "servertest.Marker");
            assertEquals(6, marker.get("rows").asLong(), state.get("tables").toString());
            assertTrue(marker.get("rowBytes").asLong() > 0 && marker.get("indexBytes").asLong() > 0, marker.toString());
            assertNotNull(find(state.get("tables"), "name", "hetu.ScheduledCall"), "the server's own tables too");

            assertEquals(1, state.get("connections").size(), state.get("connections").toString());
            JsonNode connection = state.get("connections").get(0);
            assertEquals(2, connection.get("calls").asLong());
            assertTrue(connection.get("address").asText().startsWith("127.0.0.1:"), connection.toString());
            assertFalse(connection.get("operator").asBoolean());

            JsonNode mark = find(state.get("systems"), "name", "mark");
            assertEquals(1, mark.get("calls").asLong(), state.get("systems").toString());
            assertEquals(1, mark.at("/outcomes/OK").asLong());
            assertTrue(mark.get("p99Ms").asDouble() > 0);
            assertEquals(1, find(state.get("systems"), "name", "crash").at("/outcomes/INTERNAL").asLong());
            JsonNode error = state.get("errors").get(0);
            assertTrue(error.get("where").asText().contains("crash"), error.toString());
            assertTrue(error.get("latest").asText().contains("a bug in the system"), error.toString());
            assertTrue(error.get("trace").asText().matches("[0-9a-f]{8}"), error.toString());
            assertTrue(state.at("/scheduled/pending").isNumber(), state.toString());
            assertTrue(state.at("/charts/callsPerSecond").isArray(), state.toString());

            long id = connection.get("id").asLong();
            assertEquals(403, post("/admin/api/kick", "{\"connection\":" + id + "}", cookie, false).statusCode(),
                    "another site's page cannot kick (no origin, or not ours)");
            assertEquals(401, post("/admin/api/kick", "{\"connection\":" + id + "}", null, true).statusCode());
            assertTrue(player.isOpen());
            assertEquals(204, post("/admin/api/kick", "{\"connection\":" + id + "}", cookie, true).statusCode());
            assertEquals("KICKED", player.errorCode());
            assertEquals(404, post("/admin/api/kick", "{\"connection\":" + id + "}", cookie, true).statusCode());
        }
    }

    @Test
    void theConsolesWebSocketIsAnOperatorsAndNeedsTheCookieFromOurOrigin() throws Exception {
        start(AdminConfig.defaults().withSecret(SECRET));
        database.run(0, tx -> tx.upsert(MarkerTable.OWNER, 5L).value(50));
        URI socket = URI.create("ws://127.0.0.1:" + server.port() + "/admin/socket");
        assertEquals(401, refusal(http.newWebSocketBuilder().header("Origin", base()), socket));
        String cookie = login();
        assertEquals(403, refusal(http.newWebSocketBuilder().header("Cookie", cookie)
                .header("Origin", "http://evil.example"), socket));

        LinkedBlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().header("Cookie", cookie).header("Origin", base())
                .buildAsync(socket, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                        frames.add(copy.put(data).flip());
                        webSocket.request(1);
                        return null;
                    }
                }).join();
        byte[] hash = app.schemaHash().getBytes(StandardCharsets.UTF_8);
        ws.sendBinary(ByteBuffer.wrap(new TestClient.Message(Protocol.HELLO).u16(Protocol.VERSION).u16(hash.length)
                .raw(hash).bytes()), true).join();
        assertEquals(Protocol.WELCOME, frames.poll(10, TimeUnit.SECONDS).get(0));
        SchemaManifest manifest = SchemaManifest.parse(app.manifest());
        int marker = componentId(manifest, "Marker");
        ws.sendBinary(ByteBuffer.wrap(new TestClient.Message(Protocol.QUERY).i32(9).u16(marker).u8(0).u8(0)
                .i32(-1).bytes()), true).join();
        ByteBuffer subscribed = frames.poll(10, TimeUnit.SECONDS);
        assertEquals(Protocol.SUBSCRIBED, subscribed.get(0));
        assertEquals(1, subscribed.getInt(17), "one Marker row");
        JsonNode state = JSON.readTree(get("/admin/api/state", cookie).body());
        JsonNode console = state.get("connections").get(0);
        assertTrue(console.get("operator").asBoolean(), console.toString());
        assertEquals(1, console.get("subscriptions").asInt(), console.toString());

        post("/admin/logout", "", cookie, true);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        for (int i = 0; i < 100 && !ws.isInputClosed(); i++) {
            Thread.sleep(50);
        }
        closed.complete(null);
        assertTrue(ws.isInputClosed(), "logging out ends the console's WebSocket");
    }

    private static int refusal(WebSocket.Builder builder, URI uri) {
        try {
            builder.buildAsync(uri, new WebSocket.Listener() {}).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
        throw new AssertionError("the upgrade was accepted");
    }

    private static int systemId(SchemaManifest manifest, String name) {
        for (int i = 0; i < manifest.systems().size(); i++) {
            if (manifest.systems().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no system " + name);
    }

    private static int componentId(SchemaManifest manifest, String name) {
        for (int i = 0; i < manifest.components().size(); i++) {
            if (manifest.components().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no component " + name);
    }

    private static JsonNode find(JsonNode array, String key, String value) {
        for (JsonNode element : array) {
            if (element.get(key).asText().equals(value)) {
                return element;
            }
        }
        return null;
    }
}
