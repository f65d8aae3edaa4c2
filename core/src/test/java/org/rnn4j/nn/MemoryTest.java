package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Rng;

class MemoryTest {
    /** The fitted weight gives the held-out tokens at least the likelihood of every weight on a fine grid. */
    @Test
    void theFittedWeightIsTheMostLikely() {
        Rng rng = new Rng(5);
        double[] network = new double[500], ngram = new double[500];
        for (int i = 0; i < network.length; i++) { // each part better on its own share of the tokens
            network[i] = i % 3 == 0 ? 0.01 + 0.1 * rng.nextDouble() : 0.3 + 0.6 * rng.nextDouble();
            ngram[i] = i % 3 == 0 ? 0.5 + 0.4 * rng.nextDouble() : 0.05 + 0.3 * rng.nextDouble();
        }
        double fitted = Memory.fit(network, ngram);
        assertTrue(fitted > 0.05 && fitted < 0.95, "a mixture of both: " + fitted);
        double best = likelihood(fitted, network, ngram);
        for (int g = 0; g <= 1000; g++) {
            assertTrue(best >= likelihood(g / 1000.0, network, ngram) - 1e-9, "weight " + g / 1000.0);
        }
        double[] better = network.clone(), worse = new double[network.length];
        java.util.Arrays.fill(better, 0.9);
        java.util.Arrays.fill(worse, 0.1);
        assertTrue(Memory.fit(better, worse) > 0.99, "a part always better takes it all");
        assertThrows(IllegalArgumentException.class, () -> Memory.fit(new double[2], new double[3]));
    }

    /**
     * Mixed logits read through a softmax give weight · softmax(logits) + (1 − weight) · the n-gram's distribution, as
     * its reader gives it (here after reading a text of its own).
     */
    @Test
    void mixedLogitsAreTheMixturesLogProbabilities() {
        int vocab = 4;
        KneserNey kn = new KneserNey(new int[] {1, 2, 3, 1, 2, 3, 1, 2}, 3, vocab);
        Memory memory = new Memory(kn, 0.3);
        float[] logits = {9, 0.5f, -1, 2, 0.25f, 7}; // the row sits at offset 1
        float[] row = logits.clone();
        int[] history = {3, 1};
        double[] scratch = new double[vocab], q = new double[vocab];
        NgramReader reader = NgramReader.after(kn, new int[] {3, 1, 1, 3, 1, 1});
        memory.mix(row, 1, reader, history, 2, scratch);
        reader.distribution(history, 2, q);
        double z = 0, mz = 0;
        for (int t = 0; t < vocab; t++) {
            z += Math.exp(logits[1 + t]);
            mz += Math.exp(row[1 + t]);
        }
        for (int t = 0; t < vocab; t++) {
            double expected = 0.3 * Math.exp(logits[1 + t]) / z + 0.7 * q[t];
            assertEquals(expected, Math.exp(row[1 + t]) / mz, 1e-6);
        }
        assertEquals(9, row[0]);
        assertEquals(7, row[5], "the row alone changes");
        assertThrows(IllegalArgumentException.class, () -> new Memory(kn, 1.5));
    }

    private static double likelihood(double w, double[] network, double[] ngram) {
        double sum = 0;
        for (int i = 0; i < network.length; i++) {
            sum += Math.log(w * network[i] + (1 - w) * ngram[i]);
        }
        return sum;
    }
}
