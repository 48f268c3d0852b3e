package io.hetu.sdk.typescript;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.sdk.TestVectors;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows written by the server's own flyweight and values written by its own wire writer ({@link TestVectors}),
 * decoded (and the arguments encoded) by the generated TypeScript, which must reproduce them exactly.
 */
class SharedTestVectorsTest {

    @TempDir
    static Path work;
    private static String node;

    @BeforeAll
    static void compileTheSdk() throws Exception {
        node = NodeTools.requireNodeAndTools();
        NodeTools.compile(node, NodeTools.write(NodeTools.generate(), work.resolve("sdk")));
        TypeScriptNodeEndToEndTest.copyScripts(work);
    }

    @Test
    void theGeneratedDecodersAndEncodersReproduceTheServersBytes() throws Exception {
        ObjectNode all = TestVectors.all();
        Path vectors = work.resolve("vectors.json");
        ObjectMapper json = new ObjectMapper();
        json.writerWithDefaultPrettyPrinter().writeValue(vectors.toFile(), all);

        NodeTools.Result run = NodeTools.run(work, List.of(node, work.resolve("scripts/vectors.mjs").toString(),
                "--vectors", vectors.toString()));
        assertEquals(0, run.exitCode(), "the generated TypeScript disagrees with the server's bytes:\n"
                + run.describe());
        String[] lines = run.stdout().strip().split("\n");
        JsonNode summary = json.readTree(lines[lines.length - 1]);
        assertEquals(all.get("rows").size(), summary.get("rows").asInt());
        assertEquals(all.get("arguments").size(), summary.get("arguments").asInt());
        assertEquals(all.get("results").size(), summary.get("results").asInt());
    }
}
