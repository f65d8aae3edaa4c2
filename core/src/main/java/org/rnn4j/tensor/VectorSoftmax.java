package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The softmax and its cross-entropy with the Vector API: a polynomial exponential, each row's loss exact in double
 * ({@link Kernels#lossOfRow}); the reference twin is {@link Kernels#softmaxCrossEntropy}.
 */
final class VectorSoftmax {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int L = S.length();
    /** Row blocks of the softmax, each with its own slot for the loss. */
    static final int CHUNKS = 16;

    private VectorSoftmax() {
    }

    /** The arguments of the softmax being split, reused so that no call allocates. */
    static final class Job implements WorkerTeam.Job {
        final double[] partial = new double[CHUNKS];
        float[] logits;
        int[] labels;
        int off, rows, cols, chunks, perChunk;

        @Override
        public void run(int c) {
            partial[c] = softmaxRows(logits, off, c * perChunk, Math.min(rows, (c + 1) * perChunk), rows, cols, labels);
        }
    }

    // e^x for x ≤ 0, as Cephes' expf: x = n ln 2 + r with |r| ≤ ln 2 / 2, e^r by a degree-7 polynomial,
    // 2^n built in the exponent bits. n is rounded by adding 1.5·2^23 (the float→int conversion is
    // not intrinsified in JDK 17 and would allocate). Relative error below 1e-7.
    private static final float EXP_MIN = -87.3f;
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float E0 = 1.9875691500E-4f, E1 = 1.3981999507E-3f, E2 = 8.3334519073E-3f,
            E3 = 4.1665795894E-2f, E4 = 1.6666665459E-1f, E5 = 5.0000001201E-1f;

    private static float exp(float x) {
        x = Math.max(x, EXP_MIN);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = x - n * LN2_HI - n * LN2_LO;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(E0, r, E1), r, E2), r, E3), r, E4), r, E5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUND_BITS + 127) << 23);
    }

    /** {@link Kernels#softmaxCrossEntropy} on rows [from, to), vectorised, with the exponential above. */
    static double softmaxRows(float[] logits, int off, int from, int to, int rows, int cols, int[] labels) {
        double total = 0;
        float scale = 1f / rows;
        int full = cols - cols % L;
        for (int row = from; row < to; row++) {
            int o = off + row * cols;
            int label = labels[row];
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < full; j += L) {
                mv = mv.max(FloatVector.fromArray(S, logits, o + j));
            }
            float max = mv.reduceLanes(VectorOperators.MAX);
            for (int j = full; j < cols; j++) {
                max = Math.max(max, logits[o + j]);
            }
            float below = logits[o + label] - max; // the label's logit, before it becomes an exponential
            FloatVector maxv = FloatVector.broadcast(S, max);
            FloatVector sv = FloatVector.zero(S);
            for (int j = 0; j < full; j += L) { // the exponential, written out: see tile4x4 on helpers
                FloatVector x = FloatVector.fromArray(S, logits, o + j).sub(maxv).max(EXP_MIN);
                FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
                FloatVector n = t.sub(ROUND);
                FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
                FloatVector p = r.fma(E0, E1).fma(r, FloatVector.broadcast(S, E2)).fma(r, FloatVector.broadcast(S, E3))
                        .fma(r, FloatVector.broadcast(S, E4)).fma(r, FloatVector.broadcast(S, E5));
                p = p.fma(r.mul(r), r).add(1f);
                FloatVector e = p.mul(t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23)
                        .reinterpretAsFloats());
                e.intoArray(logits, o + j);
                sv = sv.add(e);
            }
            double sum = sv.reduceLanes(VectorOperators.ADD);
            for (int j = full; j < cols; j++) {
                float e = exp(logits[o + j] - max);
                logits[o + j] = e;
                sum += e;
            }
            total += Kernels.lossOfRow(sum, below);
            FloatVector inv = FloatVector.broadcast(S, (float) (scale / sum));
            for (int j = 0; j < full; j += L) {
                FloatVector.fromArray(S, logits, o + j).mul(inv).intoArray(logits, o + j);
            }
            float invs = (float) (scale / sum);
            for (int j = full; j < cols; j++) {
                logits[o + j] *= invs;
            }
            logits[o + label] -= scale;
        }
        return total;
    }
}
