package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One thread's matrix product C (=|+=) A · B with the Vector API, by register tiles; the reference twin is
 * {@link Kernels#gemm}, and {@link VectorKernels} splits a product over its team.
 *
 * <p>The main tile is 4 rows of A × {@link Simd#TILE_VECTORS} vectors of B, as many as the register file holds with
 * every accumulator in a register (4 × 4 in 32 registers, 4 × 2 in 16); a lone row takes 1 × 4 (four chains, one
 * broadcast), and the columns left over take 4 × 2 and 4 × 1 tiles, a partial last vector computed at full width
 * and stored lane by lane.
 *
 * <p>Every tile computes each element of C the same way: from C (or zero), one fused multiply-add per k in order of
 * k, as {@code Math.fma} would. So a product gives the same bits whatever the tile shape, the vector width or the
 * split over threads, and choosing a tile for a register file never moves a digit.
 */
final class VectorProducts {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int L = Simd.L;
    private static final int V = Simd.TILE_VECTORS;
    /** Per-thread room for the lanes of partial tiles. */
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[4 * L]);

    private VectorProducts() {
    }

    /** The tile's shape, rows × vectors of B, as {@code bench} prints it. */
    static String tile() {
        return "4×" + V;
    }

    /**
     * C (=|+=) A · B for an (m, k) A whose element (i, kk) is at {@code a[aOff + (i / 4)·aTile + (i % 4)·aRow +
     * kk·aCol]} (row-major: aTile = 4·aRow; copied into 4-row tiles: aRow = 1, aCol = 4, aTile = 4k).
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, int aTile,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // K in blocks, C written between them: each element's sum keeps its order (a float stored and
        // reloaded is the same float), and a tile's strip of B, KC × V vectors, stays in the L1 cache while
        // every block of rows passes over it. Measured on the AVX2 host, one thread, best
        // of 40: dW (512 × 1120)·(1120 × 2048) 20–21 GFLOPS in one block, 34–37 in blocks of 256 or 512
        for (int k0 = 0; k0 < k; k0 += KC) {
            block(m, n, Math.min(KC, k - k0), a, aOff + k0 * aCol, aRow, aCol, aTile, b, bOff + k0 * ldb, ldb,
                    c, cOff, ldc, accumulate || k0 > 0);
        }
    }

    /**
     * Rows of B (and columns of A) a product takes at a time: a tile's strip of B, KC × V vectors, is then at most
     * 32 KB (16 KB at 256 bits in 16 registers), which a 48 KB L1 cache keeps beside A and C. Measured on an AVX-512
     * host, three rounds of {@code bench}: KC 256 (a strip of 64 KB) → 128, RNN H 512 1.05–1.10×, LSTM H 512
     * 1.04–1.10×, V 1,028 H 256 1.02–1.05×; one thread's (32 × 512)·(512 × 512) 97–113 → 123–128 GFLOPS.
     */
    static final int KC = Math.min(256, 8192 / (V * L));

    private static void block(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, int aTile,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // column panels outside, row blocks inside: a K × V·L panel of B stays in cache while every
        // row block of A passes over it, instead of all of B streaming once per row block
        int j = 0;
        if (m < 4) { // rows alone (a generation step's single row): four chains each
            for (; j + 4 * L <= n; j += 4 * L) {
                for (int i = 0; i < m; i++) {
                    tile1x4(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
                }
            }
        } else {
            for (; V == 4 && j + 4 * L <= n; j += 4 * L) {
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    tile4x4(k, a, aOff + (i >> 2) * aTile, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc,
                            accumulate);
                }
                for (; i < m; i++) { // rows left over: m is not a multiple of 4, so A is not in tiles
                    tile1x4(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
                }
            }
        }
        // two vectors at a time: the main tile where the register file holds 16 vectors, and where it holds 32,
        // two vectors' worth or more left (the Time Machine's V 28, say): 8 accumulators instead of twice 4,
        // whose chains of dependent multiply-adds are too short to keep the FMA units busy
        for (; n - j > L && bOff + (k - 1) * ldb + j + 2 * L <= b.length; j += 2 * L) {
            int width = Math.min(L, n - j - L);
            float[] edge = width < L ? EDGE.get() : null;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                tile4x2(k, a, aOff + (i >> 2) * aTile, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc,
                        accumulate, width, edge);
            }
            for (; i < m; i++) {
                tile1x1(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate, L, null);
                tile1x1(k, a, aOff + i * aRow, aCol, b, bOff + j + L, ldb, c, cOff + i * ldc + j + L, accumulate,
                        width, edge);
            }
        }
        for (; j < n; j += L) {
            int width = Math.min(L, n - j);
            // a full-width load of B's last row must stay inside the array; lanes past n are computed
            // and never stored (masked loads in the inner loop are slow in JDK 17)
            if (width < L && bOff + (k - 1) * ldb + j + L > b.length) {
                scalarColumns(m, j, n, k, a, aOff, aRow, aCol, aTile, b, bOff, ldb, c, cOff, ldc, accumulate);
                break;
            }
            float[] edge = width < L ? EDGE.get() : null;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                tile4x1(k, a, aOff + (i >> 2) * aTile, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc,
                        accumulate, width, edge);
            }
            for (; i < m; i++) {
                tile1x1(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate, width, edge);
            }
        }
    }

    /** Columns [j0, n) one element at a time, each summed as the tiles sum it. */
    private static void scalarColumns(int m, int j0, int n, int k, float[] a, int aOff, int aRow, int aCol, int aTile,
                                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + (i >> 2) * aTile + (i & 3) * aRow;
            for (int j = j0; j < n; j++) {
                float s = accumulate ? c[cOff + i * ldc + j] : 0f;
                for (int kk = 0; kk < k; kk++) {
                    s = Math.fma(a[ai + kk * aCol], b[bOff + kk * ldb + j], s);
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }

    /**
     * A 4 × 4L block, for register files of 32 vectors. Each accumulator starts at C or at zero: with the loop from
     * zero and C added under a branch, C2 sometimes gave up intrinsifying the later products of this long method and
     * fell back to the allocating Java vector operations.
     */
    private static void tile4x4(int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
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
        // written out rather than through a helper: a vector passed to a method that is not inlined
        // is boxed on the heap, and this method is too big for the JIT to inline much more into it
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

    /** A 4 × L block, its vector {@code width} lanes wide. */
    private static void tile4x1(int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, int width, float[] edge) {
        FloatVector c0, c1, c2, c3;
        if (width == L) {
            FloatVector z = FloatVector.zero(S);
            c0 = accumulate ? FloatVector.fromArray(S, c, cOff) : z;
            c1 = accumulate ? FloatVector.fromArray(S, c, cOff + ldc) : z;
            c2 = accumulate ? FloatVector.fromArray(S, c, cOff + 2 * ldc) : z;
            c3 = accumulate ? FloatVector.fromArray(S, c, cOff + 3 * ldc) : z;
        } else {
            loadEdge(edge, 4, width, c, cOff, ldc, accumulate);
            c0 = FloatVector.fromArray(S, edge, 0);
            c1 = FloatVector.fromArray(S, edge, L);
            c2 = FloatVector.fromArray(S, edge, 2 * L);
            c3 = FloatVector.fromArray(S, edge, 3 * L);
        }
        int a0 = aOff, a1 = aOff + aRow, a2 = aOff + 2 * aRow, a3 = aOff + 3 * aRow;
        for (int kk = 0; kk < k; kk++) {
            FloatVector bv = FloatVector.fromArray(S, b, bOff + kk * ldb);
            int ak = kk * aCol;
            c0 = FloatVector.broadcast(S, a[a0 + ak]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ak]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ak]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ak]).fma(bv, c3);
        }
        if (width == L) {
            c0.intoArray(c, cOff);
            c1.intoArray(c, cOff + ldc);
            c2.intoArray(c, cOff + 2 * ldc);
            c3.intoArray(c, cOff + 3 * ldc);
        } else {
            c0.intoArray(edge, 0);
            c1.intoArray(edge, L);
            c2.intoArray(edge, 2 * L);
            c3.intoArray(edge, 3 * L);
            storeEdge(edge, 4, width, c, cOff, ldc);
        }
    }

    /** A 4 × 2L block, its second vector {@code width} lanes wide ({@link #tile4x1} twice, in one pass). */
    private static void tile4x2(int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, int width, float[] edge) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, cOff) : z;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, cOff + ldc) : z;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, cOff + 2 * ldc) : z;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, cOff + 3 * ldc) : z;
        FloatVector c01, c11, c21, c31;
        if (width == L) {
            c01 = accumulate ? FloatVector.fromArray(S, c, cOff + L) : z;
            c11 = accumulate ? FloatVector.fromArray(S, c, cOff + ldc + L) : z;
            c21 = accumulate ? FloatVector.fromArray(S, c, cOff + 2 * ldc + L) : z;
            c31 = accumulate ? FloatVector.fromArray(S, c, cOff + 3 * ldc + L) : z;
        } else {
            loadEdge(edge, 4, width, c, cOff + L, ldc, accumulate);
            c01 = FloatVector.fromArray(S, edge, 0);
            c11 = FloatVector.fromArray(S, edge, L);
            c21 = FloatVector.fromArray(S, edge, 2 * L);
            c31 = FloatVector.fromArray(S, edge, 3 * L);
        }
        int a0 = aOff, a1 = aOff + aRow, a2 = aOff + 2 * aRow, a3 = aOff + 3 * aRow;
        for (int kk = 0; kk < k; kk++) {
            int bk = bOff + kk * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            int ak = kk * aCol;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, cOff);
        c10.intoArray(c, cOff + ldc);
        c20.intoArray(c, cOff + 2 * ldc);
        c30.intoArray(c, cOff + 3 * ldc);
        if (width == L) {
            c01.intoArray(c, cOff + L);
            c11.intoArray(c, cOff + ldc + L);
            c21.intoArray(c, cOff + 2 * ldc + L);
            c31.intoArray(c, cOff + 3 * ldc + L);
        } else {
            c01.intoArray(edge, 0);
            c11.intoArray(edge, L);
            c21.intoArray(edge, 2 * L);
            c31.intoArray(edge, 3 * L);
            storeEdge(edge, 4, width, c, cOff + L, ldc);
        }
    }

    /**
     * Parks the first {@code width} lanes of {@code rows} rows of C (or zeros) in {@code edge}, a vector a row, the
     * lanes past {@code width} zero. Masked loads and stores are not intrinsified in JDK 17 (each one allocates), so
     * partial tiles go through here and {@link #storeEdge}.
     */
    private static void loadEdge(float[] edge, int rows, int width, float[] c, int cOff, int ldc, boolean accumulate) {
        java.util.Arrays.fill(edge, 0, rows * L, 0f);
        if (accumulate) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(c, cOff + r * ldc, edge, r * L, width);
            }
        }
    }

    /** Stores the first {@code width} lanes of {@code rows} vectors parked in {@code edge}. */
    private static void storeEdge(float[] edge, int rows, int width, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(edge, r * L, c, cOff + r * ldc, width);
        }
    }

    /** A 1 × 4L block: four independent chains of multiply-adds sharing one broadcast of A. */
    private static void tile1x4(int k, float[] a, int aOff, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, boolean accumulate) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, cOff) : z;
        FloatVector c1 = accumulate ? FloatVector.fromArray(S, c, cOff + L) : z;
        FloatVector c2 = accumulate ? FloatVector.fromArray(S, c, cOff + 2 * L) : z;
        FloatVector c3 = accumulate ? FloatVector.fromArray(S, c, cOff + 3 * L) : z;
        for (int kk = 0; kk < k; kk++) {
            int bk = bOff + kk * ldb;
            FloatVector x = FloatVector.broadcast(S, a[aOff + kk * aCol]);
            c0 = x.fma(FloatVector.fromArray(S, b, bk), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bk + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, bk + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, b, bk + 3 * L), c3);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        c2.intoArray(c, cOff + 2 * L);
        c3.intoArray(c, cOff + 3 * L);
    }

    /** A 1 × L block, its vector {@code width} lanes wide. */
    private static void tile1x1(int k, float[] a, int aOff, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, boolean accumulate, int width, float[] edge) {
        FloatVector acc;
        if (width == L) {
            acc = accumulate ? FloatVector.fromArray(S, c, cOff) : FloatVector.zero(S);
        } else {
            loadEdge(edge, 1, width, c, cOff, 0, accumulate);
            acc = FloatVector.fromArray(S, edge, 0);
        }
        for (int kk = 0; kk < k; kk++) {
            acc = FloatVector.broadcast(S, a[aOff + kk * aCol]).fma(FloatVector.fromArray(S, b, bOff + kk * ldb), acc);
        }
        if (width == L) {
            acc.intoArray(c, cOff);
        } else {
            acc.intoArray(edge, 0);
            storeEdge(edge, 1, width, c, cOff, 0);
        }
    }
}
