package io.hetu.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.annotation.processing.Processor;
import javax.tools.JavaFileObject;

/**
 * The rich systems fixture under {@code src/test/systems}. Generated dispatchers compile against
 * the real contracts of {@code hetu-api} (SystemContext, SystemDispatcher, the wire reader and
 * writer), which are on the test class path.
 */
final class SystemSources {

    private SystemSources() {}

    static List<JavaFileObject> fixture() {
        return sourcesUnder("fixture");
    }

    /**
     * Compiles {@code sources} with the HeTu processor and any {@code others} (which
     * run first), warnings as errors; processors that claim no annotation are no warning.
     */
    static Compilation compile(List<JavaFileObject> sources, Processor... others) {
        List<JavaFileObject> all = new ArrayList<>(sources);
        List<Processor> processors = new ArrayList<>(List.of(others));
        processors.add(new HetuProcessor());
        return Compiler.javac().withProcessors(processors).withOptions("-Xlint:all,-processing", "-Werror")
                .compile(all);
    }

    private static List<JavaFileObject> sourcesUnder(String folder) {
        Path root = Path.of(System.getProperty("hetu.systems.dir")).resolve(folder);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().map(p -> {
                try {
                    return JavaFileObjects.forResource(p.toUri().toURL());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
