package org.rnn4j.tensor;

/**
 * The layout of a matrix packed for the products ({@link Kernels#pack}): column panels of a kernel set's width w,
 * each k contiguous rows of w floats, zero-padded past the last column, starting where element 0 records.
 */
final class Packing {
    private Packing() {
    }

    /**
     * Where the panels of a packed matrix start: {@link Kernels#pack} chooses it (from 1 to {@link Alignment#LINE},
     * on a cache line where the address is known) and keeps it in element 0.
     */
    static int panelsStart(float[] packed) {
        return Float.floatToRawIntBits(packed[0]);
    }

    /** Chooses where {@code packed}'s panels start, its first cache line from element 1, for {@link #panelsStart}. */
    static void placePanels(float[] packed) {
        placePanels(packed, Alignment.firstLine(packed, 1));
    }

    /** Records where {@code packed}'s panels start, for {@link #panelsStart}. */
    static void placePanels(float[] packed, int start) {
        packed[0] = Float.intBitsToFloat(start);
    }

    /** Rows of a panel {@link #packPanel} writes at a time from a transposed matrix. */
    private static final int PACK_BLOCK = 64;

    /**
     * Writes panel p (columns [p·w, (p+1)·w)) of the (k, n) matrix B into {@code packed}, as {@link Kernels#pack}
     * describes B and its {@code transposed} form.
     */
    static void packPanel(int w, int p, int k, int n, float[] b, int bOff, int ldb, boolean transposed,
                          float[] packed) {
        int base = panelsStart(packed) + p * k * w, j0 = p * w, width = Math.min(w, n - j0);
        if (transposed) {
            // k in blocks, so that the block's rows of the panel, written a column at a time, stay in the L1
            // cache (a whole panel, k·w floats, is larger: each column's writes went to L2)
            for (int k0 = 0; k0 < k; k0 += PACK_BLOCK) {
                int k1 = Math.min(k, k0 + PACK_BLOCK);
                for (int jj = 0; jj < width; jj++) {
                    int src = bOff + (j0 + jj) * ldb;
                    for (int kk = k0; kk < k1; kk++) {
                        packed[base + kk * w + jj] = b[src + kk];
                    }
                }
            }
        } else {
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(b, bOff + kk * ldb + j0, packed, base + kk * w, width);
            }
        }
        if (width < w) {
            for (int kk = 0; kk < k; kk++) {
                java.util.Arrays.fill(packed, base + kk * w + width, base + (kk + 1) * w, 0f);
            }
        }
    }
}
