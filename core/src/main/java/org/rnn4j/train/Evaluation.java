package org.rnn4j.train;

import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.nn.NgramReader;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;

/**
 * Perplexity of a model on a token sequence: every token after the first predicted from those before it, read as one
 * stream from a zero state carried to the end, no dropout: the figure any tool computes (PyTorch's, in
 * {@code scripts/torch_eval.py}). Reading a long text as several streams stepping together would be faster, but a
 * stream that starts in the middle of the text starts from another state than the one the text gives it there, and a
 * model that remembers far back scores otherwise: the one stream is read in windows of at least {@value #WINDOW}
 * tokens instead, so that each layer's input and the output layer are products over the whole window and only the
 * recurrence steps one token at a time.
 */
public final class Evaluation {
    /** The fewest tokens read at once. */
    static final int WINDOW = 256;

    private Evaluation() {
    }

    /**
     * The characters each token after the first stands for, on average (what one-stream evaluation predicts): 1 for
     * characters; for words and subwords, what turns a perplexity per token into bits per character.
     */
    public static double charactersPerToken(TokenIds ids, org.rnn4j.text.Vocab vocab) {
        if (vocab.kind() == org.rnn4j.text.Subwords.Kind.CHAR || ids.length() < 2) {
            return 1;
        }
        long characters = 0;
        for (int i = 1; i < ids.length(); i++) {
            characters += vocab.length(ids.get(i));
        }
        return (double) characters / (ids.length() - 1);
    }

    /**
     * exp(mean cross-entropy) over the {@code ids.length − 1} predictions, read in windows of {@code steps} tokens
     * or {@value #WINDOW}, whichever is more; needs at least 2 ids. A model with a {@link Memory} is read as its
     * mixture.
     */
    public static double perplexity(LanguageModel model, TokenIds ids, int steps) {
        if (ids.length() < 2) {
            throw new IllegalArgumentException("perplexity needs at least 2 tokens, got " + ids.length());
        }
        Memory memory = model.memory();
        if (memory != null) {
            return perplexity(memory, networkProbabilities(model, ids, steps), ngramProbabilities(memory.ngram(), ids));
        }
        double[] loss = {0};
        read(model, ids, steps, (ws, labels, start) -> loss[0] += model.loss(ws, labels));
        return Math.exp(loss[0] / (ids.length() - 1));
    }

    /** exp of the mean −log of each prediction's probability: {@link #networkProbabilities}' perplexity. */
    public static double perplexity(double[] probabilities) {
        double loss = 0;
        for (double p : probabilities) {
            loss -= Math.log(p);
        }
        return Math.exp(loss / probabilities.length);
    }

    /** The perplexity of {@code memory}'s mixture, given each prediction's probability under its two parts. */
    public static double perplexity(Memory memory, double[] network, double[] ngram) {
        double loss = 0;
        for (int i = 0; i < network.length; i++) {
            loss -= Math.log(memory.weight() * network[i] + (1 - memory.weight()) * ngram[i]);
        }
        return Math.exp(loss / network.length);
    }

    /**
     * The probability the network alone (its memory aside) gives each token after the first, read as {@link
     * #perplexity} reads: {@code ids.length − 1} values.
     */
    public static double[] networkProbabilities(LanguageModel model, TokenIds ids, int steps) {
        double[] p = new double[ids.length() - 1];
        read(model, ids, steps, (ws, labels, start) -> {
            float[] logits = ws.outputs();
            for (int t = 0; t < labels.length; t++) {
                int row = t * model.vocab;
                p[start + t] = Math.exp(logits[row + labels[t]] - Kernels.logSumExp(logits, row, model.vocab));
            }
        });
        return p;
    }

    /** What is done with each window's forward pass: its outputs, the tokens they predict, where the window starts. */
    @FunctionalInterface
    private interface Window {
        void read(LanguageModel.Workspace ws, int[] labels, int start);
    }

    /**
     * Reads {@code ids} as one stream from a zero state, in windows of {@code steps} tokens or {@value #WINDOW},
     * whichever is more (the last one the rest), and hands each window's forward pass to {@code each} in order.
     */
    private static void read(LanguageModel model, TokenIds ids, int steps, Window each) {
        int predictions = ids.length() - 1;
        int window = Math.min(predictions, Math.max(steps, WINDOW));
        State state = model.newState(1);
        LanguageModel.Workspace ws = model.inferenceWorkspace(1, window);
        int[] x = new int[window], y = new int[window];
        for (int start = 0; start < predictions; start += window) {
            int n = Math.min(window, predictions - start);
            if (n < window) { // the rest, in a workspace of its own size
                ws = model.inferenceWorkspace(1, n);
                x = new int[n];
                y = new int[n];
            }
            ids.copyTo(start, x, 0, n);
            ids.copyTo(start + 1, y, 0, n);
            model.forward(ws, x, state, null);
            each.read(ws, y, start);
        }
    }

    /**
     * The probability {@code ngram} gives each token after the first of {@code ids}, from those before it: counting
     * them too as it reads them ({@link NgramReader}), as a model's memory reads any text.
     */
    public static double[] ngramProbabilities(KneserNey ngram, TokenIds ids) {
        int[] all = ids.toArray();
        double[] p = new double[all.length - 1];
        NgramReader reader = new NgramReader(ngram);
        reader.read(all[0]);
        for (int i = 1; i < all.length; i++) {
            p[i - 1] = reader.probability(all, i, all[i]);
            reader.read(all[i]);
        }
        return p;
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
}
