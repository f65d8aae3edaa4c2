package org.rnn4j.generate;

import org.rnn4j.nn.State;
import org.rnn4j.text.Vocab;

/**
 * One continuation under way: its recurrent state (one sequence), the next step's input (the prefix's last token,
 * then each token drawn), its own sampler and the tokens left to draw. A {@link Stepper} steps any set of streams
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

    Stream(State state, int firstInput, TokenSampler sampler, int length, Vocab vocab, String pending) {
        this.state = state;
        this.token = firstInput;
        this.sampler = sampler;
        this.remaining = length;
        this.vocab = vocab;
        this.pending = pending;
    }

    /**
     * Draws the next token from the logits at {@code off}: while a part of the prefix is pending, only a token that
     * goes on spelling it (its text a start of what is pending, or what is pending a start of its text) can be drawn.
     * A token that only spells the prefix again adds no text, and does not count among the tokens asked for.
     */
    void draw(float[] logits, int off) {
        if (!pending.isEmpty()) {
            for (int t = 0; t < vocab.size(); t++) {
                String text = vocab.text(t);
                if (t == Vocab.UNK || !(text.startsWith(pending) || pending.startsWith(text))) {
                    logits[off + t] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        token = sampler.next(logits, off);
        String text = vocab.text(token);
        shownAlready = Math.min(pending.length(), text.length());
        pending = pending.substring(shownAlready);
        if (shownAlready < text.length()) {
            remaining--;
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
