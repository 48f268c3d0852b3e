package io.hetu.samples.support;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A sample's Node client scripts run on its generated TypeScript SDK: finds {@code node} and the
 * npm tools ({@code tsc}, {@code ws}, from the folder named by {@code hetu.node.modules}), compiles
 * the SDK that {@code hetu-maven-plugin} wrote (folder {@code hetu.sdk.dir}), and runs scripts
 * that print one JSON object per line. Without the tools it skips loudly, or fails when
 * {@code HETU_REQUIRE_TOOLS=1}.
 */
public final class NodeClients {

    /** Guards against a hung tool or client; not a performance expectation. */
    private static final long HANG_GUARD_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String node;
    private final Path nodeModules;
    private final Path sdkIndex;

    private NodeClients(String node, Path nodeModules, Path sdkIndex) {
        this.node = node;
        this.nodeModules = nodeModules;
        this.sdkIndex = sdkIndex;
    }

    /** Finds the tools and compiles the generated SDK into {@code work}. */
    public static NodeClients compile(Path work) throws Exception {
        Path nodeModules = Path.of(SampleServer.property("hetu.node.modules")).toAbsolutePath().normalize();
        String node = onPath("node");
        List<String> missing = new ArrayList<>();
        if (node == null) {
            missing.add("node (not on the PATH; install Node.js 20+)");
        }
        if (!Files.isRegularFile(nodeModules.resolve("typescript/bin/tsc")) || !Files.isDirectory(nodeModules.resolve("ws"))) {
            missing.add("tsc and ws in " + nodeModules + " (npm install --no-audit --no-fund --prefix "
                    + "sdk-generators/src/test/node)");
        }
        if (!missing.isEmpty()) {
            String reason = "this sample's end-to-end test needs " + String.join(", ", missing);
            if ("1".equals(System.getenv("HETU_REQUIRE_TOOLS"))) {
                fail("HETU_REQUIRE_TOOLS=1 but " + reason);
            }
            System.err.println("*** SKIPPED " + reason + " ***");
            Assumptions.abort(reason);
        }
        Path generated = Path.of(SampleServer.property("hetu.sdk.dir")).resolve("typescript");
        Path sdk = work.resolve("typescript-sdk");
        try (Stream<Path> files = Files.walk(generated)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = sdk.resolve(generated.relativize(file));
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Client tsc = start(sdk, List.of(node, nodeModules.resolve("typescript/bin/tsc").toString(), "-p", "tsconfig.json"));
        if (tsc.awaitExit() != 0) {
            fail("tsc failed on the generated TypeScript SDK:\n" + tsc.transcript());
        }
        return new NodeClients(node, nodeModules, sdk.resolve("dist/index.js"));
    }

    /**
     * Starts {@code script} with the SDK, the npm tools and the server's URL as its first options
     * ({@code --sdk}, {@code --node-modules}, {@code --url}), then {@code args}.
     */
    public Client start(Path script, String url, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(node, script.toString(), "--sdk", sdkIndex.toString(),
                "--node-modules", nodeModules.toString(), "--url", url));
        command.addAll(List.of(args));
        return start(script.getParent(), command);
    }

    private static Client start(Path dir, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        return new Client(process, String.join(" ", command));
    }

    private static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** A running client: its output lines, as JSON where they are JSON. */
    public static final class Client implements AutoCloseable {

        private final Process process;
        private final String command;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> transcript = new ArrayList<>();
        private final Thread reader;

        private Client(Process process, String command) {
            this.process = process;
            this.command = command;
            this.reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    out.lines().forEach(lines::add);
                } catch (IOException | UncheckedIOException closed) {
                    // close() ended the process while its output was being read: nothing more will come.
                }
            });
        }

        /** The next JSON line that {@code wanted} accepts; lines before it are skipped (and kept in the transcript). */
        public JsonNode await(String what, Predicate<JsonNode> wanted) throws Exception {
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
            while (System.nanoTime() < guard) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    if (!process.isAlive() && lines.isEmpty()) {
                        reader.join();
                        if (lines.isEmpty()) {
                            break;
                        }
                    }
                    continue;
                }
                synchronized (transcript) {
                    transcript.add(line);
                }
                JsonNode json = line.startsWith("{") ? JSON.readTree(line) : null;
                if (json != null && json.path("event").asText().equals("fail")) {
                    fail("the client failed: " + json + "\n" + transcript());
                }
                if (json != null && wanted.test(json)) {
                    return json;
                }
            }
            fail("gave up waiting for " + what + " from " + command + ":\n" + transcript());
            return null;
        }

        /** The next line whose {@code event} is {@code event}. */
        public JsonNode await(String event) throws Exception {
            return await("event " + event, json -> json.path("event").asText().equals(event));
        }

        /** Waits for the process to end; returns its exit code. */
        public int awaitExit() throws Exception {
            if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish:\n" + transcript());
            }
            reader.join();
            String line;
            while ((line = lines.poll()) != null) {
                synchronized (transcript) {
                    transcript.add(line);
                }
            }
            return process.exitValue();
        }

        public String transcript() {
            synchronized (transcript) {
                return String.join("\n", transcript);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
