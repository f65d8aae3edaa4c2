package org.rnn4j.nn;

import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/**
 * The shape of a language model: cell, hidden units, layers, dropout between layers, and how the
 * weights start.
 */
public record ModelConfig(CellType cell, int hidden, int layers, double dropout, Init init) {
    /** A one-layer model with the from-scratch initialisation. */
    public static ModelConfig of(CellType cell, int hidden) {
        return new ModelConfig(cell, hidden, 1, 0, Init.NORMAL);
    }

    public LanguageModel build(int vocab, Rng rng, Kernels kernels) {
        return new LanguageModel(new RecurrentLayer(cell, vocab, hidden, layers, dropout), vocab, init, rng, kernels);
    }
}
