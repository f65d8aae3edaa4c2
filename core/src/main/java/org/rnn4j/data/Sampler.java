package org.rnn4j.data;

import org.rnn4j.tensor.Rng;

/** Cuts a corpus of token ids into minibatches of (B, T) windows and their next tokens, one epoch at a time. */
public interface Sampler {
    /** How minibatches follow each other, and so what the trainer does with the hidden state. */
    enum Kind {
        /** Windows in random order: the state is re-initialised before every minibatch. */
        RANDOM,
        /** Row i of a minibatch continues row i of the previous one: the state is carried, detached. */
        CONSECUTIVE;

        public Sampler create(TokenIds corpus, int batch, int steps, boolean randomOffset) {
            return this == RANDOM
                    ? new RandomSampler(corpus, batch, steps, randomOffset)
                    : new ConsecutiveSampler(corpus, batch, steps, randomOffset);
        }
    }

    Kind kind();

    /** Starts an epoch; the generator decides the order (and the offset when it is enabled). */
    void startEpoch(Rng rng);

    /** Fills the next minibatch of the epoch; false when the epoch is over. */
    boolean next(Batch batch);

    /**
     * The number of minibatches per epoch, at the smallest start offset. 0 means the corpus is too
     * short for one minibatch.
     */
    int batchesPerEpoch();

    /** The smallest corpus length that gives one minibatch, for the error message that says so. */
    static int minimumTokens(int batch, int steps) {
        return batch * (steps + 1);
    }
}
