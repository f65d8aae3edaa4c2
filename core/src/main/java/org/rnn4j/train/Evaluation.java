package org.rnn4j.train;

import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;

/**
 * Perplexity of a model on a token sequence: every token after the first predicted from those before it (the state
 * carried across windows of {@code steps}), no dropout. A long text is read as up to {@value #MOST_STREAMS} streams
 * stepping together as one batch, so that each step is a matrix product rather than a matrix–vector one: stream b
 * reads the b-th part of the text, its state first carried through the {@value #BURN_IN} tokens before that part, so
 * that its first predictions have the context one stream from the start would give them (a recurrent state forgets
 * its distant past: the perplexity is that of one stream to 6 digits and more, tested).
 */
public final class Evaluation {
    /** The most streams a text is read as. */
    static final int MOST_STREAMS = 16;
    /** Predictions per stream below which a text is read as fewer streams. */
    static final int LEAST_PER_STREAM = 8192;
    /** Tokens a stream's state is carried through before its part of the text. */
    static final int BURN_IN = 512;

    private Evaluation() {
    }

    /** exp(mean cross-entropy) over the {@code ids.length − 1} predictions; needs at least 2 ids. */
    public static double perplexity(LanguageModel model, TokenIds ids, int steps) {
        return perplexity(model, ids, steps, MOST_STREAMS);
    }

    /** {@link #perplexity(LanguageModel, TokenIds, int)} with at most {@code mostStreams} streams. */
    static double perplexity(LanguageModel model, TokenIds ids, int steps, int mostStreams) {
        if (ids.length() < 2) {
            throw new IllegalArgumentException("perplexity needs at least 2 tokens, got " + ids.length());
        }
        int predictions = ids.length() - 1;
        int streams = Math.max(1, Math.min(mostStreams, predictions / LEAST_PER_STREAM));
        int part = predictions / streams / steps * steps; // predictions of each stream in step with the others
        if (streams == 1 || part == 0) {
            return Math.exp(stream(model, ids, 0, predictions, steps, model.newState(1)) / predictions);
        }
        State batch = model.newState(streams);
        int burn = Math.min(BURN_IN, part);
        // streams 1, 2, …: carried through the tokens before their parts. Stream 0 starts the text with no state,
        // yet burns in with the others (on stream 1's tokens, its state then dropped), so that every product of
        // the evaluation has the same shape: a new one, met late, has the JIT compile its kernels again
        State burning = model.newState(streams);
        int[] before = new int[streams * burn];
        for (int b = 1; b < streams; b++) {
            ids.copyTo(b * part - burn, before, b * burn, burn);
        }
        System.arraycopy(before, burn, before, 0, burn);
        model.forward(model.inferenceWorkspace(streams, burn), before, burning, null);
        for (int b = 1; b < streams; b++) {
            batch.copyRow(b, burning, b);
        }
        LanguageModel.Workspace ws = model.inferenceWorkspace(streams, steps);
        int[] x = new int[streams * steps], y = new int[streams * steps];
        double loss = 0;
        for (int w = 0; w < part / steps; w++) {
            for (int b = 0; b < streams; b++) {
                ids.copyTo(b * part + w * steps, x, b * steps, steps);
                ids.copyTo(b * part + w * steps + 1, y, b * steps, steps);
            }
            model.forward(ws, x, batch, null);
            loss += model.loss(ws, y);
        }
        // what the parts leave over (fewer than streams × steps): the last stream reads on, as a batch of copies of
        // it (its state in every row), so that the products keep their shape (one row alone would take kernels the
        // JIT has not compiled yet); its loss is the batch's over the number of copies
        int from = streams * part, rest = predictions - from;
        for (int b = 0; b < streams - 1; b++) {
            batch.copyRow(b, batch, streams - 1);
        }
        for (int w = 0; w < rest; w += steps) {
            int n = Math.min(steps, rest - w);
            LanguageModel.Workspace last = n == steps ? ws : model.inferenceWorkspace(streams, n);
            int[] xs = n == steps ? x : new int[streams * n], ys = n == steps ? y : new int[streams * n];
            for (int b = 0; b < streams; b++) {
                ids.copyTo(from + w, xs, b * n, n);
                ids.copyTo(from + w + 1, ys, b * n, n);
            }
            model.forward(last, xs, batch, null);
            loss += model.loss(last, ys) / streams;
        }
        return Math.exp(loss / predictions);
    }

    /** The summed loss of {@code count} predictions from position {@code from} on, one stream in windows of steps. */
    private static double stream(LanguageModel model, TokenIds ids, int from, int count, int steps, State state) {
        int full = count / steps, rest = count % steps;
        double loss = 0;
        if (full > 0) {
            loss += windows(model, model.inferenceWorkspace(1, steps), ids, from, full, steps, state);
        }
        if (rest > 0) {
            loss += windows(model, model.inferenceWorkspace(1, rest), ids, from + full * steps, 1, rest, state);
        }
        return loss;
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
