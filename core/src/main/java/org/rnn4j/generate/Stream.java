package org.rnn4j.generate;

import org.rnn4j.nn.Memory;
import org.rnn4j.nn.NgramReader;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.text.Vocab;

/**
 * One continuation under way: its recurrent state (one sequence), the next step's input (the prefix's last token,
 * then each token drawn), its own sampler and the tokens left to draw; with the model's {@link Memory}, its n-gram as
 * read after the prefix and the last tokens it read or drew, and each draw is from the mixture. A {@link Stepper} steps
 * any set of streams
 * together; each gives the tokens it would give alone.
 */
public final class Stream {
    final State state;
    final TokenSampler sampler;
    private final Vocab vocab;
    int token;
    int remaining;
    /** The end of the prefix that the model has not read, which the first tokens drawn must spell out. */
    private String pending;
    /** The text of the last token drawn that the prefix showed already. */
    private int shownAlready;
    /** With {@link #reportTop}: how many alternatives to report; −1, none and no log-probability. */
    private int top = -1;
    private double logprob;
    private int[] topTokens = new int[0];
    private double[] topLogprobs = new double[0];
    /**
     * The model's memory, or null; with it, its n-gram as read after the prefix (the tokens drawn are not counted: a
     * model that counted its own words would repeat them more each time), the last tokens read or drawn (as many as it
     * reads) and its scratch.
     */
    private final Memory memory;
    private final NgramReader reader;
    private final int[] history;
    private int historyLength;
    private final double[] scratch;

    /**
     * @param read   the prefix's tokens that the model read, the last of them {@code firstInput} (none: empty), or their
     *               last ones, as many as the memory reads
     * @param reader with a memory, its n-gram's reader after the whole prefix
     */
    Stream(State state, int firstInput, TokenSampler sampler, int length, Vocab vocab, String pending, Memory memory,
           NgramReader reader, int[] read) {
        this.state = state;
        this.token = firstInput;
        this.sampler = sampler;
        this.remaining = length;
        this.vocab = vocab;
        this.pending = pending;
        this.memory = memory;
        this.reader = reader;
        this.history = memory != null ? new int[memory.ngram().context()] : null;
        this.scratch = memory != null ? new double[vocab.size()] : null;
        if (memory != null) {
            historyLength = Math.min(history.length, read.length);
            System.arraycopy(read, read.length - historyLength, history, 0, historyLength);
        }
    }

    /** Its memory's reader after the prefix, which a stream of the same prefix shares (null without a memory). */
    NgramReader reader() {
        return reader;
    }

    /** The prefix's tokens it has read, as many as its memory reads: what a stream that copies it starts from. */
    int[] history() {
        return history != null ? java.util.Arrays.copyOf(history, historyLength) : new int[0];
    }

    /**
     * Draws the next token from the logits at {@code off}: while a part of the prefix is pending, only a token that
     * goes on spelling it (its text a start of what is pending, or what is pending a start of its text) can be drawn.
     * A token that only spells the prefix again adds no text, and does not count among the tokens asked for.
     */
    void draw(float[] logits, int off) {
        if (memory != null) {
            memory.mix(logits, off, reader, history, historyLength, scratch);
        }
        double logZ = top >= 0 ? Kernels.logSumExp(logits, off, vocab.size()) : 0; // the model's, before any mask
        if (top >= 0) {
            rankTop(logits, off, logZ);
        }
        if (!pending.isEmpty()) {
            for (int t = 0; t < vocab.size(); t++) {
                String text = vocab.text(t);
                if (t == Vocab.UNK || !(text.startsWith(pending) || pending.startsWith(text))) {
                    logits[off + t] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        token = sampler.next(logits, off);
        if (memory != null) {
            remember(token);
        }
        if (top >= 0) {
            logprob = logits[off + token] - logZ;
        }
        String text = vocab.text(token);
        shownAlready = Math.min(pending.length(), text.length());
        pending = pending.substring(shownAlready);
        if (shownAlready < text.length()) {
            remaining--;
        }
    }

    private void remember(int t) {
        if (history.length == 0) {
            return;
        }
        if (historyLength == history.length) {
            System.arraycopy(history, 1, history, 0, historyLength - 1);
            historyLength--;
        }
        history[historyLength++] = t;
    }

    /**
     * Reports, for each token drawn from now on, its log-probability under the model (the log-softmax of its logits,
     * temperature 1, before sampling's restrictions) and the {@code k} most likely tokens' (k ≤ 20).
     */
    public void reportTop(int k) {
        if (k < 0 || k > 20) {
            throw new IllegalArgumentException("from 0 to 20 alternatives, not " + k);
        }
        top = k;
    }

    /** The last token's log-probability (with {@link #reportTop}). */
    public double logprob() {
        return logprob;
    }

    /** The most likely tokens at the last step, most likely first (with {@link #reportTop}). */
    public int[] topTokens() {
        return topTokens.clone();
    }

    /** Their log-probabilities. */
    public double[] topLogprobs() {
        return topLogprobs.clone();
    }

    private void rankTop(float[] logits, int off, double logZ) {
        int k = Math.min(top, vocab.size());
        int[] best = new int[k];
        java.util.Arrays.fill(best, -1);
        for (int t = 0; t < vocab.size(); t++) { // insertion into the k best so far: k ≤ 20
            for (int j = 0; j < k; j++) {
                if (best[j] < 0 || logits[off + t] > logits[off + best[j]]) {
                    System.arraycopy(best, j, best, j + 1, k - j - 1);
                    best[j] = t;
                    break;
                }
            }
        }
        topTokens = best;
        topLogprobs = new double[k];
        for (int j = 0; j < k; j++) {
            topLogprobs[j] = logits[off + best[j]] - logZ;
        }
    }

    /** The text the last token drawn adds to what is shown: its own (a separator as ␜), less what the prefix showed. */
    public String text() {
        String shown = vocab.shown(token);
        return shownAlready == 0 ? shown : shown.substring(shownAlready);
    }

    /** The token drawn by the last step (before any: the prefix's last token). */
    public int token() {
        return token;
    }

    /** True once every token asked for is drawn. */
    public boolean done() {
        return remaining == 0;
    }
}
