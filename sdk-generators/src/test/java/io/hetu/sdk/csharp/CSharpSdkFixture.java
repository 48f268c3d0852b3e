package io.hetu.sdk.csharp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.hetu.manifest.SchemaManifest;
import io.hetu.sdk.GeneratedFile;
import io.hetu.sdk.TestManifests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** The test app's generated C# SDK, and the Mono tools that compile and run it. */
final class CSharpSdkFixture {

    static final CSharpOptions OPTIONS = new CSharpOptions("SdkTest.Client", "io.hetu.sdk-test", "0.1.0");

    /** A guard against a hung child process, not a timing assertion. */
    private static final long PROCESS_LIMIT_SECONDS = 300;

    private CSharpSdkFixture() {}

    static List<GeneratedFile> generate() {
        return CSharpGenerator.generate(TestManifests.testApp(), OPTIONS);
    }

    /** Writes the test app's package under {@code dir} and returns its Runtime C# sources. */
    static List<Path> writeSdk(Path dir) throws IOException {
        return writeSdk(dir, generate());
    }

    /** Writes a package under {@code dir} and returns its Runtime C# sources. */
    static List<Path> writeSdk(Path dir, List<GeneratedFile> files) throws IOException {
        List<Path> sources = new ArrayList<>();
        for (GeneratedFile file : files) {
            Path path = dir.resolve(file.path());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.content());
            if (file.path().startsWith("Runtime/") && file.path().endsWith(".cs")) {
                sources.add(path);
            }
        }
        return sources;
    }

    /** A C# program of this test package's sources, next to the Java tests. */
    static Path program(String name) {
        Path base = Path.of(System.getProperty("hetu.golden.dir", "src/test/golden")).toAbsolutePath().getParent()
                .getParent().getParent();
        return base.resolve("src/test/java/io/hetu/sdk/csharp/" + name);
    }

    /** The path of a tool on PATH; skips the test loudly when absent, fails when HETU_REQUIRE_TOOLS=1. */
    static String tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String reason = "SKIPPED: '" + name + "' is not on PATH; install Mono (apt-get install -y mono-mcs mono-runtime)"
                + " to run the C# SDK tests";
        if ("1".equals(System.getenv("HETU_REQUIRE_TOOLS"))) {
            fail(reason + " (HETU_REQUIRE_TOOLS=1 makes a missing tool a failure)");
        }
        System.err.println("*** " + reason + " ***");
        Assumptions.abort(reason);
        return null;
    }

    /** Compiles with {@code mcs -langversion:7.2}; fails with the compiler's output on any error or warning. */
    static void compile(Path dir, List<String> options, List<Path> sources) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool("mcs"), "-langversion:7.2", "-warnaserror+",
                "-nologo"));
        command.addAll(options);
        sources.stream().sorted().forEach(p -> command.add(p.toString()));
        Result result = run(dir, command);
        assertEquals(0, result.exitCode(), "mcs failed:\n" + result.output());
    }

    static Result run(Path dir, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                process.getInputStream().transferTo(output);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        if (!process.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command.get(0) + " did not finish; output so far:\n" + output.toString(StandardCharsets.UTF_8));
        }
        reader.join();
        return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }

    static List<Path> csFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".cs")).sorted().toList();
        }
    }

    record Result(int exitCode, String output) {}
}
