package org.rnn4j.train;

/**
 * What one epoch measured.
 *
 * @param epoch      1-based epoch number
 * @param perplexity exp of the mean cross-entropy over the epoch's predictions
 * @param seconds    wall time of the epoch
 * @param tokens     predictions made in the epoch
 * @param lr         the learning rate the epoch trained at
 */
public record EpochReport(int epoch, double perplexity, double seconds, long tokens, double lr) {
    public double tokensPerSecond() {
        return tokens / seconds;
    }
}
