package org.rnn4j.optim;

import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/** Updates all parameters of a model from their gradients, in one pass over the flat arrays. */
public interface Optimizer {
    void step(Parameters p);

    /** The learning rate of the next steps: a schedule changes it between epochs. */
    void learningRate(double lr);

    double learningRate();

    /** The optimisers rnn4j offers. */
    enum Kind {
        /** {@link Sgd}: the from-scratch seeds. */
        SGD,
        /** {@link Adam} with β1 0.9, β2 0.999, ε 1e-8: the concise seeds. */
        ADAM;

        public Optimizer create(double lr, Parameters p, Kernels kernels) {
            return switch (this) {
                case SGD -> new Sgd((float) lr, kernels);
                case ADAM -> new Adam(lr, 0.9, 0.999, 1e-8, p.size(), kernels);
            };
        }
    }
}
