package org.rnn4j.nn;

import org.rnn4j.tensor.Rng;

/**
 * Inverted-dropout masks: each factor 0 with probability p, else 1/(1 − p), so that what is kept keeps its expected
 * value and nothing is rescaled when the model is evaluated. Per element ({@link #draw}: outputs between layers, the
 * weights of W_hh, the one-hot inputs' tokens) or locked across the steps of a sequence ({@link #lock}).
 */
final class DropoutMask {
    private DropoutMask() {
    }

    /** Draws {@code mask[0 … n)}, one factor each, in order. */
    static void draw(float[] mask, int n, double p, Rng rng) {
        float keep = (float) (1 / (1 - p));
        for (int i = 0; i < n; i++) {
            mask[i] = rng.nextDouble() < p ? 0f : keep;
        }
    }

    /**
     * Multiplies a (T, columns) mask, time-major, by one factor per column drawn once for all T rows: a sequence's unit
     * dropped or kept at every step.
     */
    static void lock(float[] mask, int columns, int steps, double p, Rng rng) {
        float keep = (float) (1 / (1 - p));
        for (int i = 0; i < columns; i++) {
            float locked = rng.nextDouble() < p ? 0f : keep;
            for (int t = 0; t < steps; t++) {
                mask[t * columns + i] *= locked;
            }
        }
    }
}
