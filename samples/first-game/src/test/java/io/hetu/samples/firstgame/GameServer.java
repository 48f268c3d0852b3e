package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hetu.server.auth.AuthConfig;
import io.hetu.server.auth.DevTokens;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The real first-game server for the end-to-end tests: {@code java -jar hetu.jar start --app first-game.jar} on a
 * data dir and a fixed port, verifying tokens signed with {@link #TOKEN_SECRET}, its output in a file.
 */
final class GameServer {

    /** Guards against a hung process; not a performance expectation. */
    static final long HANG_GUARD_SECONDS = 90;
    /** The HS256 secret of the servers these tests start; {@link #token} signs with it. */
    static final String TOKEN_SECRET = "the first game's end-to-end tests' token secret, for tests only";
    private static final Pattern SERVING = Pattern.compile("HeTu is serving on ws://[^:/]+:(\\d+)/hetu");

    private final Process process;
    private final Path log;
    private boolean stopped;

    private GameServer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the server with these further options of {@code hetu start}. */
    static GameServer start(Path data, int port, Path log, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("--app", property("hetu.app.jar"), "--db", "embedded:" + data,
                "--host", "127.0.0.1", "--port", String.valueOf(port)));
        command.addAll(List.of(options));
        return new GameServer(startProcess(command, log), log);
    }

    /**
     * {@code java -jar hetu.jar start} with these options, its output to {@code log}; it verifies login tokens
     * signed with {@link #TOKEN_SECRET} (given as {@code HETU_AUTH_SECRET}, as a live server is given its own).
     */
    static Process startProcess(List<String> options, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", property("hetu.server.jar"), "start"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("HETU_AUTH_SECRET", TOKEN_SECRET);
        return builder.start();
    }

    /** A login token for {@code user} that the end-to-end tests' servers accept, as a login service would sign it. */
    static String token(long user) {
        return DevTokens.sign(AuthConfig.hs256(TOKEN_SECRET), user, List.of(), Duration.ofHours(1));
    }

    void awaitServing(int port) throws Exception {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
        while (System.nanoTime() < guard) {
            Matcher serving = SERVING.matcher(Files.readString(log));
            if (serving.find()) {
                assertEquals(port, Integer.parseInt(serving.group(1)), "the server took the port it was given");
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        fail("the server did not start:\n" + Files.readString(log));
    }

    /** After the test, whatever happened: SIGTERM, then SIGKILL if need be. */
    void kill() throws InterruptedException {
        if (!stopped) {
            stopped = true;
            process.destroy();
            if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** SIGTERM, and a graceful stop; once. */
    void stop() throws Exception {
        if (stopped) {
            return;
        }
        stopped = true;
        process.destroy();
        if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the server did not stop on SIGTERM:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertTrue(output.contains("Stopping") && output.contains("stopped"), "a graceful stop:\n" + output);
    }

    /** A system property that failsafe sets (samples/first-game/pom.xml). */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set; run this test through failsafe "
                    + "(mvn -pl samples/first-game verify), which sets it in samples/first-game/pom.xml");
        }
        return value;
    }

    /**
     * A port that is free now and lies below the kernel's ephemeral range, so that a client reconnecting while the
     * server is down can never be handed it as its own local port (a TCP self-connect would then hold it).
     */
    static int freePort() throws IOException {
        int ephemeralLow = 32768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            // Read line by line: Files.readString may see only the first byte of a /proc file.
            try (BufferedReader in = Files.newBufferedReader(range)) {
                String line = in.readLine();
                ephemeralLow = line == null ? ephemeralLow : Integer.parseInt(line.trim().split("\\s+")[0]);
            } catch (IOException | NumberFormatException unreadable) {
                // keep the usual Linux default
            }
        }
        if (ephemeralLow > 12000) {
            for (int attempt = 0; attempt < 50; attempt++) {
                int candidate = ThreadLocalRandom.current().nextInt(10000, ephemeralLow);
                try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                    return probe.getLocalPort();
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** An executable on the PATH. */
    static Optional<String> onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * Skips the test loudly when tools it needs are missing, or fails it when {@code HETU_REQUIRE_TOOLS=1} (as in
     * CI, which installs them).
     */
    static void skipUnless(String test, List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        String reason = test + " needs " + String.join(", ", missing);
        if ("1".equals(System.getenv("HETU_REQUIRE_TOOLS"))) {
            fail("HETU_REQUIRE_TOOLS=1 but " + reason);
        }
        System.err.println("*** SKIPPED " + reason + " ***");
        Assumptions.abort(reason);
    }
}
