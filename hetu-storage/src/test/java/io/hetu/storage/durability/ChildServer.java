package io.hetu.storage.durability;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link CrashChild} JVM and what it acknowledged on its standard output. */
final class ChildServer {
    private static final Pattern LINE = Pattern.compile("(ready|ack) (\\d+) end");

    private final Process process;
    private final Path log;
    private final Thread reader;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicLong readySeq = new AtomicLong(-1);
    private final AtomicLong maxAcked = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();

    private ChildServer(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = Thread.ofPlatform().name("child-stdout").start(this::readLines);
    }

    /** Starts a child on {@code dir}; its standard error goes to {@code log}. */
    static ChildServer start(Path dir, FsyncPolicy policy, int threads, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Xmx256m", CrashChild.class.getName(), dir.toString(), policy.configName(), Integer.toString(threads)));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildServer(builder.start(), log);
    }

    private void readLines() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = lines.readLine()) != null) {
                // A line cut off by the kill lacks its " end" and is ignored: it was no acknowledgement.
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                long seq = Long.parseLong(m.group(2));
                if (m.group(1).equals("ready")) {
                    readySeq.set(seq);
                    ready.countDown();
                } else {
                    acks.incrementAndGet();
                    maxAcked.accumulateAndGet(seq, Math::max);
                }
            }
        } catch (IOException e) {
            // The pipe breaks when the child dies; everything read so far counts.
        }
    }

    /** Waits until the child has recovered and returns the last seq it recovered. */
    long awaitReady() throws Exception {
        if (!ready.await(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the child did not become ready; its log:\n" + logText());
        }
        return readySeq.get();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, then waits for the process and for the last of its output. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor();
        reader.join();
    }

    long maxAcked() {
        return maxAcked.get();
    }

    long acks() {
        return acks.get();
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }
}
