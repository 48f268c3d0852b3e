package io.hetu.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated sources of the richest fixture and the test manifest, compared with reviewed copies
 * under {@code src/test/golden}. After an intended change, regenerate them with
 * {@code mvn verify -pl hetu-processor -Dhetu.golden.update=true} and review the diff.
 */
class GoldenFilesTest {

    static List<String> generatedSources() {
        return List.of(
                "io/hetu/processor/fixtures/EverythingRow.java",
                "io/hetu/processor/fixtures/EverythingTable.java",
                "io/hetu/processor/fixtures/GuildNoteTable.java",
                "io/hetu/processor/fixtures/RankingRow.java",
                "io/hetu/processor/fixtures/RankingTable.java",
                "io/hetu/processor/fixtures/ChatLineTable.java");
    }

    @ParameterizedTest
    @MethodSource("generatedSources")
    void generatedSourceMatchesGolden(String path) throws IOException {
        Path generated = Path.of(System.getProperty("hetu.generated.dir")).resolve(path);
        compare(path.substring(path.lastIndexOf('/') + 1), Files.readString(generated));
    }

    @ParameterizedTest
    @MethodSource("manifest")
    void manifestMatchesGolden(String resource) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            compare("schema.json", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static List<String> manifest() {
        return List.of("META-INF/hetu/schema.json");
    }

    static void compare(String name, String actual) throws IOException {
        Path golden = Path.of(System.getProperty("hetu.golden.dir")).resolve(name + ".golden");
        if (Boolean.getBoolean("hetu.golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual);
            return;
        }
        String expected = Files.exists(golden) ? Files.readString(golden) : "<missing golden file " + golden + ">";
        assertEquals(expected, actual, name + " differs from " + golden
                + "; if the change is intended, rerun with -Dhetu.golden.update=true and review the diff");
    }
}
