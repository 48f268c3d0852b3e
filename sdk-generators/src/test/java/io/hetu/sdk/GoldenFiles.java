package io.hetu.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The golden files of a generated SDK ({@code src/test/golden/<sdk>}), for review in diffs: what the generator wrote
 * from the test app's schema. The runtime files it copies from its resources are left out, as the end-to-end tests
 * run those. With {@code -Dhetu.golden.update=true} the folder is rewritten from the generated files first.
 */
public final class GoldenFiles {

    private static final Path ROOT = Path.of(System.getProperty("hetu.golden.dir", "src/test/golden"));

    private GoldenFiles() {}

    /** Asserts that the generated files, less the copied runtime, are exactly the golden files of {@code sdk}. */
    public static void assertMatch(String sdk, List<GeneratedFile> files) throws IOException {
        Path folder = ROOT.resolve(sdk);
        Map<String, String> generated = new TreeMap<>();
        files.stream().filter(f -> !f.runtime()).forEach(f -> generated.put(f.path(), f.content()));
        if (Boolean.getBoolean("hetu.golden.update")) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> old = Files.walk(folder)) {
                    for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            for (Map.Entry<String, String> file : generated.entrySet()) {
                Path target = folder.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            }
            System.err.println("*** updated the golden files in " + folder + " ***");
        }
        Map<String, String> golden = new TreeMap<>();
        try (Stream<Path> stored = Files.walk(folder)) {
            for (Path path : stored.filter(Files::isRegularFile).toList()) {
                golden.put(folder.relativize(path).toString().replace('\\', '/'),
                        Files.readString(path, StandardCharsets.UTF_8));
            }
        }
        String regenerate = "; after review, regenerate with -Dhetu.golden.update=true";
        assertEquals(golden.keySet(), generated.keySet(), "the generated files differ from those in " + folder
                + regenerate);
        for (String path : generated.keySet()) {
            assertEquals(golden.get(path), generated.get(path), path + " differs from its golden file" + regenerate);
        }
    }
}
