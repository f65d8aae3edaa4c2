package org.rnn4j;

import org.rnn4j.generate.Decoding;

/**
 * How {@link TextModel#generate} chooses each token: an immutable value, each {@code with}-style method returning a
 * changed copy, so one instance can serve many threads. Values are checked at once ({@link InputException}).
 * {@link #temperature(double)} starts one; {@link #greedy()} is temperature 0, the most likely token each time (the
 * seeds' {@code predict}).
 *
 * @param temperature 0 (greedy) or a positive finite divisor of the logits
 * @param topK        keep the K most likely tokens, 0: all
 * @param topP        keep the fewest tokens whose probabilities reach P, in (0, 1]; 1: all
 * @param seed        the draws' seed: the same seed, model and prefix give the same text
 * @param length      tokens generated after the prefix
 */
public record Sampling(double temperature, int topK, double topP, long seed, int length) {
    /** The length {@link #temperature(double)} and {@link #greedy()} start with. */
    public static final int DEFAULT_LENGTH = 200;

    /** Checks every value: an {@link InputException} names the one out of range. */
    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InputException("{Sampling.temperature} must be a finite number ≥ 0, got " + temperature);
        }
        if (topK < 0) {
            throw new InputException("{Sampling.topK} must be at least 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InputException("{Sampling.topP} must be in (0, 1], got " + topP);
        }
        if (length < 0) {
            throw new InputException("{Sampling.length} must be at least 0, got " + length);
        }
    }

    /** Sampling at {@code temperature}, from every token, seed 0, {@value #DEFAULT_LENGTH} tokens. */
    public static Sampling temperature(double temperature) {
        return new Sampling(temperature, 0, 1, 0, DEFAULT_LENGTH);
    }

    /** The most likely token each time, {@value #DEFAULT_LENGTH} tokens. */
    public static Sampling greedy() {
        return temperature(0);
    }

    /** This sampling from the {@code k} most likely tokens only; 0: all. */
    public Sampling topK(int k) {
        return new Sampling(temperature, k, topP, seed, length);
    }

    /** This sampling from the fewest most likely tokens whose probabilities reach {@code p}, in (0, 1]. */
    public Sampling topP(double p) {
        return new Sampling(temperature, topK, p, seed, length);
    }

    /** This sampling with another seed. */
    public Sampling seed(long seed) {
        return new Sampling(temperature, topK, topP, seed, length);
    }

    /** This sampling generating {@code length} tokens (at least 0). */
    public Sampling length(int length) {
        return new Sampling(temperature, topK, topP, seed, length);
    }

    Decoding decoding() {
        return new Decoding(temperature, topK, topP);
    }
}
