package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels ({@code jdk.incubator.vector}). Matrix products use a register tile of
 * 4 rows of A × 4 vectors of B (16 accumulators), which keeps the FMA units busy and reads each
 * loaded vector of B four times; edges fall back to 4 × 1 and 1 × 1 tiles, and a partial last vector
 * is computed at full width and stored lane by lane. The products, the element-wise kernels and the cells are here;
 * the softmax is in {@link VectorSoftmax}, the optimiser's kernels in {@link VectorOptimizer}; each overrides its plain
 * twin in {@link Kernels}.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Per-thread room for the lanes of partial tiles. */
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[4 * L]);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    /** Below this many multiply-adds a product runs on the calling thread alone. */
    private static final long PARALLEL_WORK = 1 << 16;
    /** Row blocks a product is cut into when it is too narrow for column panels. */
    private static final int ROW_CHUNKS = 8;

    static {
        assert PANEL % (4 * L) == 0 : "a packed panel holds whole 4 × 4 tiles";
    }

    private final WorkerTeam team;
    private final GemmJob job = new GemmJob();
    private final PackJob packJob = new PackJob();
    private final GatherJob gatherJob = new GatherJob();
    private final VectorSoftmax.Job softmax = new VectorSoftmax.Job();
    private final CellJob cells = new CellJob();
    private final TileJob tileJob = new TileJob();
    private final ColumnSumJob columnSumJob = new ColumnSumJob();
    private final TransposeJob transposeJob = new TransposeJob();
    /** Room for A copied into tiles; grown, never shrunk, so the steady state allocates nothing. */
    private float[] tiles = new float[0];

    VectorKernels(int threads) {
        FloatVector.zero(S); // fails here, not later, when the module is absent
        this.team = new WorkerTeam(threads);
    }

    @Override
    public String tile() {
        return "4×4";
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
            gemmBlock(m, n, k, a, aOff, aRow, aCol, 4 * aRow, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        GemmJob g = job;
        g.set(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        if (n >= 2 * PANEL) {
            g.rowsPerChunk = 0;
            g.panelStride = PANEL; // panel p starts p·PANEL columns into B
            team.run(panels(n), g);
        } else {
            g.rowsPerChunk = Math.max(4, ((m + ROW_CHUNKS - 1) / ROW_CHUNKS + 3) & ~3);
            team.run((m + g.rowsPerChunk - 1) / g.rowsPerChunk, g);
        }
        g.clear();
    }

    /** A packed B is split by its panels, which are contiguous. */
    @Override
    protected void gemmPacked(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] packed,
                              float[] c, int cOff, int ldc, boolean accumulate,
                              Epilogue epilogue, float[] g, int gOff, float[] y, int yOff) {
        GemmJob j = job;
        j.set(m, n, k, a, aOff, aRow, aCol, packed, 0, PANEL, c, cOff, ldc, accumulate);
        j.rowsPerChunk = 0;
        j.panelStride = k * PANEL; // packed panels lie one after another, k rows of PANEL each
        j.epilogue = epilogue;
        j.g = g;
        j.gOff = gOff;
        j.y = y;
        j.yOff = yOff;
        team.run(panels(n), j);
        j.clear();
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
            packPanel(panel, k, n, b, bOff, ldb, transposed, packed);
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
        /** Chunks are row blocks of this many rows, or column panels when 0. */
        int rowsPerChunk;
        /** With column panels: how far into B each panel starts from the previous one. */
        int panelStride;
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
        }

        @Override
        public void run(int chunk) {
            if (rowsPerChunk == 0) {
                int j = chunk * PANEL, width = Math.min(PANEL, n - j);
                gemmBlock(m, width, k, a, aOff, aRow, aCol, aTile, b, bOff + chunk * panelStride, ldb, c, cOff + j, ldc,
                        accumulate);
                epilogue(epilogue, m, j, width, c, cOff, ldc, g, gOff, y, yOff);
            } else {
                int i = chunk * rowsPerChunk, rows = Math.min(rowsPerChunk, m - i);
                gemmBlock(rows, n, k, a, aOff + (i >> 2) * aTile, aRow, aCol, aTile, b, bOff, ldb, c, cOff + i * ldc,
                        ldc, accumulate); // i is a multiple of 4
            }
        }
    }

    /** One thread's product. */
    private void gemmBlock(int m, int n, int k,
                           float[] a, int aOff, int aRow, int aCol, int aTile,
                           float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        // column panels outside, row blocks inside: a K × 4L panel of B stays in cache while every
        // row block of A passes over it, instead of all of B streaming once per row block
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                tile4x4(k, a, aOff + (i >> 2) * aTile, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
            }
            for (; i < m; i++) { // rows left over (all of a generation step's single row): four chains, not one
                tile1x4(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
            }
        }
        // two vectors' worth or more left (the Time Machine's V 28, say): 8 accumulators instead of
        // twice 4, whose chains of dependent multiply-adds are too short to keep the FMA units busy
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
                for (int i = 0; i < m; i += 4) { // by blocks of 4 rows, which A may hold as tiles
                    super.gemm(Math.min(4, m - i), width, k, a, aOff + (i >> 2) * aTile, aRow, aCol, b, bOff + j, ldb,
                            c, cOff + i * ldc + j, ldc, accumulate);
                }
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

    /**
     * A 4 × 4L block of C (=|+=) A · B. Each accumulator starts at C or at zero: with the former
     * shape (the loop from zero, then C added under a branch) C2 sometimes gave up intrinsifying the
     * later products of this long method and fell back to the allocating Java vector operations.
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

    private static void tile4x1(int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, int width, float[] edge) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
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
            if (accumulate) {
                c0 = c0.add(FloatVector.fromArray(S, c, cOff));
                c1 = c1.add(FloatVector.fromArray(S, c, cOff + ldc));
                c2 = c2.add(FloatVector.fromArray(S, c, cOff + 2 * ldc));
                c3 = c3.add(FloatVector.fromArray(S, c, cOff + 3 * ldc));
            }
            c0.intoArray(c, cOff);
            c1.intoArray(c, cOff + ldc);
            c2.intoArray(c, cOff + 2 * ldc);
            c3.intoArray(c, cOff + 3 * ldc);
        } else {
            c0.intoArray(edge, 0);
            c1.intoArray(edge, L);
            c2.intoArray(edge, 2 * L);
            c3.intoArray(edge, 3 * L);
            storeEdge(edge, 4, width, c, cOff, ldc, accumulate);
        }
    }

    /** A 4 × 2L block, its second vector {@code width} lanes wide ({@link #tile4x1} twice, in one pass). */
    private static void tile4x2(int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, int width, float[] edge) {
        FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
        FloatVector c01 = c00, c11 = c00, c21 = c00, c31 = c00;
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
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, c, cOff));
            c10 = c10.add(FloatVector.fromArray(S, c, cOff + ldc));
            c20 = c20.add(FloatVector.fromArray(S, c, cOff + 2 * ldc));
            c30 = c30.add(FloatVector.fromArray(S, c, cOff + 3 * ldc));
        }
        c00.intoArray(c, cOff);
        c10.intoArray(c, cOff + ldc);
        c20.intoArray(c, cOff + 2 * ldc);
        c30.intoArray(c, cOff + 3 * ldc);
        if (width == L) {
            if (accumulate) {
                c01 = c01.add(FloatVector.fromArray(S, c, cOff + L));
                c11 = c11.add(FloatVector.fromArray(S, c, cOff + ldc + L));
                c21 = c21.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + L));
                c31 = c31.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + L));
            }
            c01.intoArray(c, cOff + L);
            c11.intoArray(c, cOff + ldc + L);
            c21.intoArray(c, cOff + 2 * ldc + L);
            c31.intoArray(c, cOff + 3 * ldc + L);
        } else {
            c01.intoArray(edge, 0);
            c11.intoArray(edge, L);
            c21.intoArray(edge, 2 * L);
            c31.intoArray(edge, 3 * L);
            storeEdge(edge, 4, width, c, cOff + L, ldc, accumulate);
        }
    }

    /**
     * Stores the first {@code width} lanes of {@code rows} vectors parked in {@code edge}. Masked loads
     * and stores are not intrinsified in JDK 17 (each one allocates), so partial tiles go through here.
     */
    private static void storeEdge(float[] edge, int rows, int width, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int o = cOff + r * ldc;
            for (int j = 0; j < width; j++) {
                c[o + j] = accumulate ? c[o + j] + edge[r * L + j] : edge[r * L + j];
            }
        }
    }

    /**
     * A 1 × 4L block of C (=|+=) A · B: four independent chains of multiply-adds sharing one broadcast of A, where four
     * {@link #tile1x1} calls would each wait on its single chain's latency. Each element is summed exactly as
     * {@code tile1x1} sums it (from zero, C added at the end), so the results are the same to the bit.
     */
    private static void tile1x4(int k, float[] a, int aOff, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, boolean accumulate) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int kk = 0; kk < k; kk++) {
            int bk = bOff + kk * ldb;
            FloatVector x = FloatVector.broadcast(S, a[aOff + kk * aCol]);
            c0 = x.fma(FloatVector.fromArray(S, b, bk), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bk + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, bk + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, b, bk + 3 * L), c3);
        }
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(S, c, cOff));
            c1 = c1.add(FloatVector.fromArray(S, c, cOff + L));
            c2 = c2.add(FloatVector.fromArray(S, c, cOff + 2 * L));
            c3 = c3.add(FloatVector.fromArray(S, c, cOff + 3 * L));
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        c2.intoArray(c, cOff + 2 * L);
        c3.intoArray(c, cOff + 3 * L);
    }

    private static void tile1x1(int k, float[] a, int aOff, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, boolean accumulate, int width, float[] edge) {
        FloatVector acc = FloatVector.zero(S);
        for (int kk = 0; kk < k; kk++) {
            acc = FloatVector.broadcast(S, a[aOff + kk * aCol]).fma(FloatVector.fromArray(S, b, bOff + kk * ldb), acc);
        }
        if (width == L) {
            (accumulate ? acc.add(FloatVector.fromArray(S, c, cOff)) : acc).intoArray(c, cOff);
        } else {
            acc.intoArray(edge, 0);
            storeEdge(edge, 1, width, c, cOff, 0, accumulate);
        }
    }

    // tanh as Eigen's rational approximation (odd degree 13 over even degree 6): a few ulp on
    // [-7.9, 7.9], where float tanh is ±1 beyond; fused multiply-adds only, no exponential.
    private static final float TANH_CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f,
            A5 = 1.48572235717979e-05f, A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f,
            A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f,
            B4 = 1.18534705686654e-04f, B6 = 1.19825839466702e-06f;

    @Override
    public void tanh(float[] x, int off, int len) {
        activate(x, off, null, 0, len, 1f);
    }

    private static float tanh(float x) {
        float v = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float x2 = v * v;
        float p = Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, A13, A11), A9), A7),
                A5), A3), A1) * v;
        float q = Math.fma(x2, Math.fma(x2, Math.fma(x2, B6, B4), B2), B0);
        return p / q;
    }

    private static final FloatVector VA1 = FloatVector.broadcast(S, A1), VA3 = FloatVector.broadcast(S, A3),
            VA5 = FloatVector.broadcast(S, A5), VA7 = FloatVector.broadcast(S, A7), VA9 = FloatVector.broadcast(S, A9),
            VA11 = FloatVector.broadcast(S, A11), VA13 = FloatVector.broadcast(S, A13),
            VB0 = FloatVector.broadcast(S, B0), VB2 = FloatVector.broadcast(S, B2), VB4 = FloatVector.broadcast(S, B4),
            VB6 = FloatVector.broadcast(S, B6), CLAMP_HI = FloatVector.broadcast(S, TANH_CLAMP),
            CLAMP_LO = FloatVector.broadcast(S, -TANH_CLAMP);

    private static FloatVector tanh(FloatVector x) {
        FloatVector v = x.max(CLAMP_LO).min(CLAMP_HI);
        FloatVector x2 = v.mul(v);
        FloatVector p = x2.fma(VA13, VA11).fma(x2, VA9).fma(x2, VA7).fma(x2, VA5).fma(x2, VA3).fma(x2, VA1).mul(v);
        FloatVector q = x2.fma(VB6, VB4).fma(x2, VB2).fma(x2, VB0);
        return p.div(q);
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
                case LSTM -> lstmRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff);
                case LSTM_BACKWARD -> lstmBackwardRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff, e, f);
                case GRU -> gruRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff);
                default -> gruBackwardRows(r0, r1, hidden, a, aOff, b, bOff, c, cOff, d, dOff, e);
            }
        }
    }

    /**
     * {@code x = s · tanh(s · (x + y)) + (1 − s)} over {@code len} elements ({@code y} null: x alone):
     * tanh with s = 1, and σ with s = ½, as σ(u) = ½ tanh(u / 2) + ½. One expansion of the vector
     * tanh serves every gate: with one per gate in the same method, C2 hit its node-count limit,
     * stopped inlining, and fell back to the allocating Java versions of the vector operations.
     */
    private static void activate(float[] x, int xOff, float[] y, int yOff, int len, float s) {
        final float shift = 1f - s;
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector u = FloatVector.fromArray(S, x, xOff + i);
            if (y != null) {
                u = u.add(FloatVector.fromArray(S, y, yOff + i));
            }
            tanh(u.mul(s)).mul(s).add(shift).intoArray(x, xOff + i);
        }
        for (; i < len; i++) {
            float u = y == null ? x[xOff + i] : x[xOff + i] + y[yOff + i];
            x[xOff + i] = Math.fma(s, tanh(s * u), shift);
        }
    }

    private static void lstmRows(int r0, int r1, int hidden, float[] gates, int gOff, float[] cPrev, int cpOff,
                                 float[] c, int cOff, float[] h, int hOff) {
        final int H = hidden;
        for (int r = r0; r < r1; r++) {
            int g = gOff + r * 4 * H, s = r * H, j = 0;
            for (int block = 0; block < 4; block++) { // σ for i, f and o, tanh for g
                activate(gates, g + block * H, null, 0, H, block == 2 ? 1f : 0.5f);
            }
            for (; j + L <= H; j += L) {
                FloatVector i = FloatVector.fromArray(S, gates, g + j);
                FloatVector f = FloatVector.fromArray(S, gates, g + H + j);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * H + j);
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * H + j);
                FloatVector ct = f.fma(FloatVector.fromArray(S, cPrev, cpOff + s + j), i.mul(gg));
                ct.intoArray(c, cOff + s + j);
                o.mul(tanh(ct)).intoArray(h, hOff + s + j);
            }
            for (; j < H; j++) { // the gates are activated already
                float ct = gates[g + H + j] * cPrev[cpOff + s + j] + gates[g + j] * gates[g + 2 * H + j];
                c[cOff + s + j] = ct;
                h[hOff + s + j] = gates[g + 3 * H + j] * tanh(ct);
            }
        }
    }

    private static void lstmBackwardRows(int r0, int r1, int hidden, float[] gates, int gOff, float[] cPrev,
                                         int cpOff, float[] c, int cOff, float[] dh, int dhOff, float[] dhNext,
                                         float[] dc) {
        final int H = hidden;
        for (int r = r0; r < r1; r++) {
            int g = gOff + r * 4 * H, s = r * H, j = 0;
            // two passes, so that neither loop body is too long for C2 to intrinsify: first dc
            // (held in dc) and do, then the other gates
            for (; j + L <= H; j += L) {
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * H + j);
                FloatVector dhT = FloatVector.fromArray(S, dh, dhOff + s + j).add(FloatVector.fromArray(S, dhNext, s + j));
                FloatVector tc = tanh(FloatVector.fromArray(S, c, cOff + s + j));
                dhT.mul(o).mul(ONE.sub(tc.mul(tc))).add(FloatVector.fromArray(S, dc, s + j)).intoArray(dc, s + j);
                dhT.mul(tc).mul(o).mul(ONE.sub(o)).intoArray(gates, g + 3 * H + j);
            }
            for (j = 0; j + L <= H; j += L) {
                FloatVector i = FloatVector.fromArray(S, gates, g + j);
                FloatVector f = FloatVector.fromArray(S, gates, g + H + j);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * H + j);
                FloatVector dct = FloatVector.fromArray(S, dc, s + j);
                dct.mul(gg).mul(i).mul(ONE.sub(i)).intoArray(gates, g + j);
                dct.mul(FloatVector.fromArray(S, cPrev, cpOff + s + j)).mul(f).mul(ONE.sub(f)).intoArray(gates, g + H + j);
                dct.mul(i).mul(ONE.sub(gg.mul(gg))).intoArray(gates, g + 2 * H + j);
                dct.mul(f).intoArray(dc, s + j);
            }
            lstmCellBackward(r, r + 1, j, H, gates, gOff, cPrev, cpOff, c, cOff, dh, dhOff, dhNext, dc);
        }
    }

    private static void gruRows(int r0, int r1, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                                float[] hPrev, int hpOff, float[] h, int hOff) {
        final int H = hidden;
        for (int row = r0; row < r1; row++) {
            int x = gxOff + row * 3 * H, q = ghOff + row * 3 * H, s = row * H, j = 0;
            activate(gx, x, gh, q, 2 * H, 0.5f); // r, z
            for (; j + L <= H; j += L) {
                FloatVector r = FloatVector.fromArray(S, gx, x + j);
                FloatVector z = FloatVector.fromArray(S, gx, x + H + j);
                FloatVector n = tanh(r.fma(FloatVector.fromArray(S, gh, q + 2 * H + j),
                        FloatVector.fromArray(S, gx, x + 2 * H + j)));
                n.intoArray(gx, x + 2 * H + j);
                z.fma(FloatVector.fromArray(S, hPrev, hpOff + s + j).sub(n), n).intoArray(h, hOff + s + j);
            }
            for (; j < H; j++) { // r and z are activated already
                float n = tanh(gx[x + 2 * H + j] + gx[x + j] * gh[q + 2 * H + j]);
                gx[x + 2 * H + j] = n;
                h[hOff + s + j] = n + gx[x + H + j] * (hPrev[hpOff + s + j] - n);
            }
        }
    }

    private static void gruBackwardRows(int r0, int r1, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                                        float[] hPrev, int hpOff, float[] dh, int dhOff, float[] dhNext) {
        final int H = hidden;
        for (int row = r0; row < r1; row++) {
            int x = gxOff + row * 3 * H, q = ghOff + row * 3 * H, s = row * H, j = 0;
            for (; j + L <= H; j += L) {
                FloatVector r = FloatVector.fromArray(S, gx, x + j);
                FloatVector z = FloatVector.fromArray(S, gx, x + H + j);
                FloatVector n = FloatVector.fromArray(S, gx, x + 2 * H + j);
                FloatVector dhT = FloatVector.fromArray(S, dh, dhOff + s + j).add(FloatVector.fromArray(S, dhNext, s + j));
                FloatVector dan = dhT.mul(ONE.sub(z)).mul(ONE.sub(n.mul(n)));
                FloatVector dar = dan.mul(FloatVector.fromArray(S, gh, q + 2 * H + j)).mul(r).mul(ONE.sub(r));
                FloatVector daz = dhT.mul(FloatVector.fromArray(S, hPrev, hpOff + s + j).sub(n)).mul(z).mul(ONE.sub(z));
                dar.intoArray(gx, x + j);
                daz.intoArray(gx, x + H + j);
                dan.intoArray(gx, x + 2 * H + j);
                dar.intoArray(gh, q + j);
                daz.intoArray(gh, q + H + j);
                dan.mul(r).intoArray(gh, q + 2 * H + j);
                dhT.mul(z).intoArray(dhNext, s + j);
            }
            gruCellBackward(row, row + 1, j, H, gx, gxOff, gh, ghOff, hPrev, hpOff, dh, dhOff, dhNext);
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
