package io.hetu.sdk.typescript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.sdk.fixtures.GadgetTable;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated SDK as an npm user gets it: {@code npm pack} (which builds it), {@code npm install} of the tarball
 * into a Vite app, {@code vite build} of a page that uses it, run in Chromium against a live server, and an ESM
 * import of the installed package in Node. Everything stays offline: the package has no runtime dependencies, and
 * tsc and vite come from the test tools.
 */
class TypeScriptPackageTest {

    private static final String TARBALL = "hetu-sdk-test-client-0.1.0.tgz";

    @TempDir
    Path work;
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void thePackedSdkInstallsIntoAViteAppThatRunsInChromiumAndImportsInNode() throws Exception {
        String node = NodeTools.requireBrowserTools();
        Path sdk = NodeTools.write(NodeTools.generate(), work.resolve("sdk"));
        succeed("npm pack", NodeTools.npm(sdk, List.of("pack", "--silent", "--pack-destination", work.toString())));
        Set<String> packed = Set.of(succeed("tar", NodeTools.run(work, List.of("tar", "-tzf", TARBALL)))
                .stdout().split("\n"));
        assertTrue(packed.containsAll(Set.of("package/package.json", "package/dist/index.js",
                "package/dist/index.d.ts", "package/dist/runtime/connection.d.ts")), "the tarball holds " + packed);
        JsonNode manifest = json.readTree(sdk.resolve("package.json").toFile());
        assertEquals("Apache-2.0", manifest.get("license").asText());
        assertEquals("./dist/index.d.ts", manifest.at("/exports/./types").asText());
        assertEquals("./dist/index.js", manifest.at("/exports/./import").asText());

        Path app = Files.createDirectories(work.resolve("app"));
        try (var files = Files.list(NodeTools.TOOLS.resolve("vite-app"))) {
            for (Path file : files.toList()) {
                Files.copy(file, app.resolve(file.getFileName()));
            }
        }
        Files.copy(NodeTools.SCRIPTS.resolve("common.mjs"), app.resolve("common.mjs"));
        Files.writeString(app.resolve("package.json"), """
                {"name": "vite-app", "private": true, "type": "module",
                 "dependencies": {"hetu-sdk-test-client": "file:../%s"}}
                """.formatted(TARBALL));
        succeed("npm install", NodeTools.npm(app, List.of("install", "--offline", "--no-audit", "--no-fund",
                "--no-package-lock", "--silent")));
        assertTrue(Files.isRegularFile(app.resolve("node_modules/hetu-sdk-test-client/dist/index.d.ts")));
        assertTrue(!Files.exists(app.resolve("node_modules/ws")), "the package pulls in no dependency");
        succeed("vite build", NodeTools.run(app, List.of(node,
                NodeTools.NODE_MODULES.resolve("vite/bin/vite.js").toString(), "build", "--logLevel", "warn")));

        App hetuApp = App.load(getClass().getClassLoader(), null);
        try (Database database = Embedded.inMemory(hetuApp.tables())) {
            ServerConfig config = ServerConfig.defaults().withHost("127.0.0.1").withPort(0);
            HetuServer server = HetuServer.start(hetuApp, database, config);
            try {
                String url = "ws://127.0.0.1:" + server.port() + config.path();
                JsonNode page = lastLine(succeed("the Vite page in Chromium",
                        NodeTools.browser(node, app.resolve("dist"), "index.html?owner=7001&url=" + url)));
                long stored = database.transact(0, tx -> tx.id(tx.getBy(GadgetTable.OWNER, 7001L)));
                assertEquals(String.valueOf(stored), page.get("savedId").asText());
                assertEquals(String.valueOf(stored), page.at("/insert/id").asText(),
                        "the page's subscription received the insert of the row its call saved");
                assertEquals("from vite", page.at("/insert/name").asText());
                assertEquals(hetuApp.schemaHash(), page.get("schemaHash").asText());

                JsonNode imported = lastLine(succeed("the Node import", NodeTools.run(app, List.of(node,
                        app.resolve("node-import.mjs").toString(), "--url", url, "--node-modules",
                        NodeTools.NODE_MODULES.toString()))));
                assertEquals(1.5, imported.at("/sum/x").asDouble());
                assertEquals(-2.0, imported.at("/sum/y").asDouble());
            } finally {
                server.close();
            }
        }
    }

    private static NodeTools.Result succeed(String what, NodeTools.Result result) {
        assertEquals(0, result.exitCode(), what + " failed:\n" + result.describe());
        return result;
    }

    private JsonNode lastLine(NodeTools.Result result) throws Exception {
        String[] lines = result.stdout().strip().split("\n");
        return json.readTree(lines[lines.length - 1]);
    }
}
