package org.rnn4j.text;

import java.util.Arrays;

/**
 * A corpus held in memory as code points, for tests: what {@link Corpus#read} streams, collected.
 *
 * @param name   where the text came from, for messages
 * @param tokens the code points, in order
 */
public record TestCorpus(String name, int[] tokens) {
    /** Reads {@code source} (null: the built-in Time Machine), stopping at invalid UTF-8; 0 tokens: all. */
    public static TestCorpus load(String source, String member, Preprocessing mode, int maxTokens) {
        int[][] buffer = {new int[1 << 12]};
        int[] size = {0};
        String name = Corpus.read(source, member, mode, maxTokens, false, token -> {
            if (size[0] == buffer[0].length) {
                buffer[0] = Arrays.copyOf(buffer[0], size[0] * 2);
            }
            buffer[0][size[0]++] = token;
        });
        return new TestCorpus(name, Arrays.copyOf(buffer[0], size[0]));
    }

    public int length() {
        return tokens.length;
    }

    public String text() {
        return new String(tokens, 0, tokens.length);
    }
}
