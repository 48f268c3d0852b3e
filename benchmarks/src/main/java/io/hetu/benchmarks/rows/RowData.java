package io.hetu.benchmarks.rows;

import java.util.SplittableRandom;

/** The values every representation is filled with, so that all of them hold the same rows. */
final class RowData {

    /** Rows in every table. */
    static final int ROWS = 1_000_000;

    /** Entries in a random index table; a power of two so the cursor wraps with a mask. */
    static final int INDEX_COUNT = 1 << 16;

    static final int INDEX_MASK = INDEX_COUNT - 1;

    /** Rows that the "hot" index tables pick from: 16,384 rows of 16 bytes = 256 KiB, inside L2. */
    static final int HOT_ROWS = 1 << 14;

    private RowData() {}

    static float x(int row) {
        return (row % 1000) * 0.5f;
    }

    static float y(int row) {
        return (row % 777) * 0.25f;
    }

    static long owner(int row) {
        return 1_000_003L * row + 17;
    }

    /** {@link #INDEX_COUNT} row numbers drawn uniformly from {@code [0, bound)} with a fixed seed. */
    static int[] randomIndices(int bound, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] indices = new int[INDEX_COUNT];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(bound);
        }
        return indices;
    }
}
