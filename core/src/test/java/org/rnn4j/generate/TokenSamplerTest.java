package org.rnn4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Rng;

class TokenSamplerTest {
    /** Index 0 is <unk>, with the highest logit of all; then tokens 1..4. */
    private final float[] logits = {9f, 1f, 3f, 2f, 0f};

    private int[] counts(Decoding d, int draws) {
        TokenSampler s = new TokenSampler(d, new Rng(7), logits.length);
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[s.next(logits, 0)]++;
        }
        return counts;
    }

    @Test
    void greedyTakesTheMostLikelyTokenButNeverUnk() {
        assertEquals(2, new TokenSampler(Decoding.GREEDY, null, 5).next(logits, 0));
        assertEquals(1, new TokenSampler(Decoding.GREEDY, null, 5).next(new float[] {0, 0, 5, 7, 1, 2, 3}, 2), "offset");
        assertEquals(2, new TokenSampler(Decoding.GREEDY, null, 4).next(new float[] {9, 1, 5, 5}, 0), "ties: the first");
        assertTrue(new Decoding(0, 0, 1).greedy() && !new Decoding(0.5, 0, 1).greedy());
    }

    @Test
    void aDrawAllocatesNothing() {
        // a vocabulary past the JVM's cache of small Integers: a token boxed per draw would be ~16 KB a draw here
        int v = 1028;
        float[] wide = new float[v];
        for (int i = 0; i < v; i++) {
            wide[i] = (float) Math.sin(i);
        }
        TokenSampler s = new TokenSampler(new Decoding(0.8, 0, 1), new Rng(7), v);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId(), sink = 0;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1_000; i++) {
            sink += s.next(wide, 0);
        }
        long bytes = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(bytes < 100_000, bytes + " bytes allocated by 1,000 draws (token sum " + sink + ")");
    }

    @Test
    void samplingFollowsTheSoftmaxAtTheTemperature() {
        int n = 200_000;
        int[] c = counts(new Decoding(1, 0, 1), n);
        assertEquals(0, c[0], "never <unk>");
        double z = Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0);
        for (int i = 1; i < 5; i++) {
            double expected = Math.exp(logits[i]) / z;
            assertEquals(expected, (double) c[i] / n, 0.005, "token " + i);
        }
        int[] hot = counts(new Decoding(100, 0, 1), n);
        for (int i = 1; i < 5; i++) {
            assertEquals(0.25, (double) hot[i] / n, 0.01, "a high temperature is nearly uniform");
        }
    }

    /** The kept tokens are drawn in proportion to their own probabilities, renormalised over the kept ones. */
    @Test
    void topKAndTopPKeepTheMostLikelyTokens() {
        int n = 100_000;
        double kept2 = Math.exp(3) / (Math.exp(3) + Math.exp(2)); // 0.731: tokens 2 and 3 alone
        int[] k2 = counts(new Decoding(1, 2, 1), n);
        assertEquals(0, k2[1] + k2[4] + k2[0]);
        assertEquals(kept2, (double) k2[2] / n, 0.01);
        assertEquals(1 - kept2, (double) k2[3] / n, 0.01);
        // probabilities ≈ 0.64 (token 2), 0.24 (token 3), 0.09, 0.03: top-p 0.8 keeps tokens 2 and 3
        int[] p8 = counts(new Decoding(1, 0, 0.8), n);
        assertEquals(0, p8[1] + p8[4] + p8[0]);
        assertEquals(kept2, (double) p8[2] / n, 0.01);
        // top-p 0.9 keeps token 1 as well (0.64 + 0.24 < 0.9)
        int[] p9 = counts(new Decoding(1, 0, 0.9), n);
        double z3 = Math.exp(3) + Math.exp(2) + Math.exp(1);
        assertEquals(0, p9[4] + p9[0]);
        assertEquals(Math.exp(1) / z3, (double) p9[1] / n, 0.01);
        // at temperature 2 the top 3 are drawn from softmax(logits / 2) over those three
        int[] k3 = counts(new Decoding(2, 3, 1), n);
        double zt = Math.exp(1.5) + Math.exp(1) + Math.exp(0.5);
        assertEquals(0, k3[4] + k3[0]);
        assertEquals(Math.exp(1.5) / zt, (double) k3[2] / n, 0.01);
        assertEquals(Math.exp(0.5) / zt, (double) k3[1] / n, 0.01);
    }

    /**
     * Top-p keeps the fewest tokens whose probabilities reach p: four equal tokens of 0.25 each (exact in binary), so
     * p = 0.5 is reached, not passed, by the second; and top-k caps what top-p keeps.
     */
    @Test
    void topPStopsAtTheFirstTokenThatReachesP() {
        float[] equal = {0f, 4f, 4f, 4f, 4f};
        TokenSampler half = new TokenSampler(new Decoding(1, 0, 0.5), new Rng(3), 5);
        TokenSampler capped = new TokenSampler(new Decoding(1, 2, 0.7), new Rng(3), 5); // 0.7 would need a third
        int[] seen = new int[5], seenCapped = new int[5];
        for (int i = 0; i < 2_000; i++) {
            seen[half.next(equal, 0)]++;
            seenCapped[capped.next(equal, 0)]++;
        }
        assertEquals(0, seen[0] + seen[3] + seen[4], "ties are kept by index: tokens 1 and 2");
        assertTrue(seen[1] > 800 && seen[2] > 800);
        assertEquals(0, seenCapped[0] + seenCapped[3] + seenCapped[4], "top-k 2 caps top-p 0.7");
    }

    /** Logits far beyond exp's range in float or double still give the softmax's proportions. */
    @Test
    void largeLogitsDoNotOverflow() {
        float[] large = {0f, 801f, 800f};
        TokenSampler s = new TokenSampler(new Decoding(0.5, 0, 1), new Rng(5), 3);
        int n = 20_000, first = 0;
        for (int i = 0; i < n; i++) {
            first += s.next(large, 0) == 1 ? 1 : 0;
        }
        double expected = 1 / (1 + Math.exp(-2)); // (801 − 800) / 0.5
        assertEquals(expected, first / (double) n, 0.01);
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        assertEquals(java.util.Arrays.toString(counts(new Decoding(0.7, 3, 0.95), 1000)),
                java.util.Arrays.toString(counts(new Decoding(0.7, 3, 0.95), 1000)));
    }

    @Test
    void settingsOutsideTheirRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Decoding(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Decoding(1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Decoding(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Decoding(1, 0, 1.5));
    }
}
