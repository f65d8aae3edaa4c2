package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One thread's products C (=|+=) A · B with B packed into panels one main tile wide ({@link Kernels#pack}), by the
 * register tiles of {@link VectorProducts} specialised to a packed panel; {@link VectorKernels} splits a product over
 * its team, a panel per chunk. Each element is summed as {@link VectorProducts#gemm} sums it: from C (or zero), one
 * fused multiply-add per k in order.
 */
final class VectorPanels {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int L = Simd.L;
    private static final int V = Simd.TILE_VECTORS;
    private static final int KC = VectorProducts.KC;

    private VectorPanels() {
    }

    /**
     * Columns of a packed panel: one main tile's. A tile's strip of B, KC rows of a panel, is then contiguous (24 KB
     * at 256 bits): it stays in the L1 cache while every row block passes over it, where a strip of a wider panel
     * falls on a fraction of the cache's sets and is read again from L2 for each row block; and its loads take a
     * constant stride, which spares the loop an address computation per row. Measured on the AVX2 host, one
     * thread, the same JVM alternating: (32 × 512)·(512 × 576) 21–42 GFLOPS from panels of 64, 32–57 from these.
     */
    static final int NR = V * L;

    /**
     * C (=|+=) A · B for one packed panel of B, {@code width} ≤ {@link #NR} of its columns, A row-major (element
     * (i, kk) at {@code a[aOff + i·lda + kk]}): its index then rises by one a step, which the JIT's range-check
     * elimination takes out of the loop. Each element summed as {@link VectorProducts#gemm} sums it.
     */
    static void panel(int m, int width, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        if (width < NR) { // the last panel, zero-padded: its rows are whole, so the general tiles may load them
            VectorProducts.gemm(m, width, k, a, aOff, lda, 1, 4 * lda, b, bOff, NR, c, cOff, ldc, accumulate);
            return;
        }
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0), bk = bOff + k0 * NR;
            boolean acc = accumulate || k0 > 0;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                if (V == 4) {
                    panel4x4(kc, a, aOff + i * lda + k0, lda, b, bk, c, cOff + i * ldc, ldc, acc);
                } else {
                    panel4x3(kc, a, aOff + i * lda + k0, lda, b, bk, c, cOff + i * ldc, ldc, acc);
                }
            }
            for (; i < m; i++) {
                panelRow(kc, a, aOff + i * lda + k0, b, bk, c, cOff + i * ldc, acc);
            }
        }
    }

    /**
     * {@link VectorProducts#tile4x4} on a packed panel: B's stride the constant {@link #NR}, A's rows read in order.
     * The loop counts B's index, so that the JIT takes the range checks of B's loads out of the loop (counted by k,
     * with B's index k·NR, they stayed: 49–52 instructions a step against 45, measured in C2's code on JDK 17).
     */
    private static void panel4x4(int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        int o0 = cOff, o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, o0) : z;
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, o0 + L) : z;
        FloatVector c02 = accumulate ? FloatVector.fromArray(S, c, o0 + 2 * L) : z;
        FloatVector c03 = accumulate ? FloatVector.fromArray(S, c, o0 + 3 * L) : z;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, o1) : z;
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, o1 + L) : z;
        FloatVector c12 = accumulate ? FloatVector.fromArray(S, c, o1 + 2 * L) : z;
        FloatVector c13 = accumulate ? FloatVector.fromArray(S, c, o1 + 3 * L) : z;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, o2) : z;
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, o2 + L) : z;
        FloatVector c22 = accumulate ? FloatVector.fromArray(S, c, o2 + 2 * L) : z;
        FloatVector c23 = accumulate ? FloatVector.fromArray(S, c, o2 + 3 * L) : z;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, o3) : z;
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, o3 + L) : z;
        FloatVector c32 = accumulate ? FloatVector.fromArray(S, c, o3 + 2 * L) : z;
        FloatVector c33 = accumulate ? FloatVector.fromArray(S, c, o3 + 3 * L) : z;
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda;
        for (int bk = bOff, end = bOff + k * NR, kk = 0; bk < end; bk += NR, kk++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c02.intoArray(c, o0 + 2 * L);
        c03.intoArray(c, o0 + 3 * L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c12.intoArray(c, o1 + 2 * L);
        c13.intoArray(c, o1 + 3 * L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c22.intoArray(c, o2 + 2 * L);
        c23.intoArray(c, o2 + 3 * L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c32.intoArray(c, o3 + 2 * L);
        c33.intoArray(c, o3 + 3 * L);
    }

    /** {@link VectorProducts#tile4x3} on a packed panel, its loop as {@link #panel4x4}'s. */
    private static void panel4x3(int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        int o0 = cOff, o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, o0) : z;
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, o0 + L) : z;
        FloatVector c02 = accumulate ? FloatVector.fromArray(S, c, o0 + 2 * L) : z;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, o1) : z;
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, o1 + L) : z;
        FloatVector c12 = accumulate ? FloatVector.fromArray(S, c, o1 + 2 * L) : z;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, o2) : z;
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, o2 + L) : z;
        FloatVector c22 = accumulate ? FloatVector.fromArray(S, c, o2 + 2 * L) : z;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, o3) : z;
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, o3 + L) : z;
        FloatVector c32 = accumulate ? FloatVector.fromArray(S, c, o3 + 2 * L) : z;
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda;
        for (int bk = bOff, end = bOff + k * NR, kk = 0; bk < end; bk += NR, kk++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c02.intoArray(c, o0 + 2 * L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c12.intoArray(c, o1 + 2 * L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c22.intoArray(c, o2 + 2 * L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c32.intoArray(c, o3 + 2 * L);
    }

    /**
     * One row across a packed panel, a chain per vector of B (a generation step's single row is this alone; the
     * fourth chain is there when the tile is four vectors wide).
     */
    private static void panelRow(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                 boolean accumulate) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, cOff) : z;
        FloatVector c1 = accumulate ? FloatVector.fromArray(S, c, cOff + L) : z;
        FloatVector c2 = accumulate ? FloatVector.fromArray(S, c, cOff + 2 * L) : z;
        FloatVector c3 = V == 4 && accumulate ? FloatVector.fromArray(S, c, cOff + 3 * L) : z;
        for (int bk = bOff, end = bOff + k * NR, kk = 0; bk < end; bk += NR, kk++) {
            FloatVector x = FloatVector.broadcast(S, a[aOff + kk]);
            c0 = x.fma(FloatVector.fromArray(S, b, bk), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bk + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, bk + 2 * L), c2);
            if (V == 4) {
                c3 = x.fma(FloatVector.fromArray(S, b, bk + 3 * L), c3);
            }
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        c2.intoArray(c, cOff + 2 * L);
        if (V == 4) {
            c3.intoArray(c, cOff + 3 * L);
        }
    }
}
