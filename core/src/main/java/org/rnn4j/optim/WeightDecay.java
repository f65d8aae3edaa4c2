package org.rnn4j.optim;

import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/**
 * Decoupled weight decay (Loshchilov and Hutter): before an optimiser's step, every weight shrinks by the factor
 * {@code 1 − lr λ}, apart from the gradient, so that with Adam the decay does not pass through the moments' scaling
 * (PyTorch's {@code AdamW}); with SGD it is the same as an L2 penalty of λ/2 ‖p‖². λ 0 leaves the weights untouched
 * and costs nothing.
 */
final class WeightDecay {
    private WeightDecay() {
    }

    static void apply(Parameters p, double lr, double lambda, Kernels k) {
        if (lambda > 0) {
            k.scale((float) (1 - lr * lambda), p.data, 0, p.size());
        }
    }
}
