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
     * Columns of a packed panel: one main tile's. A tile's strip of B, KC rows of a panel, is then contiguous (16 KB
     * at 256 bits in 16 registers): it stays in the L1 cache while every row block passes over it, where a strip of
     * a wider panel falls on a fraction of the cache's sets and is read again from L2 for each row block; and its
     * loads take a constant stride, which spares the loop an address computation per row. Measured on the AVX2
     * host, one thread, the same JVM alternating: (32 × 512)·(512 × 576) 21–42 GFLOPS from panels of 64, 32–57 from
     * panels of three vectors.
     */
    static final int NR = V * L;

    /**
     * C (=|+=) A · B for one packed panel of B, {@code width} ≤ {@link #NR} of its columns. A's rows up to the last
     * multiple of four are in tiles of four rows ({@link TeamProducts}' copy; lda is then k), element (i, kk) at
     * {@code a[aOff + (i − i % 4)·lda + 4·kk + i % 4]}, and the rest row-major, element (i, kk) at
     * {@code a[aOff + i·lda + kk]}: either way a tile's loop reads A at one index rising by a constant step, which
     * the JIT's range-check elimination takes out of the loop. Each element summed as {@link VectorProducts#gemm}
     * sums it.
     */
    static void panel(int m, int width, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        if (width == NR) {
            full(m, V, k, a, aOff, lda, b, bOff, c, cOff, ldc, accumulate);
            return;
        }
        // the last panel, narrower: computed in a scratch copy of its columns of C, NR wide, and stored back, by
        // tiles of the vectors its columns take (V 28 at 512 bits: two of four), through the loop of the full
        // panels (the general 4 × 2 tile over A's tiles, its strides not constants, ran the logits' (1,120 × 512)
        // · (512 × 28) at about half the speed: measured on Zen 4). One vector or less takes a tile of one vector
        // where the tiles are four wide (V 1,028's last 4 columns at 512 bits: the logits' product 1.11–1.12× on
        // Zen 4, 1.01–1.15× at 128 bits), and the full width where they are two (16 registers), as four chains of
        // multiply-adds leave FMA units idle there (with tiles of three, the general 4 × 1 tile took 4–7 % of a
        // training step at H 512, JFR)
        int vectors = width > L ? (width + L - 1) / L : V == 4 ? 1 : V;
        float[][] holder = SCRATCH.get();
        if (holder[0].length < m * NR) {
            holder[0] = new float[m * NR];
        }
        float[] t = holder[0];
        if (accumulate) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(c, cOff + i * ldc, t, i * NR, width);
            }
        }
        full(m, vectors, k, a, aOff, lda, b, bOff, t, 0, NR, accumulate); // B's zero padding adds nothing to them
        for (int i = 0; i < m; i++) {
            System.arraycopy(t, i * NR, c, cOff + i * ldc, width);
        }
    }

    /**
     * Full panels that a product of fewer than four rows takes together: each row then runs across {@value} panels
     * at once, 4·V chains of multiply-adds where one panel gives V. A generation step's single row through one panel
     * at a time has two or three chains at 256 bits, too few to cover the FMA latency, and it waits on them: measured
     * on the AVX2 host, one thread, (1 × 512)·(512 × 512), 20–22 GFLOPS a panel of three vectors at a time, 24–29
     * four at a time.
     */
    static final int ROW_GROUP = 4;

    /**
     * C (=|+=) A · B for {@code m} < 4 rows of A over {@link #ROW_GROUP} consecutive full panels of B, the first at
     * {@code bOff}, the next ones {@code k·NR} floats apart (as {@link Kernels#pack} lays them). Each element summed
     * as {@link VectorProducts#gemm} sums it.
     */
    static void rowGroup(int m, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                         float[] c, int cOff, int ldc, boolean accumulate) {
        for (int k0 = 0; k0 < k; k0 += KC) { // K in blocks, so that a second or third row finds B in cache
            int kc = Math.min(KC, k - k0), bk = bOff + k0 * NR;
            for (int i = 0; i < m; i++) {
                if (k0 == 0 && !accumulate) {
                    for (int p = 0; p < ROW_GROUP; p++) {
                        clear(c, cOff + i * ldc + p * NR, ldc, 1);
                    }
                }
                rowAcross4(kc, a, aOff + i * lda + k0, b, bk, k * NR, c, cOff + i * ldc);
            }
        }
    }

    /** One row across four panels {@code stride} apart, a chain per vector of B ({@link #panelRow}'s, four times). */
    private static void rowAcross4(int k, float[] a, int aOff, float[] b, int bOff, int stride, float[] c, int cOff) {
        final int s1 = stride, s2 = 2 * stride, s3 = 3 * stride, o1 = cOff + NR, o2 = cOff + 2 * NR, o3 = cOff + 3 * NR;
        FloatVector c00 = FloatVector.fromArray(S, c, cOff);
        FloatVector c01 = FloatVector.fromArray(S, c, cOff + L);
        FloatVector c02 = V == 4 ? FloatVector.fromArray(S, c, cOff + 2 * L) : null;
        FloatVector c03 = V == 4 ? FloatVector.fromArray(S, c, cOff + 3 * L) : null;
        FloatVector c10 = FloatVector.fromArray(S, c, o1);
        FloatVector c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c12 = V == 4 ? FloatVector.fromArray(S, c, o1 + 2 * L) : null;
        FloatVector c13 = V == 4 ? FloatVector.fromArray(S, c, o1 + 3 * L) : null;
        FloatVector c20 = FloatVector.fromArray(S, c, o2);
        FloatVector c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c22 = V == 4 ? FloatVector.fromArray(S, c, o2 + 2 * L) : null;
        FloatVector c23 = V == 4 ? FloatVector.fromArray(S, c, o2 + 3 * L) : null;
        FloatVector c30 = FloatVector.fromArray(S, c, o3);
        FloatVector c31 = FloatVector.fromArray(S, c, o3 + L);
        FloatVector c32 = V == 4 ? FloatVector.fromArray(S, c, o3 + 2 * L) : null;
        FloatVector c33 = V == 4 ? FloatVector.fromArray(S, c, o3 + 3 * L) : null;
        for (int bk = bOff, end = bOff + k * NR, kk = 0; bk < end; bk += NR, kk++) {
            FloatVector x = FloatVector.broadcast(S, a[aOff + kk]);
            c00 = x.fma(FloatVector.fromArray(S, b, bk), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, bk + L), c01);
            c10 = x.fma(FloatVector.fromArray(S, b, bk + s1), c10);
            c11 = x.fma(FloatVector.fromArray(S, b, bk + s1 + L), c11);
            c20 = x.fma(FloatVector.fromArray(S, b, bk + s2), c20);
            c21 = x.fma(FloatVector.fromArray(S, b, bk + s2 + L), c21);
            c30 = x.fma(FloatVector.fromArray(S, b, bk + s3), c30);
            c31 = x.fma(FloatVector.fromArray(S, b, bk + s3 + L), c31);
            if (V == 4) {
                c02 = x.fma(FloatVector.fromArray(S, b, bk + 2 * L), c02);
                c12 = x.fma(FloatVector.fromArray(S, b, bk + s1 + 2 * L), c12);
                c22 = x.fma(FloatVector.fromArray(S, b, bk + s2 + 2 * L), c22);
                c32 = x.fma(FloatVector.fromArray(S, b, bk + s3 + 2 * L), c32);
                c03 = x.fma(FloatVector.fromArray(S, b, bk + 3 * L), c03);
                c13 = x.fma(FloatVector.fromArray(S, b, bk + s1 + 3 * L), c13);
                c23 = x.fma(FloatVector.fromArray(S, b, bk + s2 + 3 * L), c23);
                c33 = x.fma(FloatVector.fromArray(S, b, bk + s3 + 3 * L), c33);
            }
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        if (V == 4) {
            c02.intoArray(c, cOff + 2 * L);
            c12.intoArray(c, o1 + 2 * L);
            c22.intoArray(c, o2 + 2 * L);
            c32.intoArray(c, o3 + 2 * L);
            c03.intoArray(c, cOff + 3 * L);
            c13.intoArray(c, o1 + 3 * L);
            c23.intoArray(c, o2 + 3 * L);
            c33.intoArray(c, o3 + 3 * L);
        }
    }

    /** Per-thread room for the last panel's columns of C, {@link #NR} wide, grown as needed. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    /**
     * {@link #panel} for the first {@code vectors} vectors of a panel (the rows past the last tile take all of it): K
     * in blocks, a strip of B in the L1 cache while every row block passes.
     */
    private static void full(int m, int vectors, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        // the kernels always add to C, which a product that starts from zero clears just before (a branch on it
        // in the kernels, its other way first taken late, sent them back to the interpreter mid-evaluation)
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0), bk = bOff + k0 * NR;
            boolean clear = k0 == 0 && !accumulate;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                if (clear) {
                    clear(c, cOff + i * ldc, ldc, 4);
                }
                // the tile of rows i … i + 3 starts at i·lda (lda is k), its column k0 4·k0 further
                int at = aOff + i * lda + 4 * k0, ct = cOff + i * ldc;
                if (vectors == 4) {
                    panel4x4(kc, a, at, b, bk, c, ct, ldc);
                } else if (vectors == 3) {
                    panel4x3(kc, a, at, b, bk, c, ct, ldc);
                } else if (vectors == 2) {
                    panel4x2(kc, a, at, b, bk, c, ct, ldc);
                } else {
                    panel4x1(kc, a, at, b, bk, c, ct, ldc);
                }
            }
            for (; i < m; i++) {
                if (clear) {
                    clear(c, cOff + i * ldc, ldc, 1);
                }
                panelRow(kc, a, aOff + i * lda + k0, b, bk, c, cOff + i * ldc);
            }
        }
    }

    /**
     * Zeroes a panel's {@link #NR} columns in {@code rows} rows of C, from where a tile is about to read them: a
     * vector store each ({@code Arrays.fill}'s loop took 3-4 % of a training step over the logits' many rows).
     */
    private static void clear(float[] c, int cOff, int ldc, int rows) {
        FloatVector z = FloatVector.zero(S);
        for (int r = 0, o = cOff; r < rows; r++, o += ldc) {
            for (int v = 0; v < V; v++) {
                z.intoArray(c, o + v * L);
            }
        }
    }

    /**
     * {@link VectorProducts#tile4x4} on a packed panel, B's stride the constant {@link #NR}, and A's four rows in a
     * tile: element (r, kk) at {@code a[aOff + 4·kk + r]}, one index for the four broadcasts. Counted by kk, of which
     * both indices are linear, the loop keeps no range check: 49 instructions for its 16 FMAs on JDK 17 where rows
     * of A read where they lie took 55, four of them checks (counted by A's index, B's checks stayed and took half
     * of a training step's samples). Measured on an AVX-512 host, one thread, a 128-step strip in L1, alternating in
     * one JVM: 123–131 GFLOPS from rows, 142–149 from a tile (JDK 25: 110–124 and 135–164).
     */
    private static void panel4x4(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        int o0 = cOff, o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0);
        FloatVector c01 = FloatVector.fromArray(S, c, o0 + L);
        FloatVector c02 = FloatVector.fromArray(S, c, o0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, c, o0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1);
        FloatVector c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c12 = FloatVector.fromArray(S, c, o1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, c, o1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2);
        FloatVector c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c22 = FloatVector.fromArray(S, c, o2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, c, o2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3);
        FloatVector c31 = FloatVector.fromArray(S, c, o3 + L);
        FloatVector c32 = FloatVector.fromArray(S, c, o3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, c, o3 + 3 * L);
        for (int kk = 0; kk < k; kk++) {
            int ak = aOff + 4 * kk, bk = bOff + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ak]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ak + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ak + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ak + 3]);
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

    /** The first three vectors of a panel (a last, narrower one of four), A's rows in a tile, the loop of panel4x4. */
    private static void panel4x3(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        int o0 = cOff, o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0);
        FloatVector c01 = FloatVector.fromArray(S, c, o0 + L);
        FloatVector c02 = FloatVector.fromArray(S, c, o0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1);
        FloatVector c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c12 = FloatVector.fromArray(S, c, o1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2);
        FloatVector c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c22 = FloatVector.fromArray(S, c, o2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3);
        FloatVector c31 = FloatVector.fromArray(S, c, o3 + L);
        FloatVector c32 = FloatVector.fromArray(S, c, o3 + 2 * L);
        for (int kk = 0; kk < k; kk++) {
            int ak = aOff + 4 * kk, bk = bOff + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[ak]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[ak + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[ak + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[ak + 3]);
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

    /** The first two vectors of a panel (its last, narrower one), A's rows in a tile, the loop of {@link #panel4x4}. */
    private static void panel4x2(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        int o0 = cOff, o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0);
        FloatVector c01 = FloatVector.fromArray(S, c, o0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1);
        FloatVector c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2);
        FloatVector c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3);
        FloatVector c31 = FloatVector.fromArray(S, c, o3 + L);
        for (int kk = 0; kk < k; kk++) {
            int ak = aOff + 4 * kk, bk = bOff + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector x = FloatVector.broadcast(S, a[ak]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ak + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ak + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ak + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
    }

    /** The first vector of a panel (its last, narrowest one), A's rows in a tile, the loop of {@link #panel4x4}. */
    private static void panel4x1(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        int o0 = cOff, o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc;
        FloatVector c0 = FloatVector.fromArray(S, c, o0);
        FloatVector c1 = FloatVector.fromArray(S, c, o1);
        FloatVector c2 = FloatVector.fromArray(S, c, o2);
        FloatVector c3 = FloatVector.fromArray(S, c, o3);
        for (int kk = 0; kk < k; kk++) {
            int ak = aOff + 4 * kk;
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + kk * NR);
            c0 = FloatVector.broadcast(S, a[ak]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ak + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ak + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ak + 3]).fma(b0, c3);
        }
        c0.intoArray(c, o0);
        c1.intoArray(c, o1);
        c2.intoArray(c, o2);
        c3.intoArray(c, o3);
    }

    /**
     * One row across a packed panel, a chain per vector of the tile (rows past the last tile of four, and panels past
     * a lone row's last group of {@link #ROW_GROUP}).
     */
    private static void panelRow(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        FloatVector c0 = FloatVector.fromArray(S, c, cOff);
        FloatVector c1 = FloatVector.fromArray(S, c, cOff + L);
        FloatVector c2 = V == 4 ? FloatVector.fromArray(S, c, cOff + 2 * L) : null;
        FloatVector c3 = V == 4 ? FloatVector.fromArray(S, c, cOff + 3 * L) : null;
        for (int bk = bOff, end = bOff + k * NR, kk = 0; bk < end; bk += NR, kk++) {
            FloatVector x = FloatVector.broadcast(S, a[aOff + kk]);
            c0 = x.fma(FloatVector.fromArray(S, b, bk), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bk + L), c1);
            if (V == 4) {
                c2 = x.fma(FloatVector.fromArray(S, b, bk + 2 * L), c2);
                c3 = x.fma(FloatVector.fromArray(S, b, bk + 3 * L), c3);
            }
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        if (V == 4) {
            c2.intoArray(c, cOff + 2 * L);
            c3.intoArray(c, cOff + 3 * L);
        }
    }
}
