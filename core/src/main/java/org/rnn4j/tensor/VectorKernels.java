package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels ({@code jdk.incubator.vector}), each overriding its plain twin in {@link Kernels}, and the
 * split of the large ones over a {@link WorkerTeam} (the products' by {@link TeamProducts}). One thread's share is
 * computed by a file per family: the products by {@link VectorProducts} (B as stored) and {@link VectorPanels} (B
 * packed), the cells by {@link VectorCells}, the softmax by {@link VectorSoftmax}, the optimiser's kernels by
 * {@link VectorOptimizer}; the width and the register tile come from {@link Simd}.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int L = Simd.L;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    /** Below this many multiply-adds a product runs on the calling thread alone. */
    static final long PARALLEL_WORK = 1 << 16;
    /** Row blocks a product is cut into when it is too narrow for column panels. */
    static final int ROW_CHUNKS = 8;

    private final WorkerTeam team;
    private final TeamProducts products;
    private final GatherJob gatherJob = new GatherJob();
    private final VectorSoftmax.Job softmax = new VectorSoftmax.Job();
    private final CellJob cells = new CellJob();
    private final ColumnSumJob columnSumJob = new ColumnSumJob();
    private final TransposeJob transposeJob = new TransposeJob();

    VectorKernels(int threads) {
        FloatVector.zero(S); // fails here, not later, when the module is absent
        this.team = new WorkerTeam(threads);
        this.products = new TeamProducts(this, team);
    }

    @Override
    public String tile() {
        return VectorProducts.tile();
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize() + " × " + team.size() + (team.size() == 1 ? " thread" : " threads");
    }

    @Override
    public int threads() {
        return team.size();
    }

    /** Twelve independent vector FMA chains per thread (enough to cover the FMA latency), on the team. */
    @Override
    public double fmaPeakGflops() {
        final int chunksPerThread = 4;
        final long iterations = 1_000_000;
        int chunks = team.size() * chunksPerThread;
        float[] sink = new float[chunks];
        // thousands of short calls, so that the JIT compiles the chains as a method (a few long calls
        // leave it to on-stack replacement, which a busy JIT, under a profiler say, may not reach in time:
        // every measured round then crawls alike and the peak comes out at a few GFLOPS)
        for (int warm = 0; warm < 2_000; warm++) {
            team.run(chunks, c -> sink[c] += fmaChains(1_000));
        }
        // rounds of ~15 ms for half a second at least, and until three in a row bring no gain of 2 %:
        // the JIT may still be compiling the chains for the first ones, and this VM sometimes loses a
        // core for a few tens of milliseconds, which a shorter measurement took for the peak
        double best = 0;
        long first = System.nanoTime();
        for (int stale = 0; (stale < 3 || System.nanoTime() - first < 500_000_000L)
                && System.nanoTime() - first < 3_000_000_000L; ) {
            long start = System.nanoTime();
            team.run(chunks, c -> sink[c] += fmaChains(iterations));
            double rate = 12.0 * 2 * L * iterations * chunks / ((System.nanoTime() - start) / 1e9) / 1e9;
            stale = rate > 1.02 * best ? 0 : stale + 1;
            best = Math.max(best, rate);
        }
        return sink[0] == 42f ? best + 1e-9 : best;
    }

    private static float fmaChains(long iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), c = FloatVector.broadcast(S, 1e-6f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0.add(c), a2 = a1.add(c), a3 = a2.add(c);
        FloatVector a4 = a3.add(c), a5 = a4.add(c), a6 = a5.add(c), a7 = a6.add(c);
        FloatVector a8 = a7.add(c), a9 = a8.add(c), a10 = a9.add(c), a11 = a10.add(c);
        // each accumulator is the addend, m·c + a: as the multiplicand, C2 copies it before every FMA and spills
        for (long i = 0; i < iterations; i++) {
            a0 = m.fma(c, a0); a1 = m.fma(c, a1); a2 = m.fma(c, a2); a3 = m.fma(c, a3);
            a4 = m.fma(c, a4); a5 = m.fma(c, a5); a6 = m.fma(c, a6); a7 = m.fma(c, a7);
            a8 = m.fma(c, a8); a9 = m.fma(c, a9); a10 = m.fma(c, a10); a11 = m.fma(c, a11);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** Split over the team ({@link TeamProducts}). */
    @Override
    public void gemm(int m, int n, int k,
                     float[] a, int aOff, int aRow, int aCol,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        products.gemm(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    protected int panelWidth() {
        return VectorPanels.NR;
    }

    /** Split over the team by panels ({@link TeamProducts}). */
    @Override
    protected void gemmPacked(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] packed,
                              float[] c, int cOff, int ldc, boolean accumulate,
                              Epilogue epilogue, float[] g, int gOff, float[] y, int yOff) {
        products.gemmPacked(m, n, k, a, aOff, aRow, aCol, packed, c, cOff, ldc, accumulate,
                epilogue, g, gOff, y, yOff);
    }

    /**
     * Each step's result written into A's tiles for the next ({@link TeamProducts}); fewer than four rows, which the
     * products read where they lie, step by step.
     */
    @Override
    public void tanhRecurrence(int steps, int batch, int h, float[] hs, int off, float[] packed) {
        if (batch < 4) {
            super.tanhRecurrence(steps, batch, h, hs, off, packed);
        } else {
            products.tanhRecurrence(steps, batch, h, hs, off, packed);
        }
    }

    /** As {@link #tanhRecurrence}, back through the steps. */
    @Override
    public void tanhRecurrenceBackward(int steps, int batch, int h, float[] dz, int dzOff, float[] hs, int hsOff,
                                       float[] packedT, float[] scratch) {
        if (batch < 4) {
            super.tanhRecurrenceBackward(steps, batch, h, dz, dzOff, hs, hsOff, packedT, scratch);
        } else {
            products.tanhRecurrenceBackward(steps, batch, h, dz, dzOff, hs, hsOff, packedT, scratch);
        }
    }

    /** Split over the team, a panel a chunk. */
    @Override
    public void pack(int k, int n, float[] b, int bOff, int ldb, boolean transposed, float[] packed) {
        products.pack(k, n, b, bOff, ldb, transposed, packed);
    }

    /** Split over the team by blocks of rows. */
    @Override
    public void gatherRowsAddBias(float[] table, int tableOff, int cols, int[] rows, int n,
                                  float[] bias, int biasOff, float[] out, int outOff) {
        GatherJob g = gatherJob;
        g.table = table;
        g.tableOff = tableOff;
        g.cols = cols;
        g.rows = rows;
        g.n = n;
        g.bias = bias;
        g.biasOff = biasOff;
        g.out = out;
        g.outOff = outOff;
        // a generation step's few rows on one thread: split, 16 rows of 512 took 2.7 µs on two threads of Zen 4
        // against 1.2 on one
        g.perChunk = (long) n * cols < PARALLEL_WORK ? Math.max(1, n) : Math.max(1, (n + ROW_CHUNKS - 1) / ROW_CHUNKS);
        team.run((n + g.perChunk - 1) / g.perChunk, g);
        g.table = g.bias = g.out = null;
        g.rows = null;
    }

    /** The arguments of the gather being split, reused so that no call allocates. */
    private final class GatherJob implements WorkerTeam.Job {
        float[] table, bias, out;
        int[] rows;
        int tableOff, cols, n, biasOff, outOff, perChunk;

        @Override
        public void run(int chunk) {
            for (int i = chunk * perChunk, end = Math.min(n, i + perChunk); i < end; i++) {
                int dst = outOff + i * cols;
                System.arraycopy(bias, biasOff, out, dst, cols);
                if (rows[i] >= 0) {
                    axpy(1f, table, tableOff + rows[i] * cols, out, dst, cols);
                }
            }
        }
    }

    /**
     * Vectorised with a polynomial exponential, and split over the team by rows. Each chunk's loss
     * goes to its own slot and the slots are added in order, so the sum does not depend on the
     * number of threads.
     */
    @Override
    public double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels) {
        VectorSoftmax.Job s = softmax;
        s.logits = logits;
        s.labels = labels;
        s.off = off;
        s.rows = rows;
        s.cols = cols;
        s.chunks = Math.min(VectorSoftmax.CHUNKS, rows);
        s.perChunk = (rows + s.chunks - 1) / s.chunks;
        team.run(s.chunks, s);
        double total = 0;
        for (int c = 0; c < s.chunks; c++) {
            total += s.partial[c];
        }
        s.logits = null;
        s.labels = null;
        return total;
    }

    @Override
    public void parallel(int n, WorkerTeam.Job job) {
        team.run(n, job);
    }

    @Override
    public void tanh(float[] x, int off, int len) {
        VectorCells.tanh(x, off, null, 0, len);
    }

    // The element-wise kernels spell out their vector body (a vector handed to a helper that the JIT
    // does not inline is boxed on the heap) and finish with a scalar tail (masked operations allocate).
    @Override
    public void tanhBackward(float[] g, int gOff, float[] extra, int extraOff, float[] y, int yOff, int len) {
        int i = 0;
        for (; i + L <= len; i += L) { // g = (g + extra) · (1 − y²)
            FloatVector yv = FloatVector.fromArray(S, y, yOff + i);
            FloatVector.fromArray(S, g, gOff + i).add(FloatVector.fromArray(S, extra, extraOff + i))
                    .mul(ONE.sub(yv.mul(yv))).intoArray(g, gOff + i);
        }
        for (; i < len; i++) {
            float yi = y[yOff + i];
            g[gOff + i] = (g[gOff + i] + extra[extraOff + i]) * Math.fma(-yi, yi, 1f);
        }
    }

    // The cells run as team jobs split by rows.
    @Override
    public void lstmCell(int rows, int hidden, float[] gates, int gOff, float[] cPrev, int cpOff,
                         float[] c, int cOff, float[] h, int hOff) {
        cells.run(CellJob.LSTM, rows, hidden, gates, gOff, cPrev, cpOff, c, cOff, h, hOff, null, null);
    }

    @Override
    public void lstmCellBackward(int rows, int hidden, float[] gates, int gOff, float[] cPrev, int cpOff,
                                 float[] c, int cOff, float[] dh, int dhOff, float[] dhNext, float[] dc) {
        cells.run(CellJob.LSTM_BACKWARD, rows, hidden, gates, gOff, cPrev, cpOff, c, cOff, dh, dhOff, dhNext, dc);
    }

    @Override
    public void gruCell(int rows, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                        float[] hPrev, int hpOff, float[] h, int hOff) {
        cells.run(CellJob.GRU, rows, hidden, gx, gxOff, gh, ghOff, hPrev, hpOff, h, hOff, null, null);
    }

    @Override
    public void gruCellBackward(int rows, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                                float[] hPrev, int hpOff, float[] dh, int dhOff, float[] dhNext) {
        cells.run(CellJob.GRU_BACKWARD, rows, hidden, gx, gxOff, gh, ghOff, hPrev, hpOff, dh, dhOff, dhNext, null);
    }

    /** The arguments of a cell step being split by rows, reused so that no call allocates. */
    private final class CellJob implements WorkerTeam.Job {
        static final int LSTM = 0, LSTM_BACKWARD = 1, GRU = 2, GRU_BACKWARD = 3;
        int kind, rows, hidden, perChunk, aOff, bOff, cOff, dOff;
        float[] a, b, c, d, e, f;

        void run(int kind, int rows, int hidden, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                 float[] d, int dOff, float[] e, float[] f) {
            this.kind = kind;
            this.rows = rows;
            this.hidden = hidden;
            this.a = a;
            this.aOff = aOff;
            this.b = b;
            this.bOff = bOff;
            this.c = c;
            this.cOff = cOff;
            this.d = d;
            this.dOff = dOff;
            this.e = e;
            this.f = f;
            int chunks = (long) rows * hidden < PARALLEL_WORK / 16 ? 1 : Math.min(rows, ROW_CHUNKS);
            perChunk = (rows + chunks - 1) / chunks;
            team.run((rows + perChunk - 1) / perChunk, this);
            this.a = this.b = this.c = this.d = this.e = this.f = null;
        }

        @Override
        public void run(int chunk) {
            int r0 = chunk * perChunk, r1 = Math.min(rows, r0 + perChunk);
            switch (kind) {
                case LSTM -> VectorCells.lstmRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff);
                case LSTM_BACKWARD -> VectorCells.lstmBackwardRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff, e, f);
                case GRU -> VectorCells.gruRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff);
                default -> VectorCells.gruBackwardRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff, e);
            }
        }
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int len, float beta1, float oneMinusBeta1,
                     float beta2, float oneMinusBeta2, float eps, float stepSize, float invSqrtCorrection2) {
        VectorOptimizer.adam(p, g, m, v, len, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, stepSize,
                invSqrtCorrection2);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        VectorOptimizer.axpy(alpha, x, xOff, y, yOff, len);
    }

    @Override
    public double sumOfSquares(float[] x, int off, int len) {
        return VectorOptimizer.sumOfSquares(x, off, len);
    }

    @Override
    public void multiply(float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(FloatVector.fromArray(S, y, yOff + i)).intoArray(x, xOff + i);
        }
        for (; i < len; i++) {
            x[xOff + i] *= y[yOff + i];
        }
    }

    @Override
    public void addRowVector(float[] x, int off, int rows, int cols, float[] v, int vOff) {
        for (int r = 0; r < rows; r++) {
            axpy(1f, v, vOff, x, off + r * cols, cols);
        }
    }

    /** Split over the team by ranges of columns, each column summed in row order as on one thread. */
    @Override
    public void columnSums(float[] x, int off, int rows, int cols, float[] out, int outOff, boolean accumulate) {
        ColumnSumJob j = columnSumJob;
        j.width = Math.max(4 * L, (cols / ROW_CHUNKS + L - 1) / L * L);
        int chunks = (cols + j.width - 1) / j.width;
        if (chunks == 1 || (long) rows * cols < PARALLEL_WORK) {
            columnSums(x, off, rows, cols, 0, cols, out, outOff, accumulate);
            return;
        }
        j.x = x;
        j.off = off;
        j.rows = rows;
        j.cols = cols;
        j.out = out;
        j.outOff = outOff;
        j.accumulate = accumulate;
        team.run(chunks, j);
        j.x = j.out = null;
    }

    /** Columns [j0, j1) of {@link #columnSums}. */
    private void columnSums(float[] x, int off, int rows, int cols, int j0, int j1, float[] out, int outOff,
                            boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(out, outOff + j0, outOff + j1, 0f);
        }
        for (int r = 0; r < rows; r++) {
            axpy(1f, x, off + r * cols + j0, out, outOff + j0, j1 - j0);
        }
    }

    private final class ColumnSumJob implements WorkerTeam.Job {
        float[] x, out;
        int off, rows, cols, outOff, width;
        boolean accumulate;

        @Override
        public void run(int chunk) {
            int j0 = chunk * width;
            columnSums(x, off, rows, cols, j0, Math.min(cols, j0 + width), out, outOff, accumulate);
        }
    }

    /** Split over the team by blocks of rows. */
    @Override
    public void transpose(int rows, int cols, float[] src, int srcOff, float[] dst, int dstOff) {
        int chunks = (rows + TRANSPOSE_BLOCK - 1) / TRANSPOSE_BLOCK;
        if (chunks == 1 || (long) rows * cols < PARALLEL_WORK / 4) {
            super.transpose(rows, cols, src, srcOff, dst, dstOff);
            return;
        }
        TransposeJob t = transposeJob;
        t.rows = rows;
        t.cols = cols;
        t.src = src;
        t.srcOff = srcOff;
        t.dst = dst;
        t.dstOff = dstOff;
        team.run(chunks, t);
        t.src = t.dst = null;
    }

    private static final class TransposeJob implements WorkerTeam.Job {
        float[] src, dst;
        int rows, cols, srcOff, dstOff;

        @Override
        public void run(int chunk) {
            int i0 = chunk * TRANSPOSE_BLOCK;
            transposeRows(i0, Math.min(rows, i0 + TRANSPOSE_BLOCK), rows, cols, src, srcOff, dst, dstOff);
        }
    }
}
