package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The optimiser's kernels with the Vector API: Adam's step, the SGD step (axpy) and the squared norm that gradient
 * clipping reads; their reference twins are {@link Kernels#adam}, {@link Kernels#axpy} and {@link Kernels#sumOfSquares}.
 */
final class VectorOptimizer {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int L = S.length();

    private VectorOptimizer() {
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, int len, float beta1, float oneMinusBeta1,
                     float beta2, float oneMinusBeta2, float eps, float stepSize, float invSqrtCorrection2) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(gv.mul(oneMinusBeta1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(gv).mul(oneMinusBeta2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).fma(invSqrtCorrection2, eps);
            FloatVector.fromArray(S, p, i).sub(mv.mul(stepSize).div(denom)).intoArray(p, i);
        }
        for (; i < len; i++) {
            m[i] = beta1 * m[i] + oneMinusBeta1 * g[i];
            v[i] = beta2 * v[i] + oneMinusBeta2 * g[i] * g[i];
            p[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) * invSqrtCorrection2 + eps);
        }
    }

    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]);
        }
    }

    /** Σ x² with float vector partial sums over blocks of 1,024 elements, added up in double. */
    static double sumOfSquares(float[] x, int off, int len) {
        double total = 0;
        int i = 0;
        for (int end = len - len % L; i < end; ) {
            FloatVector acc = FloatVector.zero(S);
            for (int blockEnd = Math.min(end, i + 1024); i < blockEnd; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, off + i);
                acc = v.fma(v, acc);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            total += (double) x[off + i] * x[off + i];
        }
        return total;
    }
}
