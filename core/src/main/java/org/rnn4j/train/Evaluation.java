package org.rnn4j.train;

import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;

/**
 * Perplexity of a model on a token sequence: one stream from a zero state, every token after the
 * first predicted from all those before it (the state carried across windows of {@code steps}), no
 * dropout.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** exp(mean cross-entropy) over the {@code ids.length − 1} predictions; needs at least 2 ids. */
    public static double perplexity(LanguageModel model, TokenIds ids, int steps) {
        if (ids.length() < 2) {
            throw new IllegalArgumentException("perplexity needs at least 2 tokens, got " + ids.length());
        }
        int predictions = ids.length() - 1;
        int full = predictions / steps, rest = predictions % steps;
        State state = model.newState(1);
        double loss = 0;
        if (full > 0) {
            loss += windows(model, model.inferenceWorkspace(1, steps), ids, 0, full, steps, state);
        }
        if (rest > 0) {
            loss += windows(model, model.inferenceWorkspace(1, rest), ids, full * steps, 1, rest, state);
        }
        return Math.exp(loss / predictions);
    }

    /**
     * The baseline a model must beat: the perplexity on {@code heldOut}'s predictions (every token but its first, as
     * {@link #perplexity}) of the token frequencies in {@code train}, add-one smoothed over {@code vocabSize} tokens so
     * that a token the training part lacks costs much but not infinitely.
     */
    public static double unigramPerplexity(TokenIds train, TokenIds heldOut, int vocabSize) {
        if (heldOut.length() < 2) {
            throw new IllegalArgumentException("perplexity needs at least 2 tokens, got " + heldOut.length());
        }
        long[] counts = new long[vocabSize];
        for (int i = 0; i < train.length(); i++) {
            counts[train.get(i)]++;
        }
        double total = train.length() + (double) vocabSize, loss = 0;
        for (int i = 1; i < heldOut.length(); i++) {
            loss -= Math.log((counts[heldOut.get(i)] + 1) / total);
        }
        return Math.exp(loss / (heldOut.length() - 1));
    }

    private static double windows(LanguageModel model, LanguageModel.Workspace ws, TokenIds ids, int from, int count,
                                  int steps, State state) {
        int[] x = new int[steps], y = new int[steps];
        double loss = 0;
        for (int w = 0; w < count; w++) {
            int start = from + w * steps;
            ids.copyTo(start, x, 0, steps);
            ids.copyTo(start + 1, y, 0, steps);
            model.forward(ws, x, state, null);
            loss += model.loss(ws, y);
        }
        return loss;
    }
}
