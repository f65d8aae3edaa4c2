package org.rnn4j.text;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Tokens numbered by first appearance (1, 2, …) and counted as they arrive: what a vocabulary is
 * built from. An array serves the Basic Multilingual Plane, a map the code points beyond it.
 */
final class TokenCounts {
    private final int[] bmp = new int[0x10000];
    private final Map<Integer, Integer> beyond = new HashMap<>();
    private int[] tokens = new int[256];
    private long[] counts = new long[256];
    private int size;

    /** Counts one more {@code token}; returns its rank of first appearance, from 1. */
    int add(int token) {
        int r = token >= 0 && token < bmp.length ? bmp[token] : beyond.getOrDefault(token, 0);
        if (r == 0) {
            if (size == tokens.length) {
                tokens = Arrays.copyOf(tokens, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            tokens[size++] = token;
            r = size;
            if (token >= 0 && token < bmp.length) {
                bmp[token] = r;
            } else {
                beyond.put(token, r);
            }
        }
        counts[r - 1]++;
        return r;
    }

    /** The distinct tokens in order of first appearance. */
    int[] tokens() {
        return Arrays.copyOf(tokens, size);
    }

    /** Their counts, in the same order. */
    long[] counts() {
        return Arrays.copyOf(counts, size);
    }
}
