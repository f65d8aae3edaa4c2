package org.rnn4j.nn;

import org.rnn4j.tensor.Kernels;

/**
 * A network's memory of the text it was trained on: a {@link KneserNey} n-gram model of it, mixed with the network's
 * prediction as {@code weight · network + (1 − weight) · n-gram} (the linear interpolation of Mikolov's RNNLM with a
 * count model). A recurrent network trained on a small text generalises from it but cannot recall its exact strings; a
 * count model recalls them but does not generalise; each is right where the other is not, and the mixture reads a new
 * text better than either. The n-gram is read through an {@link NgramReader}, which counts the text it reads as well
 * (a text scored, a prompt, a prefix; never the tokens a model draws, which would feed its own loops).
 *
 * @param ngram  the count model of the training text
 * @param weight the network's share of the mixture, in [0, 1], fitted on the held-out part ({@link #fit})
 */
public record Memory(KneserNey ngram, double weight) {
    public Memory {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("the network's weight in the mixture is in [0, 1], not " + weight);
        }
    }

    /**
     * Turns one row of the network's logits, {@code logits[off … off + V)}, into the mixture's log-probabilities after
     * {@code history[0 … end)}, the n-gram read through {@code reader} (its counts and those of the text the reader
     * has read): a softmax of the row gives back the mixture, so that whatever reads logits (sampling at a
     * temperature, top-k, the log-probabilities reported) reads the mixture. {@code scratch} holds V values.
     */
    public void mix(float[] logits, int off, NgramReader reader, int[] history, int end, double[] scratch) {
        int v = ngram.vocab();
        double logZ = Kernels.logSumExp(logits, off, v);
        reader.distribution(history, end, scratch);
        for (int t = 0; t < v; t++) {
            double p = weight * Math.exp(logits[off + t] - logZ) + (1 - weight) * scratch[t];
            logits[off + t] = (float) Math.log(p);
        }
    }

    /**
     * The network's weight that gives held-out tokens the most likelihood, given each token's probability under the
     * network and under the n-gram: the maximum-likelihood mixture weight, by expectation–maximisation from ½ (the
     * log-likelihood is concave in it, so the fixed point is the maximum).
     */
    public static double fit(double[] network, double[] ngram) {
        if (network.length != ngram.length || network.length == 0) {
            throw new IllegalArgumentException(network.length + " network and " + ngram.length
                    + " n-gram probabilities: give one of each per held-out token");
        }
        double weight = 0.5;
        for (int iteration = 0; iteration < 200; iteration++) {
            double responsibility = 0;
            for (int i = 0; i < network.length; i++) {
                double a = weight * network[i], b = (1 - weight) * ngram[i];
                responsibility += a + b > 0 ? a / (a + b) : weight;
            }
            double next = responsibility / network.length;
            if (Math.abs(next - weight) < 1e-7) {
                return next;
            }
            weight = next;
        }
        return weight;
    }
}
