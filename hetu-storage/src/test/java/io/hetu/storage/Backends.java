package io.hetu.storage;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The backend the storage conformance suite runs on, chosen with {@code -Dhetu.test.backend}:
 * {@code memory} (the default), {@code durable} (the embedded backend over a data directory, so
 * every commit also goes through the write-ahead log) or {@code redis} (the Redis backend on a
 * redis-server the tests start; each database gets a name of its own), or any other
 * {@link TestBackend} a module above lists in its test resources. {@code mvn verify} runs the suite
 * on memory and durable here and on redis in hetu-redis; every backend must pass it.
 */
public final class Backends {

    public static final String PROPERTY = "hetu.test.backend";

    private Backends() {}

    public static String name() {
        return System.getProperty(PROPERTY, "memory");
    }

    public static Database open(List<? extends TableDescriptor<?, ?>> tables) {
        return switch (name()) {
            case "memory" -> Embedded.inMemory(tables);
            case "durable" -> {
                try {
                    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "hetu-conformance");
                    dir.toFile().deleteOnExit();
                    yield Embedded.open(dir, DurabilityConfig.defaults().withFsync(FsyncPolicy.NO), tables);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            default -> {
                for (TestBackend backend : ServiceLoader.load(TestBackend.class)) {
                    if (backend.name().equals(name())) {
                        yield backend.open(tables);
                    }
                }
                throw new IllegalArgumentException(PROPERTY + " must be memory, durable or the name of a TestBackend "
                        + "on the class path (redis, in hetu-redis), was " + name());
            }
        };
    }

    /**
     * Waits until a change listener has heard of {@code size} commits. Listeners hear of a commit
     * after it is durable, on the backend's own thread (on Redis, through the change stream), so a
     * feed may trail the commit that just returned. The guard only stops a hang; nothing is timed.
     */
    public static void awaitFeed(List<?> feed, int size) {
        long guard = System.nanoTime() + 30_000_000_000L;
        while (feed.size() < size && System.nanoTime() < guard) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
