package org.rnn4j.nn;

import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/**
 * The shape of a language model: cell, hidden units, layers, dropout between layers (drawn for each element), how the
 * weights start, variational dropout on every layer's outputs (drawn for each sequence, locked across steps) and
 * weight dropout on each W_hh (drawn for each minibatch); and the input: one-hot tokens ({@code embedding} 0) or an
 * embedding of {@code embedding} units, whose weights the output layer shares when {@code tie}.
 */
public record ModelConfig(CellType cell, int hidden, int layers, double dropout, Init init, double variationalDropout,
                          double weightDropout, int embedding, boolean tie) {
    /** One-hot inputs. */
    public ModelConfig(CellType cell, int hidden, int layers, double dropout, Init init, double variationalDropout,
                       double weightDropout) {
        this(cell, hidden, layers, dropout, init, variationalDropout, weightDropout, 0, false);
    }

    /** No variational or weight dropout. */
    public ModelConfig(CellType cell, int hidden, int layers, double dropout, Init init) {
        this(cell, hidden, layers, dropout, init, 0, 0);
    }

    /** A one-layer model with the from-scratch initialisation. */
    public static ModelConfig of(CellType cell, int hidden) {
        return new ModelConfig(cell, hidden, 1, 0, Init.NORMAL);
    }

    public LanguageModel build(int vocab, Rng rng, Kernels kernels) {
        return new LanguageModel(new RecurrentLayer(cell, embedding > 0 ? embedding : vocab, hidden, layers, dropout,
                variationalDropout, weightDropout, embedding > 0), vocab, tie, init, rng, kernels);
    }

    /**
     * A model of this shape for a vocabulary of {@code vocab ≥ from.vocab} tokens whose first {@code from.vocab} are
     * {@code from}'s: every tensor is {@code from}'s where the two overlap (W_xh's rows and W_hq's and b_q's columns
     * of the old tokens, all of the rest), and initialised as a new model's where it is new. For fine-tuning on a
     * text with characters the model never saw.
     */
    public LanguageModel widen(LanguageModel from, int vocab, Rng rng, Kernels kernels) {
        if (vocab < from.vocab) {
            throw new IllegalArgumentException("a model of " + from.vocab + " tokens cannot shrink to " + vocab);
        }
        if (from.rnn.cell != cell || from.hidden != hidden || from.rnn.layers != layers
                || from.rnn.denseInput != embedding > 0 || from.tied() != tie
                || embedding > 0 && from.rnn.inputSize != embedding) {
            throw new IllegalArgumentException("the model is a " + from.rnn.cell + " of " + from.rnn.layers + " × "
                    + from.hidden + ", not of shape " + this);
        }
        LanguageModel to = build(vocab, rng, kernels);
        for (Parameters.View old : from.params.views()) {
            Parameters.View wide = to.params.views().stream().filter(v -> v.name().equals(old.name())).findFirst()
                    .orElseThrow();
            for (int r = 0; r < old.rows(); r++) {
                System.arraycopy(from.params.data, old.offset() + r * old.cols(), to.params.data,
                        wide.offset() + r * wide.cols(), old.cols());
            }
        }
        return to;
    }
}
