package io.hetu.sdk.csharp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.manifest.SchemaManifest;
import io.hetu.sdk.GeneratedFile;
import io.hetu.sdk.TestManifests;
import io.hetu.sdk.typescript.NodeTools;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JavaScript half of the C# SDK's WebGL transport, the generated {@code HetuWebSocket.jslib}, in Chromium
 * against a live server: a page that stands in for a Unity WebGL player ({@code src/test/node/webgl}) merges the
 * library as emscripten would and, playing the C# side, sends a HELLO and a CALL built here and receives WELCOME
 * and RESULT through the library's heap callbacks.
 */
class CSharpWebGLJslibBrowserTest {

    private static final int REQUEST = 7;

    @TempDir
    Path work;

    @Test
    void theJslibCarriesAHandshakeAndACallThroughTheBrowsersWebSocket() throws Exception {
        String node = NodeTools.requireBrowserTools();
        Path page = Files.createDirectories(work.resolve("page"));
        for (String file : List.of("index.html", "unity-stub.js")) {
            Files.copy(NodeTools.TOOLS.resolve("webgl").resolve(file), page.resolve(file));
        }
        GeneratedFile jslib = CSharpSdkFixture.generate().stream()
                .filter(f -> f.path().equals("Runtime/Plugins/WebGL/HetuWebSocket.jslib")).findFirst().orElseThrow();
        Files.writeString(page.resolve("HetuWebSocket.jslib"), jslib.content());
        SchemaManifest manifest = TestManifests.testApp();

        App app = App.load(getClass().getClassLoader(), null);
        try (Database database = Embedded.inMemory(app.tables())) {
            ServerConfig config = ServerConfig.defaults().withHost("127.0.0.1").withPort(0);
            HetuServer server = HetuServer.start(app, database, config);
            try {
                String url = "ws://127.0.0.1:" + server.port() + config.path();
                NodeTools.Result result = NodeTools.browser(node, page, "index.html?url=" + url
                        + "&hello=" + hex(hello(manifest.schemaHash())) + "&call=" + hex(splitCall(manifest, "a b")));
                assertEquals(0, result.exitCode(), "the page failed:\n" + result.describe());
                String[] lines = result.stdout().strip().split("\n");
                JsonNode seen = new ObjectMapper().readTree(lines[lines.length - 1]);

                assertEquals(1, seen.get("opened").asInt());
                assertEquals(1, seen.get("helloSent").asInt(), "HetuWsSend reports an open socket");
                assertEquals(2, seen.get("messages").size(), "WELCOME and RESULT: " + seen);
                ByteBuffer welcome = frame(seen.at("/messages/0").asText());
                assertEquals(0x81, welcome.get() & 0xFF, "WELCOME");
                assertEquals(1, welcome.getShort(), "protocol version");
                ByteBuffer reply = frame(seen.at("/messages/1").asText());
                assertEquals(0x82, reply.get() & 0xFF, "RESULT");
                assertEquals(REQUEST, reply.getInt());
                reply.getLong();
                assertEquals(2, reply.getInt(), "split(\"a b\") is two strings");
                assertEquals(List.of("a", "b"), List.of(string(reply), string(reply)));
                assertEquals(1, seen.get("closes").size(), "onClose is called once: " + seen.get("closes"));
                assertEquals(1000, seen.at("/closes/0/code").asInt(), "HetuWsClose closes normally");
                assertEquals(0, seen.get("sendAfterClose").asInt(), "a closed socket refuses to send");
                assertEquals(0, seen.get("allocationsLeft").asInt(), "every heap copy the library made was freed");
            } finally {
                server.close();
            }
        }
    }

    private static byte[] hello(String schemaHash) {
        byte[] hash = schemaHash.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + hash.length).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x01)
                .putShort((short) 1).putShort((short) hash.length).put(hash).array();
    }

    private static byte[] splitCall(SchemaManifest manifest, String text) {
        int system = manifest.systems().stream().map(s -> s.namespace() + "." + s.name()).toList().indexOf("sdk.split");
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(11).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x02).putInt(REQUEST)
                .putShort((short) system).putInt(utf8.length).array());
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static ByteBuffer frame(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
