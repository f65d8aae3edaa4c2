package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels ({@code jdk.incubator.vector}). Matrix products use a register tile of
 * 4 rows of A × 4 vectors of B (16 accumulators), which keeps the FMA units busy and reads each
 * loaded vector of B four times; edges fall back to 4 × 1 and 1 × 1 tiles with a masked last vector.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    VectorKernels() {
        FloatVector.zero(S); // fails here, not later, when the module is absent
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void gemm(int m, int n, int k,
                     float[] a, int aOff, int aRow, int aCol,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                tile4x4(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
            }
            for (; j < n; j += L) {
                tile4x1(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc,
                        accumulate, S.indexInRange(j, n));
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j += L) {
                tile1x1(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j,
                        accumulate, S.indexInRange(j, n));
            }
        }
    }

    private static void tile4x4(int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a0 = aOff, a1 = aOff + aRow, a2 = aOff + 2 * aRow, a3 = aOff + 3 * aRow;
        for (int kk = 0; kk < k; kk++) {
            int bk = bOff + kk * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            int ak = kk * aCol;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
        }
        store(c00, c, cOff, accumulate); store(c01, c, cOff + L, accumulate);
        store(c02, c, cOff + 2 * L, accumulate); store(c03, c, cOff + 3 * L, accumulate);
        cOff += ldc;
        store(c10, c, cOff, accumulate); store(c11, c, cOff + L, accumulate);
        store(c12, c, cOff + 2 * L, accumulate); store(c13, c, cOff + 3 * L, accumulate);
        cOff += ldc;
        store(c20, c, cOff, accumulate); store(c21, c, cOff + L, accumulate);
        store(c22, c, cOff + 2 * L, accumulate); store(c23, c, cOff + 3 * L, accumulate);
        cOff += ldc;
        store(c30, c, cOff, accumulate); store(c31, c, cOff + L, accumulate);
        store(c32, c, cOff + 2 * L, accumulate); store(c33, c, cOff + 3 * L, accumulate);
    }

    private static void store(FloatVector v, float[] c, int off, boolean accumulate) {
        (accumulate ? v.add(FloatVector.fromArray(S, c, off)) : v).intoArray(c, off);
    }

    private static void store(FloatVector v, float[] c, int off, boolean accumulate, VectorMask<Float> mask) {
        (accumulate ? v.add(FloatVector.fromArray(S, c, off, mask)) : v).intoArray(c, off, mask);
    }

    private static void tile4x1(int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, VectorMask<Float> mask) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int a0 = aOff, a1 = aOff + aRow, a2 = aOff + 2 * aRow, a3 = aOff + 3 * aRow;
        for (int kk = 0; kk < k; kk++) {
            FloatVector bv = FloatVector.fromArray(S, b, bOff + kk * ldb, mask);
            int ak = kk * aCol;
            c0 = FloatVector.broadcast(S, a[a0 + ak]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ak]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ak]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ak]).fma(bv, c3);
        }
        store(c0, c, cOff, accumulate, mask);
        store(c1, c, cOff + ldc, accumulate, mask);
        store(c2, c, cOff + 2 * ldc, accumulate, mask);
        store(c3, c, cOff + 3 * ldc, accumulate, mask);
    }

    private static void tile1x1(int k, float[] a, int aOff, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, boolean accumulate, VectorMask<Float> mask) {
        FloatVector acc = FloatVector.zero(S);
        for (int kk = 0; kk < k; kk++) {
            acc = FloatVector.broadcast(S, a[aOff + kk * aCol]).fma(FloatVector.fromArray(S, b, bOff + kk * ldb, mask), acc);
        }
        store(acc, c, cOff, accumulate, mask);
    }

    /** tanh(x) = 1 − 2 / (e^{2x} + 1): exact at ±∞, and the exponential is a fast intrinsic. */
    @Override
    public void tanh(float[] x, int off, int len) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        int i = 0;
        for (; i < len; i += L) {
            VectorMask<Float> mask = S.indexInRange(i, len);
            FloatVector v = FloatVector.fromArray(S, x, off + i, mask);
            FloatVector e = v.mul(two).lanewise(VectorOperators.EXP);
            one.sub(two.div(e.add(one))).intoArray(x, off + i, mask);
        }
    }
}
