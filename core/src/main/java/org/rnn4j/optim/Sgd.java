package org.rnn4j.optim;

import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/** Plain stochastic gradient descent over the whole parameter array: {@code p -= lr * grad}. */
public final class Sgd implements Optimizer {
    private final Kernels k;
    private float lr;

    public Sgd(float lr, Kernels kernels) {
        this.lr = lr;
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
        k.axpy(-lr, p.grad, 0, p.data, 0, p.size());
    }
}
