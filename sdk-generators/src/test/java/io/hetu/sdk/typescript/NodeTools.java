package io.hetu.sdk.typescript;

import static org.junit.jupiter.api.Assertions.fail;

import io.hetu.manifest.SchemaManifest;
import io.hetu.sdk.GeneratedFile;
import io.hetu.sdk.TestManifests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The test app's SDK, and the Node tools that compile and run it: {@code node} from the PATH, {@code tsc},
 * {@code ws}, {@code vite} and {@code playwright-core} (which drives Chromium) from
 * {@code src/test/node/node_modules} (installed with
 * {@code npm install --no-audit --no-fund --prefix sdk-generators/src/test/node}).
 */
public final class NodeTools {

    static final TypeScriptOptions OPTIONS = new TypeScriptOptions("hetu-sdk-test-client", "0.1.0");
    /** Surefire runs in the module's folder. */
    public static final Path TOOLS = Path.of("src/test/node").toAbsolutePath();
    public static final Path NODE_MODULES = TOOLS.resolve("node_modules");
    static final Path TSC = NODE_MODULES.resolve("typescript/bin/tsc");
    public static final Path SCRIPTS = TOOLS.resolve("scripts");

    /** Guards against a hung child process; not a performance expectation. */
    private static final long HANG_GUARD_MINUTES = 5;

    private NodeTools() {}

    static List<GeneratedFile> generate() throws IOException {
        return TypeScriptGenerator.generate(TestManifests.testApp(), OPTIONS);
    }

    static Path write(List<GeneratedFile> files, Path dir) throws IOException {
        for (GeneratedFile file : files) {
            Path target = dir.resolve(file.path());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.content(), StandardCharsets.UTF_8);
        }
        return dir;
    }

    /**
     * Skips the calling test with a loud reason when node or the npm tools are missing, or fails it when
     * {@code HETU_REQUIRE_TOOLS=1} (as in CI).
     */
    public static String requireNodeAndTools() {
        String node = findOnPath("node");
        List<String> missing = new ArrayList<>();
        if (node == null) {
            missing.add("node (not on the PATH)");
        }
        if (!Files.isRegularFile(TSC)) {
            missing.add("typescript (" + TSC + ")");
        }
        if (!Files.isDirectory(NODE_MODULES.resolve("ws"))) {
            missing.add("ws (" + NODE_MODULES.resolve("ws") + ")");
        }
        abortIfMissing(missing);
        return node;
    }

    /** Debian's Chromium, which playwright-core drives (it never downloads a browser). */
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** Like {@link #requireNodeAndTools()}, for the tests that also need Chromium, playwright-core and Vite. */
    public static String requireBrowserTools() {
        String node = requireNodeAndTools();
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("chromium (" + CHROMIUM + ")");
        }
        for (String module : List.of("playwright-core", "vite")) {
            if (!Files.isDirectory(NODE_MODULES.resolve(module))) {
                missing.add(module + " (" + NODE_MODULES.resolve(module) + ")");
            }
        }
        abortIfMissing(missing);
        return node;
    }

    private static void abortIfMissing(List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        String reason = "missing " + String.join(", ", missing) + "; install the npm tools with: npm install "
                + "--no-audit --no-fund --prefix sdk-generators/src/test/node";
        if ("1".equals(System.getenv("HETU_REQUIRE_TOOLS"))) {
            fail("HETU_REQUIRE_TOOLS=1 but " + reason);
        }
        System.err.println("*** SKIPPED Node or browser test: " + reason + " ***");
        Assumptions.abort(reason);
    }

    /**
     * Serves {@code root} on loopback, opens {@code page} (a path and query under it) in headless Chromium with a
     * fresh profile and returns what the page's {@code window.hetuDone} resolved to, as one JSON line
     * ({@code scripts/browser.mjs}).
     */
    public static Result browser(String node, Path root, String page) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(root.getParent(), "chromium-profile");
        return run(root, List.of(node, SCRIPTS.resolve("browser.mjs").toString(), "--node-modules",
                NODE_MODULES.toString(), "--chromium", CHROMIUM.toString(), "--root", root.toString(), "--page", page,
                "--profile", profile.toString()));
    }

    private static String findOnPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public String describe() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs a command to its end and collects its output. */
    public static Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
        return collect(command, start(workDir, command));
    }

    private static Result collect(List<String> command, Process process) throws InterruptedException {
        byte[][] output = new byte[2][];
        Thread err = Thread.ofVirtual().start(() -> output[1] = readAll(process.getErrorStream()));
        output[0] = readAll(process.getInputStream());
        if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(command + " did not end within " + HANG_GUARD_MINUTES + " minutes");
        }
        err.join();
        return new Result(process.exitValue(), new String(output[0], StandardCharsets.UTF_8),
                new String(output[1], StandardCharsets.UTF_8));
    }

    static Process start(Path workDir, List<String> command) throws IOException {
        return new ProcessBuilder(command).directory(workDir.toFile()).start();
    }

    /**
     * Runs {@code npm run <script>} in a generated package as its user would, with the test tools' {@code .bin}
     * first on the PATH in place of the package's own (not installed) devDependencies, so no test goes online.
     */
    static Result npmRun(Path pkg, String script) throws IOException, InterruptedException {
        return npm(pkg, List.of("run", "--silent", script));
    }

    /** Runs {@code npm <arguments>} in {@code dir} with the test tools' {@code .bin} first on the PATH. */
    static Result npm(Path dir, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("npm"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().merge("PATH", NODE_MODULES.resolve(".bin").toString(),
                (path, bin) -> bin + java.io.File.pathSeparator + path);
        return collect(command, builder.start());
    }

    static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return ("(reading the output failed: " + e + ")").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Compiles the generated package in {@code sdk} with its own tsconfig, to {@code sdk/dist}. */
    static void compile(String node, Path sdk) throws IOException, InterruptedException {
        Result result = run(sdk, List.of(node, TSC.toString(), "-p", "tsconfig.json"));
        if (result.exitCode() != 0) {
            fail("tsc failed on the generated SDK:\n" + result.describe());
        }
    }
}
