package org.rnn4j.tensor;

/**
 * The products of {@link VectorKernels} split over its {@link WorkerTeam}: B as stored by column blocks or row blocks
 * ({@link VectorProducts} computes each), B packed by its panels and, when they are few, by row blocks as well
 * ({@link VectorPanels}); A read transposed is first copied into 4-row tiles or row-major. The jobs and the copies'
 * buffers are reused, so that no product allocates once they have grown.
 */
final class TeamProducts {
    /** Columns of a chunk of a product whose B is not packed: whole tiles, 64 or a little more. */
    private static final int COLUMNS = (Kernels.PANEL + VectorPanels.NR - 1) / VectorPanels.NR * VectorPanels.NR;

    private final VectorKernels kernels;
    private final WorkerTeam team;
    private final GemmJob job = new GemmJob();
    private final PackJob packJob = new PackJob();
    private final TileJob tileJob = new TileJob();
    /**
     * Room for A copied into tiles, or row-major, and for a recurrence's next A in tiles; grown, never shrunk, so the
     * steady state allocates nothing.
     */
    private float[] tiles = new float[0], rows = new float[0], nextTiles = new float[0];

    /** The products of {@code kernels}, split over {@code team}, the one its other kernels use. */
    TeamProducts(VectorKernels kernels, WorkerTeam team) {
        this.kernels = kernels;
        this.team = team;
    }

    /**
     * Splits a product over the team: by column panels when C is wide enough (each thread then reads
     * its own part of B), otherwise by blocks of rows. A team of one takes the same path, so that its
     * Aᵀ·B products get A's tiles too.
     */
    void gemm(int m, int n, int k,
                     float[] a, int aOff, int aRow, int aCol,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if ((long) m * n * k < VectorKernels.PARALLEL_WORK) {
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

    /**
     * A packed B is split by its panels, which are contiguous. The panel kernels read A row-major, so an A read
     * transposed (dW = Hᵀ·dZ) is first transposed into a buffer of this team.
     */
    void gemmPacked(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] packed,
                              float[] c, int cOff, int ldc, boolean accumulate,
                              Kernels.Epilogue epilogue, float[] g, int gOff, float[] y, int yOff) {
        if (m >= 4 || aCol != 1) { // fewer rows are read where they lie, as a generation step's single row
            a = m >= 4 ? tiledRows(m, k, a, aOff, aRow, aCol) : rowMajor(m, k, a, aOff, aRow, aCol);
            aOff = 0;
            aRow = k;
        }
        packedProduct(m, n, k, a, aOff, aRow, packed, c, cOff, ldc, accumulate, epilogue, g, gOff, y, yOff, null);
    }

    /**
     * {@link Kernels#tanhRecurrence}: H_0 is copied into tiles, and each step's epilogue then writes its block of
     * H_{t+1} into tiles for the next step as well, each thread its own columns while they are in its cache, so no
     * step copies its A (a pass over H_t that cost 4–5 % of a forward recurrence of 32 × 512, measured on Zen 4)
     * nor waits for such a copy's threads. For m ≥ 4 rows: fewer are read where they lie ({@link #gemmPacked}), so
     * they have no tiles to hand on, and {@link VectorKernels} runs their steps one by one.
     */
    void tanhRecurrence(int steps, int m, int h, float[] hs, int off, float[] packed) {
        int mh = m * h;
        if (steps == 0) {
            return;
        }
        float[] a = tiledRows(m, h, hs, off, h, 1), next = nextTiles = room(nextTiles, mh);
        for (int t = 0; t < steps; t++) {
            packedProduct(m, h, h, a, 0, h, packed, hs, off + (t + 1) * mh, h, true, Kernels.Epilogue.TANH,
                    null, 0, null, 0, t + 1 < steps ? next : null);
            float[] done = a;
            a = next;
            next = done;
        }
    }

    /**
     * {@link Kernels#tanhRecurrenceBackward} for m ≥ 4 rows, each step's dZ handed on in tiles as {@link
     * #tanhRecurrence} does.
     */
    void tanhRecurrenceBackward(int steps, int m, int h, float[] dz, int dzOff, float[] hs, int hsOff,
                                float[] packedT, float[] scratch) {
        int mh = m * h;
        if (steps < 2) {
            return;
        }
        float[] a = tiledRows(m, h, dz, dzOff + (steps - 1) * mh, h, 1), next = nextTiles = room(nextTiles, mh);
        for (int t = steps - 1; t > 0; t--) {
            packedProduct(m, h, h, a, 0, h, packedT, scratch, 0, h, false, Kernels.Epilogue.TANH_BACKWARD,
                    dz, dzOff + (t - 1) * mh, hs, hsOff + t * mh, t > 1 ? next : null);
            float[] done = a;
            a = next;
            next = done;
        }
    }

    /**
     * The packed product over the team, A row-major or in tiles as {@link VectorPanels#panel} reads it; with
     * {@code tilesOut}, each chunk's finished block (its epilogue's result) is written there too, in tiles, as the
     * A of a next product whose k is this one's n.
     */
    private void packedProduct(int m, int n, int k, float[] a, int aOff, int aRow, float[] packed,
                               float[] c, int cOff, int ldc, boolean accumulate,
                               Kernels.Epilogue epilogue, float[] g, int gOff, float[] y, int yOff, float[] tilesOut) {
        GemmJob j = job;
        j.set(m, n, k, a, aOff, aRow, 1, packed, Packing.panelsStart(packed), VectorPanels.NR, c, cOff, ldc,
                accumulate);
        j.packedB = true;
        j.epilogue = epilogue;
        j.g = g;
        j.gOff = gOff;
        j.y = y;
        j.yOff = yOff;
        j.tilesOut = tilesOut;
        j.panelsPerChunk = m < 4 ? VectorPanels.ROW_GROUP : 1;
        int panelChunks = (kernels.panels(n) + j.panelsPerChunk - 1) / j.panelsPerChunk;
        // fewer groups of panels than twice the team's threads (the logits' V 28 is one panel): blocks of rows as
        // well, or all but one thread would wait through the product
        j.rowsPerChunk = panelChunks < 2 * team.size() && (long) m * n * k >= VectorKernels.PARALLEL_WORK
                ? rowBlock(m) : Math.max(1, m);
        j.panelChunks = panelChunks;
        team.run(panelChunks * ((m + j.rowsPerChunk - 1) / j.rowsPerChunk), j);
        j.clear();
    }

    /**
     * A copy of the (m, k) matrix A, element (i, kk) at {@code a[aOff + i·aRow + kk·aCol]}, in the layout that
     * {@link VectorPanels#panel} reads: tiles of four rows, then the last m % 4 rows row-major. Measured on an AVX-512
     * host, one JVM alternating, against A read where it lies (transposed first when stored so): RNN H 512
     * 1.14× on one thread and 1.04× on two, LSTM H 512 1.08×, V 1,028 H 256 1.00×; copying A for the logits' single
     * panel (V 28) as well gained 1.02–1.03× over reading its rows where they lie.
     */
    private float[] tiledRows(int m, int k, float[] a, int aOff, int aRow, int aCol) {
        int m4 = m & ~3;
        tiles = room(tiles, m * k);
        float[] t = packTiles(m4, k, a, aOff, aRow, aCol);
        for (int i = m4; i < m; i++) {
            for (int kk = 0; kk < k; kk++) {
                t[i * k + kk] = a[aOff + i * aRow + kk * aCol];
            }
        }
        return t;
    }

    /** Rows of a product's row block: about an eighth of m, a multiple of four (A's tiles are four rows). */
    private static int rowBlock(int m) {
        return Math.max(4, ((m + VectorKernels.ROW_CHUNKS - 1) / VectorKernels.ROW_CHUNKS + 3) & ~3);
    }

    /** A copy of the (m, k) matrix A, element (i, kk) at {@code a[aOff + i·aRow + kk·aCol]}, row-major. */
    private float[] rowMajor(int m, int k, float[] a, int aOff, int aRow, int aCol) {
        rows = room(rows, m * k);
        if (aRow == 1 && aCol == m) { // stored (k, m), contiguous
            kernels.transpose(k, m, a, aOff, rows, 0);
        } else {
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    rows[i * k + kk] = a[aOff + i * aRow + kk * aCol];
                }
            }
        }
        return rows;
    }

    void pack(int k, int n, float[] b, int bOff, int ldb, boolean transposed, float[] packed) {
        PackJob p = packJob;
        p.k = k;
        p.n = n;
        p.b = b;
        p.bOff = bOff;
        p.ldb = ldb;
        p.transposed = transposed;
        p.packed = packed;
        Packing.placePanels(packed);
        team.run(kernels.panels(n), p);
        p.b = p.packed = null;
    }

    /**
     * Copies the (m, k) matrix A, m a multiple of 4, element (i, kk) at {@code a[aOff + i·aRow + kk·aCol]}, into
     * blocks of 4 rows, block by block, each block k groups of 4: element (i, kk) lands at
     * {@code (i / 4) · 4k + 4·kk + i % 4}. Split over the team: Aᵀ stored (aRow 1, four rows' elements side by
     * side) by ranges of kk, A row-major (aCol 1) by ranges of blocks, so that each thread reads along A's storage.
     */
    private float[] packTiles(int m, int k, float[] a, int aOff, int aRow, int aCol) {
        tiles = room(tiles, m * k);
        TileJob t = tileJob;
        t.m = m;
        t.k = k;
        t.a = a;
        t.aOff = aOff;
        t.aRow = aRow;
        t.aCol = aCol;
        int span = aRow == 1 ? k : m / 4;
        t.perChunk = (span + VectorKernels.ROW_CHUNKS - 1) / VectorKernels.ROW_CHUNKS;
        team.run((span + t.perChunk - 1) / t.perChunk, t);
        t.a = null;
        return tiles;
    }

    /** {@code buffer}, or a new one when it holds fewer than {@code floats}. */
    private static float[] room(float[] buffer, int floats) {
        return buffer.length < floats ? new float[floats] : buffer;
    }

    private final class TileJob implements WorkerTeam.Job {
        int m, k, aOff, aRow, aCol, perChunk;
        float[] a;

        @Override
        public void run(int chunk) {
            float[] out = tiles;
            if (aRow == 1) {
                for (int kk = chunk * perChunk, end = Math.min(k, kk + perChunk); kk < end; kk++) {
                    int src = aOff + kk * aCol, dst = 4 * kk;
                    for (int i = 0; i < m; i += 4, dst += 4 * k) {
                        out[dst] = a[src + i];
                        out[dst + 1] = a[src + i + 1];
                        out[dst + 2] = a[src + i + 2];
                        out[dst + 3] = a[src + i + 3];
                    }
                }
                return;
            }
            int q = chunk * perChunk, end = Math.min(m / 4, q + perChunk); // A row-major: aCol is 1
            intoTiles(4 * q, 4 * end, 0, k, a, aOff + 4 * q * aRow, aRow, m, k, out);
        }
    }

    /**
     * Rows [i0, i1) and columns [j0, j0 + width) of a row-major matrix, row i0 at {@code src[srcOff]} and rows
     * {@code ld} apart, into {@code out} laid out as {@link #tiledRows} lays out an (m, k) A whose first m4 rows are
     * tiles: i0 is a tile's first row, rows from m4 on are copied row-major.
     */
    private static void intoTiles(int i0, int i1, int j0, int width, float[] src, int srcOff, int ld, int m4, int k,
                                  float[] out) {
        for (int i = i0; i < Math.min(i1, m4); i += 4) {
            int s = srcOff + (i - i0) * ld + j0, d = i * k + 4 * j0;
            for (int jj = 0; jj < width; jj++, s++, d += 4) {
                out[d] = src[s];
                out[d + 1] = src[s + ld];
                out[d + 2] = src[s + 2 * ld];
                out[d + 3] = src[s + 3 * ld];
            }
        }
        for (int i = Math.max(i0, m4); i < i1; i++) {
            System.arraycopy(src, srcOff + (i - i0) * ld + j0, out, i * k + j0, width);
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
        /** Where a chunk's finished block goes as well, in tiles, as the next product's A; null for nowhere. */
        float[] tilesOut;
        boolean accumulate;
        Kernels.Epilogue epilogue = Kernels.Epilogue.NONE;

        /**
         * The product of a team: Aᵀ·B (A read transposed, aRow = 1) first copies A into 4-row tiles,
         * as a column of A is strided and the tiles would read a cache line for each of its elements.
         */
        void set(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                 float[] c, int cOff, int ldc, boolean accumulate) {
            this.m = m; this.n = n; this.k = k;
            if (aRow == 1 && aCol != 1 && m % 4 == 0) {
                this.a = packTiles(m, k, a, aOff, 1, aCol); this.aOff = 0; this.aRow = 1; this.aCol = 4; aTile = 4 * k;
            } else {
                this.a = a; this.aOff = aOff; this.aRow = aRow; this.aCol = aCol; aTile = 4 * aRow;
            }
            this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.c = c; this.cOff = cOff; this.ldc = ldc; this.accumulate = accumulate;
        }

        void clear() {
            a = b = c = g = y = tilesOut = null;
            epilogue = Kernels.Epilogue.NONE;
            packedB = false;
        }

        @Override
        public void run(int chunk) {
            if (packedB) {
                final int nr = VectorPanels.NR, first = chunk % panelChunks * panelsPerChunk, j0 = first * nr;
                final int i0 = chunk / panelChunks * rowsPerChunk, rows = Math.min(rowsPerChunk, m - i0);
                final int ai = aOff + i0 * aRow, ci = cOff + i0 * ldc; // i0 a multiple of 4: a tile's first row
                int width = Math.min(panelsPerChunk * nr, n - j0);
                if (panelsPerChunk > 1 && width == panelsPerChunk * nr) {
                    VectorPanels.rowGroup(rows, k, a, ai, aRow, b, bOff + first * k * nr, c, ci + j0, ldc, accumulate);
                } else {
                    for (int j = j0; j < j0 + width; j += nr) {
                        VectorPanels.panel(rows, Math.min(nr, n - j), k, a, ai, aRow, b, bOff + j / nr * k * nr, c,
                                ci + j, ldc, accumulate);
                    }
                }
                kernels.epilogue(epilogue, i0, rows, j0, width, c, cOff, ldc, g, gOff, y, yOff);
                if (tilesOut != null) { // the epilogue's result: G's for a step back, C's otherwise
                    boolean back = epilogue == Kernels.Epilogue.TANH_BACKWARD;
                    intoTiles(i0, i0 + rows, j0, width, back ? g : c, back ? gOff + i0 * ldc : ci, ldc, m & ~3, n,
                            tilesOut);
                }
            } else if (rowsPerChunk == 0) {
                int j = chunk * COLUMNS, width = Math.min(COLUMNS, n - j);
                VectorProducts.gemm(m, width, k, a, aOff, aRow, aCol, aTile, b, bOff + j, ldb,
                        c, cOff + j, ldc, accumulate);
                kernels.epilogue(epilogue, 0, m, j, width, c, cOff, ldc, g, gOff, y, yOff);
            } else {
                int i = chunk * rowsPerChunk, rows = Math.min(rowsPerChunk, m - i);
                VectorProducts.gemm(rows, n, k, a, aOff + (i >> 2) * aTile, aRow, aCol, aTile, b, bOff, ldb,
                        c, cOff + i * ldc, ldc, accumulate); // i is a multiple of 4
            }
        }
    }
}
