package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels ({@code jdk.incubator.vector}), each overriding its plain twin in {@link Kernels}, and the
 * split of the large ones over a {@link WorkerTeam}. One thread's share is computed by a file per family: the
 * products by {@link VectorProducts} (B as stored) and {@link VectorPanels} (B packed), the cells by
 * {@link VectorCells}, the softmax by {@link VectorSoftmax}, the optimiser's kernels by {@link VectorOptimizer}; the
 * width and the register tile come from {@link Simd}.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int L = Simd.L;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    /** Below this many multiply-adds a product runs on the calling thread alone. */
    private static final long PARALLEL_WORK = 1 << 16;
    /** Row blocks a product is cut into when it is too narrow for column panels. */
    private static final int ROW_CHUNKS = 8;

    /** Columns of a chunk of a product whose B is not packed: whole tiles, 64 or a little more. */
    private static final int COLUMNS = (PANEL + VectorPanels.NR - 1) / VectorPanels.NR * VectorPanels.NR;

    private final WorkerTeam team;
    private final GemmJob job = new GemmJob();
    private final PackJob packJob = new PackJob();
    private final GatherJob gatherJob = new GatherJob();
    private final VectorSoftmax.Job softmax = new VectorSoftmax.Job();
    private final CellJob cells = new CellJob();
    private final TileJob tileJob = new TileJob();
    private final ColumnSumJob columnSumJob = new ColumnSumJob();
    private final TransposeJob transposeJob = new TransposeJob();
    /** Room for A copied into tiles, or row-major; grown, never shrunk, so the steady state allocates nothing. */
    private float[] tiles = new float[0], rows = new float[0];

    VectorKernels(int threads) {
        FloatVector.zero(S); // fails here, not later, when the module is absent
        this.team = new WorkerTeam(threads);
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

    /**
     * Splits a product over the team: by column panels when C is wide enough (each thread then reads
     * its own part of B), otherwise by blocks of rows. A team of one takes the same path, so that its
     * Aᵀ·B products get A's tiles too.
     */
    @Override
    public void gemm(int m, int n, int k,
                     float[] a, int aOff, int aRow, int aCol,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if ((long) m * n * k < PARALLEL_WORK) {
            VectorProducts.gemm(m, n, k, a, aOff, aRow, aCol, 4 * aRow, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        GemmJob g = job;
        g.set(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        if (n >= 2 * COLUMNS) {
            g.rowsPerChunk = 0;
            team.run((n + COLUMNS - 1) / COLUMNS, g);
        } else {
            g.rowsPerChunk = rowBlock(m);
            team.run((m + g.rowsPerChunk - 1) / g.rowsPerChunk, g);
        }
        g.clear();
    }

    @Override
    protected int panelWidth() {
        return VectorPanels.NR;
    }

    /**
     * A packed B is split by its panels, which are contiguous. The panel kernels read A row-major, so an A read
     * transposed (dW = Hᵀ·dZ) is first transposed into a buffer of these kernels.
     */
    @Override
    protected void gemmPacked(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] packed,
                              float[] c, int cOff, int ldc, boolean accumulate,
                              Epilogue epilogue, float[] g, int gOff, float[] y, int yOff) {
        if (aCol != 1) {
            a = rowMajor(m, k, a, aOff, aRow, aCol);
            aOff = 0;
            aRow = k;
        }
        GemmJob j = job;
        j.set(m, n, k, a, aOff, aRow, 1, packed, Packing.panelsStart(packed), VectorPanels.NR, c, cOff, ldc,
                accumulate);
        j.packedB = true;
        j.epilogue = epilogue;
        j.g = g;
        j.gOff = gOff;
        j.y = y;
        j.yOff = yOff;
        j.panelsPerChunk = m < 4 ? VectorPanels.ROW_GROUP : 1;
        int panelChunks = (panels(n) + j.panelsPerChunk - 1) / j.panelsPerChunk;
        // fewer groups of panels than twice the team's threads (the logits' V 28 is one panel): blocks of rows as
        // well, or all but one thread would wait through the product
        j.rowsPerChunk = panelChunks < 2 * team.size() && (long) m * n * k >= PARALLEL_WORK
                ? rowBlock(m) : Math.max(1, m);
        j.panelChunks = panelChunks;
        team.run(panelChunks * ((m + j.rowsPerChunk - 1) / j.rowsPerChunk), j);
        j.clear();
    }

    /** Rows of a product's row block: about an eighth of m, a multiple of four (A's tiles are four rows). */
    private static int rowBlock(int m) {
        return Math.max(4, ((m + ROW_CHUNKS - 1) / ROW_CHUNKS + 3) & ~3);
    }

    /** A copy of the (m, k) matrix A, element (i, kk) at {@code a[aOff + i·aRow + kk·aCol]}, row-major. */
    private float[] rowMajor(int m, int k, float[] a, int aOff, int aRow, int aCol) {
        if (rows.length < m * k) {
            rows = new float[m * k];
        }
        if (aRow == 1 && aCol == m) { // stored (k, m), contiguous
            transpose(k, m, a, aOff, rows, 0);
        } else {
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    rows[i * k + kk] = a[aOff + i * aRow + kk * aCol];
                }
            }
        }
        return rows;
    }

    @Override
    public void pack(int k, int n, float[] b, int bOff, int ldb, boolean transposed, float[] packed) {
        PackJob p = packJob;
        p.k = k;
        p.n = n;
        p.b = b;
        p.bOff = bOff;
        p.ldb = ldb;
        p.transposed = transposed;
        p.packed = packed;
        Packing.placePanels(packed);
        team.run(panels(n), p);
        p.b = p.packed = null;
    }

    /**
     * Copies the (m, k) matrix A with element (i, kk) at {@code a[aOff + kk * aCol + i]} into blocks
     * of 4 rows, block by block, each block k groups of 4: element (i, kk) lands at
     * {@code (i / 4) · 4k + 4·kk + i % 4}. Split over the team by ranges of kk.
     */
    private float[] packTiles(int m, int k, float[] a, int aOff, int aCol) {
        if (tiles.length < m * k) {
            tiles = new float[m * k];
        }
        TileJob t = tileJob;
        t.m = m;
        t.k = k;
        t.a = a;
        t.aOff = aOff;
        t.aCol = aCol;
        t.perChunk = (k + ROW_CHUNKS - 1) / ROW_CHUNKS;
        team.run((k + t.perChunk - 1) / t.perChunk, t);
        t.a = null;
        return tiles;
    }

    private final class TileJob implements WorkerTeam.Job {
        int m, k, aOff, aCol, perChunk;
        float[] a;

        @Override
        public void run(int chunk) {
            float[] out = tiles;
            for (int kk = chunk * perChunk, end = Math.min(k, kk + perChunk); kk < end; kk++) {
                int src = aOff + kk * aCol, dst = 4 * kk;
                for (int i = 0; i < m; i += 4, dst += 4 * k) {
                    out[dst] = a[src + i];
                    out[dst + 1] = a[src + i + 1];
                    out[dst + 2] = a[src + i + 2];
                    out[dst + 3] = a[src + i + 3];
                }
            }
        }
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
        g.perChunk = Math.max(1, (n + ROW_CHUNKS - 1) / ROW_CHUNKS);
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

    /** The arguments of the packing being split, one panel a chunk, reused so that no call allocates. */
    private final class PackJob implements WorkerTeam.Job {
        int k, n, bOff, ldb;
        float[] b, packed;
        boolean transposed;

        @Override
        public void run(int panel) {
            Packing.packPanel(VectorPanels.NR, panel, k, n, b, bOff, ldb, transposed, packed);
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

    /** The arguments of the product being split, reused so that no call allocates. */
    private final class GemmJob implements WorkerTeam.Job {
        /**
         * B as stored: chunks are row blocks of this many rows, or blocks of {@link #COLUMNS} columns when 0. B packed:
         * a chunk is the rows of one such block (all of them when it is m) in one of {@link #panelChunks} groups of
         * panels.
         */
        int rowsPerChunk;
        /** B packed: how many groups of {@link #panelsPerChunk} panels the columns make. */
        int panelChunks;
        /** Whether B is packed: a chunk is then {@link #panelsPerChunk} panels of {@link VectorPanels#panel}. */
        boolean packedB;
        /** 1, or {@link VectorPanels#ROW_GROUP} for a product of fewer than four rows. */
        int panelsPerChunk;
        /** How far into A each block of 4 rows starts from the previous one. */
        int aTile;
        int m, n, k, aOff, aRow, aCol, bOff, ldb, cOff, ldc, gOff, yOff;
        float[] a, b, c, g, y;
        boolean accumulate;
        Epilogue epilogue = Epilogue.NONE;

        /**
         * The product of a team: Aᵀ·B (A read transposed, aRow = 1) first copies A into 4-row tiles,
         * as a column of A is strided and the tiles would read a cache line for each of its elements.
         */
        void set(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                 float[] c, int cOff, int ldc, boolean accumulate) {
            this.m = m; this.n = n; this.k = k;
            if (aRow == 1 && aCol != 1 && m % 4 == 0) {
                this.a = packTiles(m, k, a, aOff, aCol); this.aOff = 0; this.aRow = 1; this.aCol = 4; aTile = 4 * k;
            } else {
                this.a = a; this.aOff = aOff; this.aRow = aRow; this.aCol = aCol; aTile = 4 * aRow;
            }
            this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.c = c; this.cOff = cOff; this.ldc = ldc; this.accumulate = accumulate;
        }

        void clear() {
            a = b = c = g = y = null;
            epilogue = Epilogue.NONE;
            packedB = false;
        }

        @Override
        public void run(int chunk) {
            if (packedB) {
                final int nr = VectorPanels.NR, first = chunk % panelChunks * panelsPerChunk, j0 = first * nr;
                final int i0 = chunk / panelChunks * rowsPerChunk, rows = Math.min(rowsPerChunk, m - i0);
                final int ai = aOff + i0 * aRow, ci = cOff + i0 * ldc; // A is row-major here
                int width = Math.min(panelsPerChunk * nr, n - j0);
                if (panelsPerChunk > 1 && width == panelsPerChunk * nr) {
                    VectorPanels.rowGroup(rows, k, a, ai, aRow, b, bOff + first * k * nr, c, ci + j0, ldc, accumulate);
                } else {
                    for (int j = j0; j < j0 + width; j += nr) {
                        VectorPanels.panel(rows, Math.min(nr, n - j), k, a, ai, aRow, b, bOff + j / nr * k * nr, c,
                                ci + j, ldc, accumulate);
                    }
                }
                epilogue(epilogue, rows, j0, width, c, ci, ldc, g, gOff + i0 * ldc, y, yOff + i0 * ldc);
            } else if (rowsPerChunk == 0) {
                int j = chunk * COLUMNS, width = Math.min(COLUMNS, n - j);
                VectorProducts.gemm(m, width, k, a, aOff, aRow, aCol, aTile, b, bOff + j, ldb,
                        c, cOff + j, ldc, accumulate);
                epilogue(epilogue, m, j, width, c, cOff, ldc, g, gOff, y, yOff);
            } else {
                int i = chunk * rowsPerChunk, rows = Math.min(rowsPerChunk, m - i);
                VectorProducts.gemm(rows, n, k, a, aOff + (i >> 2) * aTile, aRow, aCol, aTile, b, bOff, ldb,
                        c, cOff + i * ldc, ldc, accumulate); // i is a multiple of 4
            }
        }
    }

    @Override
    public void parallel(int n, WorkerTeam.Job job) {
        team.run(n, job);
    }

    @Override
    public void tanh(float[] x, int off, int len) {
        VectorCells.activate(x, off, null, 0, len, 1f);
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
