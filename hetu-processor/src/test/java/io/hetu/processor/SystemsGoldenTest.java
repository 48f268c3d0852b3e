package io.hetu.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher generated for the rich systems fixture ({@code src/test/systems/fixture}) and the
 * manifest with its systems, compared with reviewed copies under {@code src/test/golden}; the
 * fixture compiles against hetu-api without a warning.
 */
class SystemsGoldenTest {

    private static Compilation compilation;

    @BeforeAll
    static void compileFixture() {
        compilation = SystemSources.compile(SystemSources.fixture());
    }

    @Test
    void dispatcherMatchesGolden() throws IOException {
        assertThat(compilation).succeededWithoutWarnings();
        JavaFileObject dispatcher = compilation.generatedSourceFile("io.hetu.processor.systems.HetuSystems")
                .orElseThrow();
        String source = dispatcher.getCharContent(true).toString();
        for (String token : GeneratedCodeHygieneTest.FORBIDDEN) {
            assertFalse(source.contains(token), "the dispatcher contains " + token);
        }
        GoldenFilesTest.compare("HetuSystems.java", source);
    }

    @Test
    void manifestMatchesGolden() throws IOException {
        assertThat(compilation).succeededWithoutWarnings();
        JavaFileObject manifest = compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
                "META-INF/hetu/schema.json").orElseThrow();
        GoldenFilesTest.compare("systems-schema.json", manifest.getCharContent(true).toString());
    }
}
