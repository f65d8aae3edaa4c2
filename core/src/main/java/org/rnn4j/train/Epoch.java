package org.rnn4j.train;

/**
 * What one epoch of training measured: what a run's listener hears after each epoch, what a checkpoint keeps of
 * each, and what {@code --metrics} writes.
 *
 * @param epoch                1-based
 * @param perplexity           exp of the mean cross-entropy over the epoch's training minibatches
 * @param validationPerplexity on the held-out text, NaN without one
 * @param learningRate         the rate the epoch trained at (NaN in files written before it was kept)
 * @param seconds              the epoch's training time
 * @param tokensPerSecond      training throughput
 */
public record Epoch(int epoch, double perplexity, double validationPerplexity, double learningRate, double seconds,
                    double tokensPerSecond) {
    /** The predictions the epoch made. */
    public double tokens() {
        return tokensPerSecond * seconds;
    }

    /** This epoch with its validation perplexity. */
    public Epoch validated(double perplexity) {
        return new Epoch(epoch, this.perplexity, perplexity, learningRate, seconds, tokensPerSecond);
    }
}
