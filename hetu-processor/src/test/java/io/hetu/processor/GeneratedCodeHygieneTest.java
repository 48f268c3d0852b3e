package io.hetu.processor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Generated code uses no reflection and no {@code sun.misc.Unsafe}: only typed memory access. */
class GeneratedCodeHygieneTest {

    static final List<String> FORBIDDEN = List.of("java.lang.reflect", "sun.misc", "Unsafe", "Class.forName",
            "getDeclared", "MethodHandles", "setAccessible");

    @Test
    void generatedSourcesUseNoReflectionOrUnsafe() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of(System.getProperty("hetu.generated.dir")))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() >= 6, "expected the generated fixture sources, found " + sources);
        for (Path source : sources) {
            String text = Files.readString(source);
            for (String token : FORBIDDEN) {
                assertFalse(text.contains(token), source + " contains " + token);
            }
        }
    }
}
