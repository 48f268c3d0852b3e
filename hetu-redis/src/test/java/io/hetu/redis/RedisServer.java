package io.hetu.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free loopback port, with its data (append-only file, synced on
 * every write) in a temporary directory, so it can be killed and started again with its data.
 * Tests skip loudly when redis-server is not installed, and fail instead under
 * {@code HETU_REQUIRE_TOOLS=1}.
 */
public final class RedisServer implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static RedisServer shared;

    private final String binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(String binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a new server; the caller closes it. */
    public static RedisServer start() throws IOException, InterruptedException {
        String binary = binary();
        Path dir = Files.createTempDirectory("hetu-redis");
        RedisServer server = new RedisServer(binary, dir, freePort());
        server.launch();
        return server;
    }

    /** One server for the whole test run, stopped when the JVM exits. */
    public static synchronized RedisServer shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new IllegalStateException("could not start redis-server", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            RedisServer started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "redis-server-stop"));
        }
        return shared;
    }

    /** A database name no other test uses, so tests sharing a server never see each other's rows. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    /** A config for a fresh database on this server. */
    public RedisConfig database(String prefix) {
        return RedisConfig.of("127.0.0.1", port, uniqueName(prefix));
    }

    public int port() {
        return port;
    }

    /** The path of redis-server, or a skip (a failure under HETU_REQUIRE_TOOLS=1) when it is absent. */
    public static String binary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String reason = "SKIPPED: 'redis-server' is not installed; install it (apt-get install -y redis-server) to run "
                + "the Redis backend tests";
        if ("1".equals(System.getenv("HETU_REQUIRE_TOOLS"))) {
            fail(reason + " (HETU_REQUIRE_TOOLS=1 makes a missing tool a failure)");
        }
        System.err.println("*** " + reason + " ***");
        Assumptions.abort(reason);
        return null;
    }

    private void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--logfile", dir.resolve("redis.log").toString(), "--daemonize", "no")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ping()) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("redis.out")) + Files.readString(dir.resolve("redis.log")));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("redis-server did not answer on port " + port + " within 20 s");
            }
            Thread.sleep(20);
        }
    }

    private boolean ping() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.readNBytes(reply, 0, 7);
            return read == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the server again on the same port with the same data. */
    public void restart() throws IOException, InterruptedException {
        launch();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
