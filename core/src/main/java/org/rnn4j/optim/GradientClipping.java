package org.rnn4j.optim;

import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/** Global-norm clipping: all gradients as one vector g; if ‖g‖₂ > θ, g ← g · θ / ‖g‖₂. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Clips in place and returns the norm before clipping. */
    public static double clip(Parameters p, double theta, Kernels k) {
        double norm = Math.sqrt(k.sumOfSquares(p.grad, 0, p.size()));
        if (norm > theta) {
            k.scale((float) (theta / norm), p.grad, 0, p.size());
        }
        return norm;
    }
}
