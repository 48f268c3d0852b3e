package io.hetu.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank + 1)^alpha}:
 * uniform for alpha 0, a few hot ranks for alpha 1.5. Sampling inverts the cumulative
 * distribution by binary search.
 */
final class Zipf {

    private final int n;
    private final double[] cumulative;

    Zipf(int n, double alpha) {
        if (n <= 0 || alpha < 0 || Double.isNaN(alpha)) {
            throw new IllegalArgumentException("a Zipf distribution needs n > 0 and alpha >= 0, was n " + n
                    + ", alpha " + alpha);
        }
        this.n = n;
        if (alpha == 0) {
            this.cumulative = null;
            return;
        }
        this.cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += Math.pow(rank + 1, -alpha);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
    }

    int next(SplittableRandom random) {
        if (cumulative == null) {
            return random.nextInt(n);
        }
        int found = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(n - 1, found >= 0 ? found : -found - 1);
    }
}
