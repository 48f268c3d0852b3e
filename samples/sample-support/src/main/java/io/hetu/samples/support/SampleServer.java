package io.hetu.samples.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server, {@code java -jar hetu.jar start --app <sample jar>}, in a child process on a
 * data directory and a free loopback port, its output in a log file. The jars come from the system
 * properties {@code hetu.server.jar} and {@code hetu.app.jar}, which each sample's failsafe
 * configuration sets.
 */
public final class SampleServer implements AutoCloseable {

    /** Guards against a server that never comes up; not a performance expectation. */
    private static final long HANG_GUARD_SECONDS = 60;
    private static final Pattern SERVING = Pattern.compile("HeTu is serving on ws://[^:/]+:(\\d+)/hetu");

    private final Process process;
    private final Path log;
    private final int port;

    private SampleServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a server on {@code data} and waits until it serves. */
    public static SampleServer start(Path data, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-jar", property("hetu.server.jar"), "start",
                "--app", property("hetu.app.jar"), "--db", "embedded:" + data, "--host", "127.0.0.1", "--port", "0")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
        while (System.nanoTime() < guard && process.isAlive()) {
            Matcher serving = SERVING.matcher(Files.readString(log));
            if (serving.find()) {
                return new SampleServer(process, log, Integer.parseInt(serving.group(1)));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the server did not start serving; its output:\n" + Files.readString(log));
    }

    public String url() {
        return "ws://127.0.0.1:" + port + "/hetu";
    }

    /** What the server printed so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** Stops the server with SIGTERM, as an operator would, and waits for it to exit. */
    @Override
    public void close() throws Exception {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the server did not stop on SIGTERM; its output:\n" + output());
        }
    }

    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set; run this test through failsafe "
                    + "(mvn verify on the sample), whose configuration in the sample's pom.xml sets it");
        }
        return value;
    }
}
