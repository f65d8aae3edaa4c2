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

    @Test
    void topKAndTopPKeepTheMostLikelyTokens() {
        int[] k2 = counts(new Decoding(1, 2, 1), 10_000);
        assertEquals(0, k2[1] + k2[4] + k2[0]);
        assertTrue(k2[2] > k2[3] && k2[3] > 0);
        // probabilities ≈ 0.64 (token 2), 0.24 (token 3), 0.09, 0.03: top-p 0.8 keeps tokens 2 and 3
        int[] p8 = counts(new Decoding(1, 0, 0.8), 10_000);
        assertEquals(0, p8[1] + p8[4] + p8[0]);
        assertTrue(p8[3] > 0);
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
