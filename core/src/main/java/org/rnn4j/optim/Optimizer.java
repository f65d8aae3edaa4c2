package org.rnn4j.optim;

import java.util.List;
import java.util.Map;
import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/** Updates all parameters of a model from their gradients, in one pass over the flat arrays. */
public interface Optimizer {
    void step(Parameters p);

    /** The learning rate of the next steps: a schedule changes it between epochs. */
    void learningRate(double lr);

    double learningRate();

    /** A copy of what the next steps depend on besides the parameters: what a checkpoint saves. */
    State state();

    /** Continues from {@code state}, taken from an optimiser of the same kind and size. */
    void restore(State state);

    /**
     * An optimiser's state: the steps taken and its tensors by name, each as long as the parameters (none for SGD).
     * The arrays are the holder's own: {@link #state()} copies them out and {@link #restore} copies them in.
     */
    record State(long steps, Map<String, float[]> tensors) {
        public static final State NONE = new State(0, Map.of());

        public State {
            tensors = Map.copyOf(tensors);
        }
    }

    /** The optimisers rnn4j offers. */
    enum Kind {
        /** {@link Sgd}: the from-scratch seeds. */
        SGD,
        /** {@link Adam} with β1 0.9, β2 0.999, ε 1e-8: the concise seeds. */
        ADAM;

        public Optimizer create(double lr, Parameters p, Kernels kernels) {
            return create(lr, 0, p, kernels);
        }

        /** This kind with a decoupled weight decay of λ {@code weightDecay} (0: none; with Adam, AdamW). */
        public Optimizer create(double lr, double weightDecay, Parameters p, Kernels kernels) {
            return switch (this) {
                case SGD -> new Sgd((float) lr, weightDecay, kernels);
                case ADAM -> new Adam(lr, 0.9, 0.999, 1e-8, weightDecay, p.size(), kernels);
            };
        }

        /** The names of the tensors of this kind's {@link State}, in the order a checkpoint stores them. */
        public List<String> stateTensors() {
            return switch (this) {
                case SGD -> List.of();
                case ADAM -> Adam.TENSORS;
            };
        }
    }
}
