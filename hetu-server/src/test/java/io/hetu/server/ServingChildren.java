package io.hetu.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts {@link ServingChild} JVMs for the crash tests, each logging to one file, and learns their ports. */
final class ServingChildren {

    private final Path log;
    private final Map<Process, Integer> ports = new HashMap<>();

    ServingChildren(Path log) {
        this.log = log;
    }

    /** A child serving the test app on the data in {@code dir}. */
    Process start(Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Xmx256m", ServingChild.class.getName(), dir.toString()));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    /** The port the child serves on, read once from its output. */
    int port(Process child) throws Exception {
        Integer known = ports.get(child);
        if (known != null) {
            return known;
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("port ") && line.endsWith(" end")) {
                int port = Integer.parseInt(line.substring(5, line.length() - 4));
                ports.put(child, port);
                return port;
            }
        }
        throw new AssertionError("the child did not start; its log:\n" + log());
    }

    String log() throws Exception {
        return Files.exists(log) ? Files.readString(log) : "(empty)";
    }
}
