package org.rnn4j;

import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.train.Evaluation;

/**
 * A run's memory of its text, fitted to its network at each epoch: the weight that mixes the network with an n-gram of
 * the training part alone best on the held-out part (read as any text is, counted as it is read), whose mixture is
 * the epoch's validation figure; the memory kept counts the whole text, the held-out part too, as the end of a text is
 * often the best guide to what follows it.
 */
final class MemoryFit {
    private final KneserNey trainingPart;
    private final KneserNey whole;
    private final TokenIds heldOut;
    private final double[] ngram;
    private final int steps;

    /** The epoch's validation figures, of the mixture and of the network alone, and the memory to keep. */
    record Fitted(double mixture, double network, Memory memory) {
    }

    /**
     * @param all   the whole text, {@code training} then {@code heldOut}
     * @param steps the window the network reads the held-out part in
     */
    MemoryFit(TokenIds all, TokenIds training, TokenIds heldOut, int order, int vocab, int steps) {
        this.trainingPart = new KneserNey(training.toArray(), order, vocab);
        this.whole = new KneserNey(all.toArray(), order, vocab);
        this.heldOut = heldOut;
        this.ngram = Evaluation.ngramProbabilities(trainingPart, heldOut);
        this.steps = steps;
    }

    /** The weight fitted anew to the network as it now reads, and what it gives. */
    Fitted fit(LanguageModel network) {
        double[] own = Evaluation.networkProbabilities(network, heldOut, steps);
        double weight = Memory.fit(own, ngram);
        return new Fitted(Evaluation.perplexity(new Memory(trainingPart, weight), own, ngram),
                Evaluation.perplexity(own), new Memory(whole, weight));
    }
}
