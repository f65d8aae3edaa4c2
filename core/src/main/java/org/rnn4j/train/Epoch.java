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
 * @param charactersPerToken   the training text's characters per token: 1 for characters, more for words or subwords
 * @param validationCharactersPerToken the held-out text's
 * @param networkValidationPerplexity  the network's own on the held-out text where {@code validationPerplexity} is
 *                                     that of its mixture with a memory of the text; NaN otherwise. The training
 *                                     figure is always the network's own, so this is the one to set beside it
 */
public record Epoch(int epoch, double perplexity, double validationPerplexity, double learningRate, double seconds,
                    double tokensPerSecond, double charactersPerToken, double validationCharactersPerToken,
                    double networkValidationPerplexity) {
    /** An epoch of a model whose tokens are characters, without a memory. */
    public Epoch(int epoch, double perplexity, double validationPerplexity, double learningRate, double seconds,
                 double tokensPerSecond) {
        this(epoch, perplexity, validationPerplexity, learningRate, seconds, tokensPerSecond, 1, 1, Double.NaN);
    }

    /**
     * Bits per character of the epoch's training predictions: their total cross-entropy in nats ÷ the characters
     * predicted ÷ ln 2: log₂ of the perplexity while each token is one character (a code point), that divided by
     * the characters per token otherwise. Unlike perplexity, it compares models whatever their tokens, and is what
     * char-rnn and nanoGPT users compare.
     */
    public double bitsPerCharacter() {
        return bits(perplexity, charactersPerToken);
    }

    /** {@link #bitsPerCharacter()} of the held-out text, NaN without one. */
    public double validationBitsPerCharacter() {
        return bits(validationPerplexity, validationCharactersPerToken);
    }

    /** {@link #bitsPerCharacter()} of the network alone on the held-out text, NaN without a memory. */
    public double networkValidationBitsPerCharacter() {
        return bits(networkValidationPerplexity, validationCharactersPerToken);
    }

    /** Bits per character of a perplexity per character: log₂ of it. */
    public static double bits(double perplexity) {
        return bits(perplexity, 1);
    }

    /** Bits per character of a perplexity per token, each token {@code charactersPerToken} characters on average. */
    public static double bits(double perplexity, double charactersPerToken) {
        return Math.log(perplexity) / Math.log(2) / charactersPerToken;
    }

    /** This epoch with the characters per token of its training and held-out texts. */
    public Epoch perCharacter(double training, double validation) {
        return new Epoch(epoch, perplexity, validationPerplexity, learningRate, seconds, tokensPerSecond, training,
                validation, networkValidationPerplexity);
    }

    /** The predictions the epoch made. */
    public double tokens() {
        return tokensPerSecond * seconds;
    }

    /** This epoch with its validation perplexity, of a network without a memory. */
    public Epoch validated(double perplexity) {
        return validated(perplexity, Double.NaN);
    }

    /** This epoch with the validation perplexity of a network's mixture with a memory, and of the network alone. */
    public Epoch validated(double mixture, double network) {
        return new Epoch(epoch, perplexity, mixture, learningRate, seconds, tokensPerSecond, charactersPerToken,
                validationCharactersPerToken, network);
    }
}
