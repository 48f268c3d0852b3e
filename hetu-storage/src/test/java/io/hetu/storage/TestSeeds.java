package io.hetu.storage;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds for randomized tests (storage here, the server's through the test jar): {@code -Dhetu.seed=N} replays a run, otherwise each run draws
 * a new seed. The seed is printed so that a failure can be replayed.
 */
public final class TestSeeds {

    private TestSeeds() {}

    public static long seed(String test) {
        String fixed = System.getProperty("hetu.seed");
        long seed = fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.trim())
                : ThreadLocalRandom.current().nextLong();
        System.out.println(test + ": seed " + seed + " (replay with -Dhetu.seed=" + seed + ")");
        return seed;
    }
}
