package org.rnn4j.optim;

import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/**
 * Plain stochastic gradient descent over the whole parameter array: {@code p -= lr * grad}, after a decoupled
 * {@link WeightDecay} of λ when λ is above 0.
 */
public final class Sgd implements Optimizer {
    private final Kernels k;
    private final double weightDecay;
    private float lr;

    public Sgd(float lr, Kernels kernels) {
        this(lr, 0, kernels);
    }

    /** @param weightDecay λ of the decoupled decay, 0 for none */
    public Sgd(float lr, double weightDecay, Kernels kernels) {
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.k = kernels;
    }

    @Override
    public void learningRate(double lr) {
        this.lr = (float) lr;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public State state() {
        return State.NONE;
    }

    /** SGD has no state: nothing to restore. */
    @Override
    public void restore(State state) {
    }

    @Override
    public void step(Parameters p) {
        WeightDecay.apply(p, lr, weightDecay, k);
        k.axpy(-lr, p.grad, 0, p.data, 0, p.size());
    }
}
