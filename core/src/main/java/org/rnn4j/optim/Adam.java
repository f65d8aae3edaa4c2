package org.rnn4j.optim;

import java.util.List;
import java.util.Map;
import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/**
 * Adam (Kingma and Ba), with the bias corrections folded into the step as PyTorch does, and with decoupled weight
 * decay λ (AdamW, Loshchilov and Hutter; PyTorch's {@code AdamW}), which shrinks the weights before the step:
 * <pre>
 *   p ← p · (1 − lr λ)
 *   m ← β1 m + (1 − β1) g      v ← β2 v + (1 − β2) g²
 *   p ← p − lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 */
public final class Adam implements Optimizer {
    private final Kernels k;
    private final double beta1, beta2, eps, weightDecay;
    private double lr;
    /** The names of {@link #m} and {@link #v} in its {@link State}. */
    static final List<String> TENSORS = List.of("m", "v");
    /** First and second moment estimates, one per parameter. */
    private final float[] m, v;
    /** Steps taken. */
    private long t;

    public Adam(double lr, double beta1, double beta2, double eps, int size, Kernels kernels) {
        this(lr, beta1, beta2, eps, 0, size, kernels);
    }

    /** @param weightDecay λ of the decoupled decay, 0 for none */
    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay, int size, Kernels kernels) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.k = kernels;
        m = new float[size];
        v = new float[size];
    }

    @Override
    public State state() {
        return new State(t, Map.of("m", m.clone(), "v", v.clone()));
    }

    @Override
    public void restore(State state) {
        float[] savedM = state.tensors().get("m"), savedV = state.tensors().get("v");
        if (savedM == null || savedV == null || savedM.length != m.length || savedV.length != v.length) {
            throw new IllegalArgumentException("not the state of an Adam of " + m.length + " parameters: " + state);
        }
        System.arraycopy(savedM, 0, m, 0, m.length);
        System.arraycopy(savedV, 0, v, 0, v.length);
        t = state.steps();
    }

    @Override
    public void learningRate(double lr) {
        this.lr = lr;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void step(Parameters p) {
        t++;
        WeightDecay.apply(p, lr, weightDecay, k);
        double correction1 = 1 - Math.pow(beta1, t), correction2 = 1 - Math.pow(beta2, t);
        k.adam(p.data, p.grad, m, v, p.size(), (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
                (float) eps, (float) (lr / correction1), (float) (1 / Math.sqrt(correction2)));
    }
}
