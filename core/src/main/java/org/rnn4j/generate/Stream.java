package org.rnn4j.generate;

import org.rnn4j.nn.State;

/**
 * One continuation under way: its recurrent state (one sequence), the next step's input (the prefix's last token,
 * then each token drawn), its own sampler and the tokens left to draw. A {@link Stepper} steps any set of streams
 * together; each gives the tokens it would give alone.
 */
public final class Stream {
    final State state;
    final TokenSampler sampler;
    int token;
    int remaining;

    Stream(State state, int firstInput, TokenSampler sampler, int length) {
        this.state = state;
        this.token = firstInput;
        this.sampler = sampler;
        this.remaining = length;
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
