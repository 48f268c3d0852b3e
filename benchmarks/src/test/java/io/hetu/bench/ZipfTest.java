package io.hetu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The account picks of the transfer workload follow the Zipf law they claim to. */
class ZipfTest {

    private static final int DRAWS = 200_000;

    private static int[] histogram(Zipf zipf, int n) {
        int[] counts = new int[n];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < DRAWS; i++) {
            counts[zipf.next(random)]++;
        }
        return counts;
    }

    @Test
    void alphaZeroIsUniform() {
        int[] counts = histogram(new Zipf(10, 0), 10);
        for (int count : counts) {
            assertEquals(DRAWS / 10.0, count, DRAWS / 10.0 * 0.05, "each of 10 ranks gets a tenth");
        }
    }

    @Test
    void alphaOnePointFiveFavoursTheFirstRanksByThePowerLaw() {
        int n = 100_000;
        int[] counts = histogram(new Zipf(n, 1.5), n);
        double normaliser = 0;
        for (int rank = 1; rank <= n; rank++) {
            normaliser += Math.pow(rank, -1.5);
        }
        double first = DRAWS / normaliser;
        assertEquals(first, counts[0], first * 0.03, "rank 0 gets 1/H(n, 1.5) of the picks");
        assertEquals(first / Math.pow(2, 1.5), counts[1], first * 0.03, "rank 1 gets 2^-1.5 of rank 0's share");
        assertTrue(counts[n - 1] < 5, "the last rank is almost never picked");
    }

    @Test
    void badParametersAreRefusedWithTheirValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Zipf(10, -1));
        assertTrue(e.getMessage().contains("alpha -1.0"), e.getMessage());
    }

    @Test
    void anUnknownWorkloadNamesTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Workload.of("gets"));
        assertTrue(e.getMessage().contains("hello, get, get-update, get2-update2, transfer, push, echo"),
                e.getMessage());
    }
}
