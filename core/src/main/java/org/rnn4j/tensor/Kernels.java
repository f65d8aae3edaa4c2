package org.rnn4j.tensor;

/**
 * Every numeric kernel of rnn4j, in plain Java: the reference that the fast version is tested
 * against. Matrices are row-major {@code float[]} with an offset and a leading dimension.
 * {@code VectorKernels} overrides the hot ones with the Vector API; {@link #best()} picks it when
 * the JVM has {@code jdk.incubator.vector}, unless {@code -Drnn4j.kernels=reference}.
 */
public class Kernels {
    /** Whether the missing Vector API was reported: once per JVM. */
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * {@link #best()}'s kernels, made at its first call rather than with this class: the vector kernels' width comes
     * from {@code Simd}, which reads {@link #forcedVectorBits()} here, so a program whose first use is a vector class
     * would otherwise build them while {@code Simd} is still being initialised, its species still null.
     */
    private static final class Best {
        static final Kernels KERNELS = choose();
    }

    protected Kernels() {
    }

    /** The plain reference kernels. */
    public static Kernels reference() {
        return new Kernels();
    }

    /** The fastest kernels this JVM can run, on all available cores. */
    public static Kernels best() {
        return Best.KERNELS;
    }

    /**
     * The fastest kernels this JVM can run, splitting large products over {@code threads} threads.
     * Such an instance owns a {@link WorkerTeam}: use it from one thread at a time.
     */
    public static Kernels best(int threads) {
        if ("reference".equals(System.getProperty("rnn4j.kernels"))) {
            return reference();
        }
        forcedVectorBits(); // a bad width is the user's error, not a missing Vector API
        try {
            return new VectorKernels(threads);
        } catch (LinkageError e) { // the JVM was started without --add-modules jdk.incubator.vector
            if (!WARNED.getAndSet(true)) {
                System.err.println("rnn4j: warning: the Vector API is missing, so the plain Java kernels run, about 20 "
                        + "times slower; start Java with --add-modules jdk.incubator.vector");
            }
            return reference();
        }
    }

    /**
     * The vector width {@code -Drnn4j.vector.bits} forces, or 0 for the machine's own.
     *
     * @throws IllegalArgumentException when the property is set to anything but 128, 256 or 512
     */
    public static int forcedVectorBits() {
        String bits = System.getProperty("rnn4j.vector.bits");
        if (bits == null || bits.isEmpty()) {
            return 0;
        }
        switch (bits) {
            case "128": case "256": case "512":
                return Integer.parseInt(bits);
            default:
                throw new IllegalArgumentException("-Drnn4j.vector.bits=" + bits + ": the vector width must be 128, 256 "
                        + "or 512 (bits), or unset for the machine's own");
        }
    }

    private static Kernels choose() {
        return best(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Measures the machine's multiply-add peak in GFLOPS as these kernels can reach it: independent
     * chains of fused multiply-adds on every thread, nothing read from memory.
     */
    public double fmaPeakGflops() {
        long iterations = 20_000_000;
        fmaChains(iterations / 10); // warm-up, so the measured loop is compiled
        long start = System.nanoTime();
        float sink = fmaChains(iterations);
        double seconds = (System.nanoTime() - start) / 1e9;
        return sink == 42f ? 0 : 8.0 * 2 * iterations / seconds / 1e9;
    }

    private static float fmaChains(long iterations) {
        float a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8;
        final float m = 0.999999f, c = 1e-6f;
        for (long i = 0; i < iterations; i++) {
            a0 = Math.fma(m, c, a0); a1 = Math.fma(m, c, a1); a2 = Math.fma(m, c, a2); a3 = Math.fma(m, c, a3);
            a4 = Math.fma(m, c, a4); a5 = Math.fma(m, c, a5); a6 = Math.fma(m, c, a6); a7 = Math.fma(m, c, a7);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    }

    /** The register tile of the matrix products, rows × vectors of B ("1×1": these plain loops). */
    public String tile() {
        return "1×1";
    }

    /** Threads a matrix product may use. */
    public int threads() {
        return 1;
    }

    /** A short name for reports: which kernels run. */
    public String name() {
        return "reference";
    }

    /**
     * {@code C (=|+=) A · B}: C is (m, n), B is (k, n) and element (i, kk) of A is
     * {@code a[aOff + i * aRow + kk * aCol]}, so A may be read as stored (aRow = lda, aCol = 1) or
     * transposed (aRow = 1, aCol = lda) with the same kernel.
     */
    public void gemm(int m, int n, int k,
                     float[] a, int aOff, int aRow, int aCol,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            for (int kk = 0; kk < k; kk++) {
                float aik = a[aOff + i * aRow + kk * aCol];
                int bk = bOff + kk * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aik * b[bk + j];
                }
            }
        }
    }

    /** {@code C (=|+=) A · B} with A (m, k) as stored, leading dimension lda. */
    public final void matmul(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** {@code C (=|+=) Aᵀ · B} with A stored as (k, m), leading dimension lda. */
    public final void matmulTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** Width of the reference kernels' column panels of a packed matrix. */
    static final int PANEL = 64;

    /**
     * Width of the column panels of a matrix packed by these kernels: a packed matrix is theirs alone, as the fast
     * kernels lay a panel out as one register tile's columns.
     */
    protected int panelWidth() {
        return PANEL;
    }

    /** Column panels that cover n columns, the last one possibly partial. */
    final int panels(int n) {
        return (n + panelWidth() - 1) / panelWidth();
    }

    /**
     * Floats needed to pack a (k, n) matrix with these kernels: whole panels, the last one zero-padded, and room
     * before them to start them on a cache line ({@link Alignment}).
     */
    public final int packedSize(int k, int n) {
        return Alignment.LINE + panels(n) * panelWidth() * k;
    }

    /**
     * Packs a (k, n) matrix B into column panels for {@link #matmulPacked}: panel p holds columns
     * [p·w, (p+1)·w), w = {@link #panelWidth()}, as k contiguous rows of w floats, zero-padded past n. With
     * {@code transposed}, B is the transpose of the stored (n, k) matrix: element (kk, j) is
     * {@code b[bOff + j * ldb + kk]}. Done once per minibatch for a weight used at every step, so each
     * step streams it from cache in order.
     */
    public void pack(int k, int n, float[] b, int bOff, int ldb, boolean transposed, float[] packed) {
        Packing.placePanels(packed);
        for (int p = 0; p < panels(n); p++) {
            Packing.packPanel(panelWidth(), p, k, n, b, bOff, ldb, transposed, packed);
        }
    }

    /** {@code C (=|+=) A · B} with A (m, k) as stored and B packed by {@link #pack}. */
    public final void matmulPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packed,
                                   float[] c, int cOff, int ldc, boolean accumulate) {
        gemmPacked(m, n, k, a, aOff, lda, 1, packed, c, cOff, ldc, accumulate, Epilogue.NONE, null, 0, null, 0);
    }

    /**
     * {@code C = tanh(C + A · B)} with B packed: the recurrent step with its activation fused, so the
     * tanh runs on each block while it is in cache, on the thread that computed it.
     */
    public final void matmulPackedAddTanh(int m, int n, int k, float[] a, int aOff, int lda, float[] packed,
                                          float[] c, int cOff, int ldc) {
        gemmPacked(m, n, k, a, aOff, lda, 1, packed, c, cOff, ldc, true, Epilogue.TANH, null, 0, null, 0);
    }

    /**
     * {@code C = A · B + b} with B packed, the row vector b at {@code bias[biasOff]} added to each row: the output
     * layer, its bias added to each block of C while it is in cache, on the thread that computed it. The sums of
     * {@link #matmulPacked} followed by {@link #addRowVector}.
     */
    public final void matmulPackedAddBias(int m, int n, int k, float[] a, int aOff, int lda, float[] packed,
                                          float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        gemmPacked(m, n, k, a, aOff, lda, 1, packed, c, cOff, ldc, false, Epilogue.BIAS, bias, biasOff, null, 0);
    }

    /**
     * {@code C = A · B} with B packed, then {@link #tanhBackward}{@code (G, C, Y)} on each block of C
     * as it is finished: one step back through a tanh recurrence, dZ_{t-1} = (dH_{t-1} + dZ_t W_hhᵀ)
     * ⊙ (1 − H_{t-1}²), in one hand-off to the team instead of two. C, G and Y are (m, n), contiguous.
     */
    public final void matmulPackedTanhBackward(int m, int n, int k, float[] a, int aOff, int lda, float[] packed,
                                               float[] c, int cOff, float[] g, int gOff, float[] y, int yOff) {
        gemmPacked(m, n, k, a, aOff, lda, 1, packed, c, cOff, n, false, Epilogue.TANH_BACKWARD, g, gOff, y, yOff);
    }

    /**
     * The forward pass of a tanh recurrence, {@code steps} steps of {@code batch} rows h wide: for t = 0 … steps − 1,
     * H_{t+1} = tanh(H_{t+1} + H_t · W) with W (h, h) packed, H_t the (batch, h) block at
     * {@code hs[off + t·batch·h]}, each H_{t+1} holding X_t·W_xh + b on entry. Step by step the sums of
     * {@link #matmulPackedAddTanh}; the vector kernels hand each step's result to the next step's product in the
     * layout it reads A in, written while the result is in cache, instead of copying it at the next step.
     */
    public void tanhRecurrence(int steps, int batch, int h, float[] hs, int off, float[] packed) {
        for (int t = 0, bh = batch * h; t < steps; t++) {
            matmulPackedAddTanh(batch, h, h, hs, off + t * bh, h, packed, hs, off + (t + 1) * bh, h);
        }
    }

    /**
     * Back through a tanh recurrence, from its last step to its second: for t = steps − 1 … 1,
     * dZ_{t−1} = (dZ_{t−1} + dZ_t · Wᵀ) ⊙ (1 − Y_t²) in place, dZ_t the (batch, h) block at
     * {@code dz[dzOff + t·batch·h]} (dZ_{steps−1} on entry, the others dL/dH_t), Y_t the block at
     * {@code hs[hsOff + t·batch·h]}, Wᵀ packed, {@code scratch} (batch, h) left holding the last dZ_t · Wᵀ. Step by
     * step the sums of {@link #matmulPackedTanhBackward}, which the vector kernels chain as {@link #tanhRecurrence}.
     */
    public void tanhRecurrenceBackward(int steps, int batch, int h, float[] dz, int dzOff, float[] hs, int hsOff,
                                       float[] packedT, float[] scratch) {
        for (int t = steps - 1, bh = batch * h; t > 0; t--) {
            matmulPackedTanhBackward(batch, h, h, dz, dzOff + t * bh, h, packedT, scratch, 0,
                    dz, dzOff + (t - 1) * bh, hs, hsOff + t * bh);
        }
    }

    /** {@code C (=|+=) Aᵀ · B} with A stored as (k, m) and B packed by {@link #pack}. */
    public final void matmulTNPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packed,
                                     float[] c, int cOff, int ldc, boolean accumulate) {
        gemmPacked(m, n, k, a, aOff, 1, lda, packed, c, cOff, ldc, accumulate, Epilogue.NONE, null, 0, null, 0);
    }

    /** What a packed product does to each block of C once it is computed. */
    protected enum Epilogue { NONE, TANH, TANH_BACKWARD, BIAS }

    /**
     * {@link #gemm} with B packed by {@link #pack}, each panel followed by its epilogue; G and Y, with
     * C's row stride, serve {@link Epilogue#TANH_BACKWARD}, and G alone, one row, is {@link Epilogue#BIAS}'s vector.
     */
    protected void gemmPacked(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] packed,
                              float[] c, int cOff, int ldc, boolean accumulate,
                              Epilogue epilogue, float[] g, int gOff, float[] y, int yOff) {
        int w = panelWidth(), start = Packing.panelsStart(packed);
        for (int j0 = 0, p = 0; j0 < n; j0 += w, p++) {
            int width = Math.min(w, n - j0);
            gemm(m, width, k, a, aOff, aRow, aCol, packed, start + p * k * w, w, c, cOff + j0, ldc, accumulate);
            epilogue(epilogue, 0, m, j0, width, c, cOff, ldc, g, gOff, y, yOff);
        }
    }

    /**
     * The epilogue of rows [i0, i0 + rows) and columns [j0, j0 + width) of C, row by row; the offsets are those of
     * the whole matrices, as {@link #gemmPacked} takes them.
     */
    protected final void epilogue(Epilogue epilogue, int i0, int rows, int j0, int width, float[] c, int cOff,
                                  int ldc, float[] g, int gOff, float[] y, int yOff) {
        if (epilogue == Epilogue.NONE) {
            return;
        }
        for (int i = i0; i < i0 + rows; i++) {
            int at = i * ldc + j0;
            switch (epilogue) {
                case TANH -> tanh(c, cOff + at, width);
                case TANH_BACKWARD -> tanhBackward(g, gOff + at, c, cOff + at, y, yOff + at, width);
                case BIAS -> addRowVector(c, cOff + at, 1, width, g, gOff + j0);
            }
        }
    }

    /**
     * {@code dst (cols, rows) = srcᵀ} for src (rows, cols), eight rows of src at a time: eight reads that each go
     * along a row, and eight neighbouring floats written to each row of dst (measured: 1.2–1.3 ns a float where
     * 32 × 32 blocks read a row at a time took 1.6–2.1, for (1120, 512) and (1120, 1028)).
     */
    public void transpose(int rows, int cols, float[] src, int srcOff, float[] dst, int dstOff) {
        transposeRows(0, rows, rows, cols, src, srcOff, dst, dstOff);
    }

    /** Rows of src a team's chunk of {@link #transpose} takes, a multiple of eight. */
    protected static final int TRANSPOSE_BLOCK = 32;

    /** Rows [i0, i1) of src of {@link #transpose}; i0 a multiple of eight. */
    protected static void transposeRows(int i0, int i1, int rows, int cols, float[] src, int srcOff, float[] dst,
                                        int dstOff) {
        int i = i0;
        for (; i + 8 <= i1; i += 8) {
            int s = srcOff + i * cols;
            for (int j = 0, d = dstOff + i; j < cols; j++, d += rows) {
                dst[d] = src[s + j];
                dst[d + 1] = src[s + cols + j];
                dst[d + 2] = src[s + 2 * cols + j];
                dst[d + 3] = src[s + 3 * cols + j];
                dst[d + 4] = src[s + 4 * cols + j];
                dst[d + 5] = src[s + 5 * cols + j];
                dst[d + 6] = src[s + 6 * cols + j];
                dst[d + 7] = src[s + 7 * cols + j];
            }
        }
        for (; i < i1; i++) {
            for (int j = 0; j < cols; j++) {
                dst[dstOff + j * rows + i] = src[srcOff + i * cols + j];
            }
        }
    }

    /** {@code x[i] = tanh(x[i])}. */
    public void tanh(float[] x, int off, int len) {
        for (int i = off; i < off + len; i++) {
            x[i] = (float) Math.tanh(x[i]);
        }
    }

    /** Backward of tanh with an incoming gradient: {@code g[i] = (g[i] + extra[i]) * (1 - y[i]²)}. */
    public void tanhBackward(float[] g, int gOff, float[] extra, int extraOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            float yi = y[yOff + i];
            g[gOff + i] = (g[gOff + i] + extra[extraOff + i]) * (1f - yi * yi);
        }
    }

    /**
     * One LSTM step for {@code rows} sequences. Each row of {@code gates} holds the pre-activations
     * [i f g o] (4·H wide), which are replaced by the activations; then
     * {@code c = f ⊙ cPrev + i ⊙ g} and {@code h = o ⊙ tanh(c)}, rows of H.
     */
    public void lstmCell(int rows, int hidden, float[] gates, int gOff, float[] cPrev, int cpOff,
                         float[] c, int cOff, float[] h, int hOff) {
        PlainCells.lstmCell(0, rows, 0, hidden, gates, gOff, cPrev, cpOff, c, cOff, h, hOff);
    }

    /**
     * Backward of {@link #lstmCell}. In: the activated gates, dL/dh_t as {@code dh + dhNext} (from the
     * layer above and from step t+1), dL/dc_t from step t+1 in {@code dc}. Out: the gates replaced
     * by dL/d(pre-activation), and {@code dc} by dL/dc_{t-1}:
     * <pre>
     *   dc = dc + dh ⊙ o ⊙ (1 − tanh²c)     do = dh ⊙ tanh c
     *   di = dc ⊙ g    df = dc ⊙ cPrev    dg = dc ⊙ i    dcPrev = dc ⊙ f
     * </pre>
     * each gate's gradient then multiplied by its activation's derivative.
     */
    public void lstmCellBackward(int rows, int hidden, float[] gates, int gOff, float[] cPrev, int cpOff,
                                 float[] c, int cOff, float[] dh, int dhOff, float[] dhNext, float[] dc) {
        PlainCells.lstmCellBackward(0, rows, 0, hidden, gates, gOff, cPrev, cpOff, c, cOff, dh, dhOff, dhNext, dc);
    }

    /**
     * One GRU step (PyTorch's form, reset gate applied to the recurrent product) for {@code rows}
     * sequences. {@code gx} rows hold X W_x + b_x as [r z n] (3·H wide) and {@code gh} rows
     * H_{t-1} W_h + b_h, the same layout:
     * <pre>
     *   r = σ(gx_r + gh_r)   z = σ(gx_z + gh_z)   n = tanh(gx_n + r ⊙ gh_n)   h = (1 − z) ⊙ n + z ⊙ hPrev
     * </pre>
     * gx is replaced by [r z n]; gh is kept for the backward pass.
     */
    public void gruCell(int rows, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                        float[] hPrev, int hpOff, float[] h, int hOff) {
        PlainCells.gruCell(0, rows, 0, hidden, gx, gxOff, gh, ghOff, hPrev, hpOff, h, hOff);
    }

    /**
     * Backward of {@link #gruCell}. In: gx holding [r z n], gh the recurrent pre-activations,
     * dL/dh_t as {@code dh + dhNext}. Out: gx replaced by the gradient of X W_x + b_x, gh by that of
     * H_{t-1} W_h + b_h, and {@code dhNext} by the direct part of dL/dh_{t-1}, {@code dh ⊙ z} (the
     * caller adds dgh W_hᵀ):
     * <pre>
     *   dn = dh ⊙ (1 − z)   dz = dh ⊙ (hPrev − n)   dan = dn ⊙ (1 − n²)   dr = dan ⊙ gh_n
     *   dgx = [dr ⊙ r(1 − r), dz ⊙ z(1 − z), dan]    dgh = [same, same, dan ⊙ r]
     * </pre>
     */
    public void gruCellBackward(int rows, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                                float[] hPrev, int hpOff, float[] dh, int dhOff, float[] dhNext) {
        PlainCells.gruCellBackward(0, rows, 0, hidden, gx, gxOff, gh, ghOff, hPrev, hpOff, dh, dhOff, dhNext);
    }

    /**
     * One step of Adam (PyTorch's form) over {@code len} parameters:
     * {@code m = β1 m + (1 − β1) g}, {@code v = β2 v + (1 − β2) g²},
     * {@code p −= stepSize · m / (√v / √(1 − β2ᵗ) + ε)} with {@code stepSize = lr / (1 − β1ᵗ)}.
     * {@code oneMinusBeta1} and {@code oneMinusBeta2} are 1 − β computed in double, then rounded, as PyTorch passes
     * them (1 − 0.999f in float is 9.99987e-4, not 1e-3).
     */
    public void adam(float[] p, float[] g, float[] m, float[] v, int len, float beta1, float oneMinusBeta1,
                     float beta2, float oneMinusBeta2, float eps, float stepSize, float invSqrtCorrection2) {
        for (int i = 0; i < len; i++) {
            m[i] = beta1 * m[i] + oneMinusBeta1 * g[i];
            v[i] = beta2 * v[i] + oneMinusBeta2 * g[i] * g[i];
            p[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) * invSqrtCorrection2 + eps);
        }
    }

    /** Multiplies x element-wise by y: the mask of dropout, forward and backward. */
    public void multiply(float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            x[xOff + i] *= y[yOff + i];
        }
    }

    /**
     * {@code out[i] = table[rows[i]] + bias} for i in [0, n), rows of width {@code cols}: the product of
     * one-hot inputs with a weight matrix, plus its bias. A negative row is the input of no token
     * (X = 0): the bias alone.
     */
    public void gatherRowsAddBias(float[] table, int tableOff, int cols, int[] rows, int n,
                                  float[] bias, int biasOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            int src = tableOff + rows[i] * cols, dst = outOff + i * cols;
            for (int j = 0; j < cols; j++) {
                out[dst + j] = (rows[i] < 0 ? 0 : table[src + j]) + bias[biasOff + j];
            }
        }
    }

    /** Adds a row vector to each of {@code rows} rows of width {@code cols}. */
    public void addRowVector(float[] x, int off, int rows, int cols, float[] v, int vOff) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * cols;
            for (int j = 0; j < cols; j++) {
                x[o + j] += v[vOff + j];
            }
        }
    }

    /** {@code out[j] (=|+=) Σ_r x[r][j]}: the gradient of a bias added to every row. */
    public void columnSums(float[] x, int off, int rows, int cols, float[] out, int outOff, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
        }
        for (int r = 0; r < rows; r++) {
            int o = off + r * cols;
            for (int j = 0; j < cols; j++) {
                out[outOff + j] += x[o + j];
            }
        }
    }

    /**
     * Softmax cross-entropy of {@code rows} rows of logits (width {@code cols}) against their labels.
     * Replaces the logits by the gradient of the <em>mean</em> loss, {@code (softmax − onehot) / rows},
     * and returns the summed loss (in double, as it decides the reported perplexity).
     */
    public double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels) {
        return softmaxCrossEntropyRows(logits, off, 0, rows, rows, cols, labels);
    }

    /**
     * {@code log Σ exp(x)} over {@code x[off … off + n)}, in double, from the maximum: the log-partition of one row of
     * logits, for inference's one row at a time (a log-softmax is {@code x − logSumExp}).
     */
    public static double logSumExp(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[off + i] - max);
        }
        return max + Math.log(sum);
    }

    /**
     * A row's loss, {@code log Σ exp(x − max) − (x_label − max)}, in double from the label's own logit: exact however
     * far below the maximum the label lies (its exponential may underflow to 0 in float, its logarithm never does).
     */
    protected static double lossOfRow(double sumOfExponentials, float labelBelowMax) {
        return Math.log(sumOfExponentials) - labelBelowMax;
    }

    /** Rows [from, to) of {@link #softmaxCrossEntropy}; the gradient is scaled by 1 / {@code rows}. */
    protected static double softmaxCrossEntropyRows(float[] logits, int off, int from, int to, int rows, int cols,
                                                    int[] labels) {
        double total = 0;
        float scale = 1f / rows;
        for (int r = from; r < to; r++) {
            int o = off + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, logits[o + j]);
            }
            int label = labels[r];
            float below = logits[o + label] - max; // the label's logit, before it becomes an exponential
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(logits[o + j] - max);
                logits[o + j] = e;
                sum += e;
            }
            total += lossOfRow(sum, below);
            float inv = (float) (scale / sum);
            for (int j = 0; j < cols; j++) {
                logits[o + j] *= inv;
            }
            logits[o + label] -= scale;
        }
        return total;
    }

    /** {@code Σ x[i]²} in double. */
    public double sumOfSquares(float[] x, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            s += (double) x[i] * x[i];
        }
        return s;
    }

    /** {@code y[i] += alpha * x[i]}. */
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** {@code x[i] *= alpha}. */
    public void scale(float alpha, float[] x, int off, int len) {
        for (int i = off; i < off + len; i++) {
            x[i] *= alpha;
        }
    }

    /**
     * Runs {@code job} for 0 … n−1, each once, in any order and on any of these kernels' threads: independent work
     * beside the kernels (the draws of several streams of generation), which must not call these kernels.
     */
    public void parallel(int n, WorkerTeam.Job job) {
        for (int i = 0; i < n; i++) {
            job.run(i);
        }
    }
}
