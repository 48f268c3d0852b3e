package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both generated SDKs, together, against the real first-game server: a Node player (TypeScript SDK, compiled by
 * tsc, on {@code ws}) and a Mono player (C# SDK, compiled by {@code mcs -langversion:7.2}) run at the same time as
 * child processes of this test, which starts {@code java -jar hetu.jar start --app first-game.jar} as
 * {@link FirstGameServerIT} does.
 *
 * <p>Each client prints what it observes as JSON lines and does what this test tells it on stdin, so the test
 * decides the order: both are refused {@code moveTo} before logging in and a login with a forged token, log in with
 * tokens signed with the server's secret (Node as user 1, Mono as user 2) and subscribe to every position (owner
 * 1..999); each sees the other's move; the server is stopped with SIGTERM and started again on the same port and
 * data; both reconnect, log in again and resume their subscriptions on their own, and each again sees the other's
 * next move, as an update of the row that survived the restart.
 *
 * <p>Skips loudly without node, mono, mcs or the npm tools (tsc, ws); with {@code HETU_REQUIRE_TOOLS=1} it fails
 * instead.
 */
class FirstGameSdksIT {

    /** Guards against a hung process or client; not a performance expectation. */
    private static final long HANG_GUARD_SECONDS = 90;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aNodePlayerAndAMonoPlayerSeeEachOtherMoveAcrossAServerRestart() throws Exception {
        Tools tools = Tools.find();
        Path sdks = Path.of(GameServer.property("hetu.sdk.dir"));
        assertTrue(Files.isDirectory(sdks.resolve("typescript/src")) && Files.isDirectory(sdks.resolve("csharp/Runtime")),
                "the generated SDKs are missing from " + sdks + " (hetu-maven-plugin writes them at process-classes)");

        Path data = Files.createDirectories(work.resolve("data"));
        int port = GameServer.freePort();
        String url = "ws://127.0.0.1:" + port + "/hetu";
        GameServer server = GameServer.start(data, port, work.resolve("server-1.log"));
        try {
            // Compiled while the server starts.
            Path sdkIndex = compileTypeScript(tools, sdks.resolve("typescript"));
            Path monoClient = compileCSharp(tools, sdks.resolve("csharp/Runtime"));
            Path nodeClient = resource("node-client.mjs");
            server.awaitServing(port);

            try (Client node = Client.start("node", work, List.of(tools.node(), nodeClient.toString(), sdkIndex.toString(),
                    tools.nodeModules().toString(), url, GameServer.token(1)));
                    Client mono = Client.start("mono", work, List.of(tools.mono(), "--debug", monoClient.toString(), url,
                            GameServer.token(2)))) {

                // Before logging in, a USER system refuses each of them, with the SDK's typed rejection.
                JsonNode nodeRefused = node.await("rejected");
                JsonNode monoRefused = mono.await("rejected");
                assertEquals("PERMISSION", nodeRefused.get("code").asText(), nodeRefused.toString());
                assertEquals("HetuRejection", nodeRefused.get("kind").asText());
                assertEquals("PERMISSION", monoRefused.get("code").asText(), monoRefused.toString());
                assertEquals("HetuRejectionException", monoRefused.get("kind").asText());
                // The server verifies the login's token: one that is not a signed token is refused, typed.
                for (Client client : List.of(node, mono)) {
                    JsonNode forged = client.await("rejected");
                    assertEquals("login", forged.get("call").asText(), forged.toString());
                    assertEquals("UNAUTHENTICATED", forged.get("code").asText(), forged.toString());
                }
                assertEquals(1, node.await("login").get("count").asInt());
                assertEquals(1, mono.await("login").get("count").asInt());
                assertEquals(0, node.await("subscribed").get("rows").size(), "a fresh data dir: nobody is on the map");
                assertEquals(0, mono.await("subscribed").get("rows").size(), "a fresh data dir: nobody is on the map");

                // Each sees the other's move.
                node.send("move 3 4");
                node.await("moved");
                mono.send("expect 1 3 4");
                JsonNode monoSawNode = mono.await("saw");
                mono.send("move 5 6");
                mono.await("moved");
                node.send("expect 2 5 6");
                JsonNode nodeSawMono = node.await("saw");
                node.send("expect 1 3 4");
                mono.send("expect 2 5 6");
                JsonNode nodeRow = node.await("saw").get("id");
                JsonNode monoRow = mono.await("saw").get("id");
                assertEquals(nodeRow, monoSawNode.get("id"), "both SDKs know Node's row by the same id");
                assertEquals(monoRow, nodeSawMono.get("id"), "both SDKs know Mono's row by the same id");

                // SIGTERM, then the same server on the same port and data; the clients come back by themselves.
                server.stop();
                server = GameServer.start(data, port, work.resolve("server-2.log"));
                server.awaitServing(port);
                node.send("await-login 2");
                mono.send("await-login 2");
                assertEquals(2, node.await("ready").get("logins").asInt());
                assertEquals(2, mono.await("ready").get("logins").asInt());

                // The resumed subscriptions follow the rows that survived the restart.
                node.send("move 7 8");
                node.await("moved");
                mono.send("expect 1 7 8");
                assertEquals(nodeRow, mono.await("saw").get("id"), "Node's row kept its id across the restart");
                mono.send("move 9 10");
                mono.await("moved");
                node.send("expect 2 9 10");
                assertEquals(monoRow, node.await("saw").get("id"), "Mono's row kept its id across the restart");
                node.send("expect 1 7 8");
                mono.send("expect 2 9 10");
                node.await("saw");
                mono.await("saw");

                node.send("finish");
                mono.send("finish");
                JsonNode nodeDone = node.await("done");
                JsonNode monoDone = mono.await("done");
                assertEquals(0, node.awaitExit(), "the Node client's checks failed:\n" + node.transcript());
                assertEquals(0, mono.awaitExit(), "the Mono client's checks failed:\n" + mono.transcript());

                for (Client client : List.of(node, mono)) {
                    JsonNode done = client == node ? nodeDone : monoDone;
                    String context = client.name() + " saw " + done;
                    assertEquals(List.of(row(nodeRow, 1, 7, 8), row(monoRow, 2, 9, 10)), elements(done.get("rows")),
                            "the cache holds both rows at their last positions: " + context);
                    assertEquals(2, done.get("logins").asInt(), "logged in again after the reconnect: " + context);
                    // Exactly one event per change: an insert before the restart, an update from the cached row after.
                    assertEquals(List.of("insert 1 3 4", "update 1 7 8 from 3 4"), changes(done, "1"), context);
                    assertEquals(List.of("insert 2 5 6", "update 2 9 10 from 5 6"), changes(done, "2"), context);
                    assertEquals(4, done.get("events").size(), "no other events (no deletes, no end): " + context);
                }
                List<String> nodeStates = strings(nodeDone.get("states"));
                assertTrue(followedBy(nodeStates, "reconnecting", "open"),
                        "the Node client went through reconnecting back to open: " + nodeStates);
                List<String> monoStates = strings(monoDone.get("states"));
                assertTrue(followedBy(monoStates, "Reconnecting", "Connected"),
                        "the Mono client went through Reconnecting back to Connected: " + monoStates);
                assertEquals(List.of(), strings(nodeDone.get("errors")), "no errors reached the Node client's onError");
                // The C# SDK raises Connection.Error for each failed reconnect attempt (and a server ERROR, if one came).
                for (JsonNode error : monoDone.get("errors")) {
                    assertEquals("HetuConnectionException", error.get("kind").asText(), "only connection errors: " + error);
                }
            }
        } finally {
            server.kill();
        }
    }

    /** A client program of this test, from the test classpath into the work folder. */
    private Path resource(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("sdk-clients/" + name)) {
            assertTrue(in != null, "the client program sdk-clients/" + name + " is not on the test classpath");
            Path target = work.resolve(name);
            Files.write(target, in.readAllBytes());
            return target;
        }
    }

    /** Copies the generated TypeScript package and builds it with its own tsconfig; returns dist/index.js. */
    private Path compileTypeScript(Tools tools, Path generated) throws Exception {
        Path sdk = work.resolve("typescript-sdk");
        for (String file : List.of("package.json", "tsconfig.json")) {
            Files.createDirectories(sdk);
            Files.copy(generated.resolve(file), sdk.resolve(file));
        }
        try (Stream<Path> files = Files.walk(generated.resolve("src"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = sdk.resolve(generated.relativize(file));
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Finished tsc = run(sdk, List.of(tools.node(), tools.tsc().toString(), "-p", "tsconfig.json"));
        assertEquals(0, tsc.exitCode(), "tsc failed on the generated TypeScript SDK:\n" + tsc.output());
        Path index = sdk.resolve("dist/index.js");
        assertTrue(Files.isRegularFile(index), "tsc wrote no " + index);
        return index;
    }

    /** Compiles the generated C# Runtime with the Mono client into one program, warnings being errors. */
    private Path compileCSharp(Tools tools, Path runtime) throws Exception {
        Path program = resource("MonoClient.cs");
        Path exe = work.resolve("MonoClient.exe");
        List<String> command = new ArrayList<>(List.of(tools.mcs(), "-langversion:7.2", "-warnaserror+", "-nologo",
                "-out:" + exe));
        try (Stream<Path> files = Files.walk(runtime)) {
            files.filter(f -> f.toString().endsWith(".cs")).sorted().forEach(f -> command.add(f.toString()));
        }
        command.add(program.toString());
        Finished mcs = run(work, command);
        assertEquals(0, mcs.exitCode(), "mcs failed on the generated C# SDK and the client:\n" + mcs.output());
        return exe;
    }

    private record Finished(int exitCode, String output) {}

    private static Finished run(Path dir, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[][] output = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = ("(reading the output failed: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command.getFirst() + " did not finish");
        }
        reader.join();
        return new Finished(process.exitValue(), new String(output[0], StandardCharsets.UTF_8));
    }

    private static JsonNode row(JsonNode id, long owner, double x, double y) {
        return JSON.createObjectNode().put("id", id.asText()).put("owner", String.valueOf(owner)).put("x", x).put("y", y);
    }

    /** A client's events for one owner's row, in order, as text. */
    private static List<String> changes(JsonNode done, String owner) {
        return elements(done.get("events")).stream().filter(e -> e.path("owner").asText().equals(owner))
                .map(e -> e.get("event").asText() + " " + owner + " " + number(e.get("x")) + " " + number(e.get("y"))
                        + (e.has("previousX") ? " from " + number(e.get("previousX")) + " " + number(e.get("previousY")) : ""))
                .toList();
    }

    private static String number(JsonNode value) {
        double number = value.asDouble();
        return number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number);
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(element -> elements.add(element.isObject() ? normalized(element) : element));
        return elements;
    }

    /** Numbers as doubles, so that 7 from one client equals 7.0 from the other. */
    private static JsonNode normalized(JsonNode object) {
        var copy = JSON.createObjectNode();
        object.properties().forEach(field -> {
            if (field.getValue().isNumber()) {
                copy.put(field.getKey(), field.getValue().asDouble());
            } else {
                copy.set(field.getKey(), field.getValue());
            }
        });
        return copy;
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(element -> strings.add(element.isTextual() ? element.asText() : element.toString()));
        return strings;
    }

    private static boolean followedBy(List<String> states, String first, String then) {
        int at = states.indexOf(first);
        return at >= 0 && states.subList(at + 1, states.size()).contains(then);
    }

    /** node, mono and mcs on the PATH; tsc and ws in the SDK generators' test tools. */
    private record Tools(String node, String mono, String mcs, Path nodeModules) {

        Path tsc() {
            return nodeModules.resolve("typescript/bin/tsc");
        }

        static Tools find() {
            Path nodeModules = Path.of(GameServer.property("hetu.node.modules")).toAbsolutePath().normalize();
            Optional<String> node = GameServer.onPath("node");
            Optional<String> mono = GameServer.onPath("mono");
            Optional<String> mcs = GameServer.onPath("mcs");
            List<String> missing = new ArrayList<>();
            node.ifPresentOrElse(n -> { }, () -> missing.add("node (not on the PATH; install Node.js 20+)"));
            mono.ifPresentOrElse(n -> { }, () -> missing.add("mono (not on the PATH; apt-get install mono-runtime)"));
            mcs.ifPresentOrElse(n -> { }, () -> missing.add("mcs (not on the PATH; apt-get install mono-mcs)"));
            if (!Files.isRegularFile(nodeModules.resolve("typescript/bin/tsc"))
                    || !Files.isDirectory(nodeModules.resolve("ws"))) {
                missing.add("tsc and ws in " + nodeModules + " (npm install --no-audit --no-fund --prefix "
                        + "sdk-generators/src/test/node)");
            }
            GameServer.skipUnless("FirstGameSdksIT", missing);
            return new Tools(node.orElseThrow(), mono.orElseThrow(), mcs.orElseThrow(), nodeModules);
        }
    }

    /** A client process: commands to its stdin, JSON lines from its stdout. */
    private static final class Client implements AutoCloseable {
        private static final String END = "\u0000end";

        private final String name;
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
        private final StringBuffer stderr = new StringBuffer();

        private Client(String name, Process process) {
            this.name = name;
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        transcript.add(line);
                        lines.add(line);
                    }
                } catch (IOException e) {
                    transcript.add("(reading stdout failed: " + e + ")");
                } finally {
                    lines.add(END);
                }
            });
            Thread.ofVirtual().start(() -> {
                try {
                    stderr.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    stderr.append("(reading stderr failed: ").append(e).append(')');
                }
            });
        }

        static Client start(String name, Path dir, List<String> command) throws IOException {
            return new Client(name, new ProcessBuilder(command).directory(dir.toFile()).start());
        }

        String name() {
            return name;
        }

        void send(String command) {
            try {
                stdin.write(command + "\n");
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("the " + name + " client no longer reads commands:\n" + transcript(), e);
            }
        }

        /** The next line of this event, skipping others (they stay in the transcript); fails on a failed check. */
        JsonNode await(String event) throws Exception {
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
            while (true) {
                String line = lines.poll(Math.max(0, guard - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("the " + name + " client printed no '" + event + "':\n" + transcript());
                }
                if (line.equals(END)) {
                    lines.add(END);
                    fail("the " + name + " client ended before '" + event + "':\n" + transcript());
                }
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode json = JSON.readTree(line);
                String seen = json.path("event").asText();
                if (seen.equals("fail")) {
                    fail("the " + name + " client failed a check: " + json.path("message").asText() + "\n" + transcript());
                }
                if (seen.equals(event)) {
                    return json;
                }
            }
        }

        int awaitExit() throws Exception {
            if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                fail("the " + name + " client did not exit:\n" + transcript());
            }
            return process.exitValue();
        }

        String transcript() {
            synchronized (transcript) {
                return "--- " + name + " stdout ---\n" + String.join("\n", transcript) + "\n--- " + name + " stderr ---\n"
                        + stderr;
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
