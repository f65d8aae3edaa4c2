package org.rnn4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fast kernels against the plain reference, on ragged sizes. */
class KernelsTest {
    private final Kernels ref = Kernels.reference();
    private final Kernels fast = Kernels.best(1);
    private final Kernels parallel = Kernels.best(2);
    private final Rng rng = new Rng(3);

    @Test
    void theVectorKernelsAreInUse() {
        assertTrue(fast.name().startsWith("vector"), "tests run with the Vector API module: " + fast.name());
        assertEquals(2, parallel.threads());
    }

    @Test
    void theForcedWidthAndItsTileAreTheOnesInUse() {
        int bits = Kernels.forcedVectorBits();
        if (bits != 0) {
            assertTrue(fast.name().startsWith("vector-" + bits + " "), fast.name());
        }
        // 16 vector registers hold a 4 × 2 tile with its operands (C2 spills 4 × 3); 32 hold 4 × 4
        assertEquals(Simd.REGISTERS >= 32 ? "4×4" : "4×2", fast.tile(), fast.name());
    }

    @Test
    void theVectorKernelsComeUpWhicheverClassIsUsedFirst() throws Exception {
        // in a class loader of its own, so that no class of this package is initialised yet: the width's class first
        java.net.URL classes = Kernels.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader fresh = new java.net.URLClassLoader(new java.net.URL[] {classes},
                ClassLoader.getPlatformClassLoader())) {
            Class.forName("org.rnn4j.tensor.Simd", true, fresh);
            Class<?> type = Class.forName("org.rnn4j.tensor.Kernels", true, fresh);
            Object kernels = type.getMethod("best").invoke(null);
            String name = (String) type.getMethod("name").invoke(kernels); // the reference, had the width been null
            assertTrue(name.startsWith("vector"), name);
        }
    }

    @Test
    void everyFamilyOfKernelsRunsAtTheOneWidth() throws ReflectiveOperationException {
        // a family on the machine's width beside the others on a forced one escapes the forced width's tests, and
        // C2, seeing two vector classes at the API's shared call sites, stops inlining them: measured at a forced
        // 128 bits with the softmax and the optimiser at 256, training ran 35 times slower
        for (Class<?> family : new Class<?>[] {VectorKernels.class, VectorProducts.class, VectorPanels.class,
                VectorCells.class, VectorSoftmax.class, VectorOptimizer.class}) {
            java.lang.reflect.Field species = family.getDeclaredField("S");
            species.setAccessible(true);
            assertEquals(Simd.S, species.get(null), family.getSimpleName());
        }
    }

    @Test
    void aBadForcedWidthIsNamedWithTheWidthsThatExist() {
        String before = System.getProperty("rnn4j.vector.bits");
        System.setProperty("rnn4j.vector.bits", "300");
        try {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Kernels.best(1));
            assertTrue(e.getMessage().contains("rnn4j.vector.bits=300") && e.getMessage().contains("128, 256 or 512"),
                    e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("rnn4j.vector.bits");
            } else {
                System.setProperty("rnn4j.vector.bits", before);
            }
        }
    }

    /**
     * Every tile sums an element of C as one chain of fused multiply-adds in order of k, starting from C: the vector
     * kernels equal that chain to the bit, whatever the tile, the width and the threads (so a tile chosen for a
     * register file never moves a digit).
     */
    @Test
    void everyTileSumsEachElementAsOneFmaChainInOrder() {
        int[] sizes = {1, 2, 3, 4, 5, 8, 12, 13, 23, 24, 25, 31, 33, 47, 48, 49, 64, 65, 97, 130, 200, 300};
        for (int m : new int[] {1, 3, 4, 5, 8, 13, 36}) {
            for (int n : sizes) {
                for (int k : new int[] {1, 5, 40, 600}) { // 600: past the products' blocks of K
                    for (boolean transposedA : new boolean[] {false, true}) {
                        for (boolean accumulate : new boolean[] {false, true}) {
                            // Aᵀ stored contiguous (lda = m) or not: the packed products copy the two differently
                            int lda = transposedA ? (accumulate ? m : m + 1) : k + 1, ldb = n + 2, ldc = n + 3;
                            float[] a = random(3 + (transposedA ? k : m) * lda), b = random(1 + k * ldb);
                            float[] c0 = random(m * ldc);
                            float[] expected = c0.clone();
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    float s = accumulate ? expected[i * ldc + j] : 0f;
                                    for (int kk = 0; kk < k; kk++) {
                                        float aik = transposedA ? a[3 + kk * lda + i] : a[3 + i * lda + kk];
                                        s = Math.fma(aik, b[1 + kk * ldb + j], s);
                                    }
                                    expected[i * ldc + j] = s;
                                }
                            }
                            for (Kernels kernels : new Kernels[] {fast, parallel}) {
                                float[] actual = c0.clone();
                                if (transposedA) {
                                    kernels.matmulTN(m, n, k, a, 3, lda, b, 1, ldb, actual, 0, ldc, accumulate);
                                } else {
                                    kernels.matmul(m, n, k, a, 3, lda, b, 1, ldb, actual, 0, ldc, accumulate);
                                }
                                String what = kernels.name() + ", tile " + kernels.tile() + ": " + m + "×" + n + "×" + k
                                        + (transposedA ? " Aᵀ" : "") + (accumulate ? " +=" : "");
                                assertArrayEquals(expected, actual, what);
                                float[] packed = new float[kernels.packedSize(k, n)];
                                kernels.pack(k, n, b, 1, ldb, false, packed);
                                float[] fromPacked = c0.clone();
                                if (transposedA) {
                                    kernels.matmulTNPacked(m, n, k, a, 3, lda, packed, fromPacked, 0, ldc, accumulate);
                                } else {
                                    kernels.matmulPacked(m, n, k, a, 3, lda, packed, fromPacked, 0, ldc, accumulate);
                                }
                                assertArrayEquals(expected, fromPacked, what + ", B packed");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A packed matrix's panels start where its packing placed them (on a cache line where the address is known):
     * every product reads them from there, so the same panels moved to any other start give the same bits.
     */
    @Test
    void packedProductsReadThePanelsWhereverTheyStart() {
        int[][] shapes = {{1, 300, 70}, {3, 300, 33}, {8, 28, 300}, {9, 100, 17}};
        for (Kernels kernels : new Kernels[] {ref, fast, parallel}) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(m * k), b = random(k * n), packed = new float[kernels.packedSize(k, n)];
                kernels.pack(k, n, b, 0, n, false, packed);
                int start = Packing.panelsStart(packed), panels = packed.length - Alignment.LINE;
                assertTrue(start >= 1 && start <= Alignment.LINE, "start " + start);
                float[] expected = new float[m * n];
                kernels.matmulPacked(m, n, k, a, 0, k, packed, expected, 0, n, false);
                for (int moved = 1; moved <= Alignment.LINE; moved++) {
                    float[] elsewhere = new float[packed.length];
                    System.arraycopy(packed, start, elsewhere, moved, panels);
                    Packing.placePanels(elsewhere, moved);
                    float[] actual = new float[m * n];
                    kernels.matmulPacked(m, n, k, a, 0, k, elsewhere, actual, 0, n, false);
                    assertArrayEquals(expected, actual, kernels.name() + " " + m + "×" + n + "×" + k
                            + ", panels from " + moved);
                }
            }
        }
    }

    /** Where an array's first cache line falls is one place, whichever index the question starts from. */
    @Test
    void theFirstLineOfAnArrayIsOnePlace() {
        float[] a = new float[100];
        for (int attempt = 0; ; attempt++) {
            int line = Alignment.firstLine(a, 0);
            assertTrue(line >= 0 && line < Alignment.LINE, "line " + line);
            boolean same = true;
            for (int from = 0; from < 40; from++) {
                int at = Alignment.firstLine(a, from);
                same &= at == (Alignment.KNOWN ? from + Math.floorMod(line - from, Alignment.LINE) : from);
            }
            if (same || attempt == 2 || Alignment.firstLine(a, 0) == line) { // else a collection moved the array
                assertTrue(same, "the first line of an array at " + line + ", asked from each index");
                return;
            }
        }
    }

    private float[] random(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * scale,
                    "element " + i + ": expected " + expected[i] + " but was " + actual[i]);
        }
    }

    @Test
    void gemmMatchesReferenceInBothLayoutsOnRaggedShapes() {
        int[] sizes = {1, 3, 4, 5, 15, 16, 17, 33, 63, 64, 65, 130, 300};
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : new int[] {1, 7, 64, 67}) {
                    for (boolean transposedA : new boolean[] {false, true}) {
                        for (boolean accumulate : new boolean[] {false, true}) {
                            checkGemm(m, n, k, transposedA, accumulate);
                        }
                    }
                }
            }
        }
    }

    private void checkGemm(int m, int n, int k, boolean transposedA, boolean accumulate) {
        // leading dimensions wider than the matrices, and offsets, as the model uses them
        int lda = (transposedA ? m : k) + 2, ldb = n + 3, ldc = n + 1;
        int aRows = transposedA ? k : m;
        float[] a = random(5 + aRows * lda), b = random(7 + k * ldb), c0 = random(2 + m * ldc);
        float[] expected = c0.clone();
        if (transposedA) {
            ref.matmulTN(m, n, k, a, 5, lda, b, 7, ldb, expected, 2, ldc, accumulate);
        } else {
            ref.matmul(m, n, k, a, 5, lda, b, 7, ldb, expected, 2, ldc, accumulate);
        }
        for (Kernels kernels : new Kernels[] {fast, parallel}) {
            float[] actual = c0.clone();
            if (transposedA) {
                kernels.matmulTN(m, n, k, a, 5, lda, b, 7, ldb, actual, 2, ldc, accumulate);
            } else {
                kernels.matmul(m, n, k, a, 5, lda, b, 7, ldb, actual, 2, ldc, accumulate);
            }
            assertClose(expected, actual, 1e-4 * Math.sqrt(k));
        }
    }

    @Test
    void packedProductsMatchThePlainProduct() {
        // m = 12 with the larger n and k: Aᵀ·B copies A into 4-row tiles first; m = 1 and 3 with n of four panels
        // or more at every width: fewer than four rows take four panels at once
        for (int[] mn : new int[][] {{7, 1}, {7, 17}, {7, 64}, {7, 65}, {7, 130}, {7, 200}, {12, 130}, {12, 200},
                {1, 130}, {1, 300}, {3, 300}}) {
            int m = mn[0], n = mn[1];
            for (int k : new int[] {1, 9, 70, 300}) {
                float[] a = random(m * k), b = random(k * n), bt = new float[n * k], c0 = random(m * n);
                ref.transpose(k, n, b, 0, bt, 0);
                float[] expected = c0.clone();
                ref.matmul(m, n, k, a, 0, k, b, 0, n, expected, 0, n, true);
                for (Kernels kernels : new Kernels[] {ref, fast, parallel}) {
                    for (boolean transposed : new boolean[] {false, true}) {
                        float[] packed = new float[kernels.packedSize(k, n)];
                        java.util.Arrays.fill(packed, Float.NaN); // padding must be written, not assumed
                        if (transposed) {
                            kernels.pack(k, n, bt, 0, k, true, packed);
                        } else {
                            kernels.pack(k, n, b, 0, n, false, packed);
                        }
                        float[] actual = c0.clone();
                        kernels.matmulPacked(m, n, k, a, 0, k, packed, actual, 0, n, true);
                        assertClose(expected, actual, 1e-4 * Math.sqrt(k));
                        float[] at = new float[k * m]; // A stored transposed, (k, m)
                        ref.transpose(m, k, a, 0, at, 0);
                        float[] actualTN = c0.clone();
                        kernels.matmulTNPacked(m, n, k, at, 0, m, packed, actualTN, 0, n, true);
                        assertClose(expected, actualTN, 1e-4 * Math.sqrt(k));
                        // C = A·B + b, the bias added to each block as it is finished: the sums of the product
                        // and then addRowVector, to the bit, on the same kernels; b at an offset of its own
                        float[] bias = random(3 + n), separate = c0.clone(), withBias = c0.clone();
                        kernels.matmulPacked(m, n, k, a, 0, k, packed, separate, 0, n, false);
                        kernels.addRowVector(separate, 0, m, n, bias, 3);
                        kernels.matmulPackedAddBias(m, n, k, a, 0, k, packed, withBias, 0, n, bias, 3);
                        assertArrayEquals(separate, withBias);
                        float[] expectedTanh = expected.clone();
                        ref.tanh(expectedTanh, 0, expectedTanh.length);
                        float[] fused = c0.clone();
                        kernels.matmulPackedAddTanh(m, n, k, a, 0, k, packed, fused, 0, n);
                        assertClose(expectedTanh, fused, 1e-4 * Math.sqrt(k));
                        // G = (G + A·B) ⊙ (1 − Y²), with A·B left in C; G and Y at offsets of their own
                        float[] g = random(3 + m * n), y = random(5 + m * n), expectedG = g.clone();
                        float[] product = c0.clone();
                        ref.matmul(m, n, k, a, 0, k, b, 0, n, product, 0, n, false);
                        ref.tanhBackward(expectedG, 3, product, 0, y, 5, m * n);
                        float[] scratch = random(m * n), actualG = g.clone();
                        kernels.matmulPackedTanhBackward(m, n, k, a, 0, k, packed, scratch, 0, actualG, 3, y, 5);
                        assertClose(product, scratch, 1e-4 * Math.sqrt(k));
                        assertClose(expectedG, actualG, 1e-4 * Math.sqrt(k));
                    }
                }
            }
        }
    }

    @Test
    void aRecurrenceSumsAsItsStepsDoOneByOne() {
        // the vector kernels hand each step's result on in A's tiles: m 7 and 12 have tiles and rest rows, m 2 none;
        // h 130 is several panels at every width (and a partial last one), 9 one partial panel
        int steps = 4;
        for (int m : new int[] {2, 4, 7, 12}) {
            for (int h : new int[] {9, 37, 130}) {
                int mh = m * h;
                float[] w = random(h * h), hs0 = random((steps + 1) * mh), dz0 = random(steps * mh), y = random(steps * mh);
                for (int i = 0; i < w.length; i++) {
                    w[i] *= 0.3f / (float) Math.sqrt(h);
                }
                float[] expectedH = null, expectedDz = null;
                for (Kernels kernels : new Kernels[] {ref, fast, parallel}) {
                    float[] packed = new float[kernels.packedSize(h, h)];
                    kernels.pack(h, h, w, 0, h, false, packed);
                    float[] stepwise = hs0.clone(), chained = hs0.clone();
                    for (int t = 0; t < steps; t++) {
                        kernels.matmulPackedAddTanh(m, h, h, stepwise, t * mh, h, packed, stepwise, (t + 1) * mh, h);
                    }
                    kernels.tanhRecurrence(steps, m, h, chained, 0, packed);
                    assertArrayEquals(stepwise, chained, "forward, m " + m + ", h " + h);
                    float[] dzStepwise = dz0.clone(), dzChained = dz0.clone(), s1 = new float[mh], s2 = new float[mh];
                    for (int t = steps - 1; t > 0; t--) {
                        kernels.matmulPackedTanhBackward(m, h, h, dzStepwise, t * mh, h, packed, s1, 0,
                                dzStepwise, (t - 1) * mh, y, t * mh);
                    }
                    kernels.tanhRecurrenceBackward(steps, m, h, dzChained, 0, y, 0, packed, s2);
                    assertArrayEquals(dzStepwise, dzChained, "backward, m " + m + ", h " + h);
                    if (expectedH == null) {
                        expectedH = stepwise;
                        expectedDz = dzStepwise;
                    } else {
                        assertClose(expectedH, chained, 1e-4 * Math.sqrt(h));
                        assertClose(expectedDz, dzChained, 1e-3 * Math.sqrt(h));
                    }
                }
            }
        }
    }

    @Test
    void gatherRowsAddBiasMatchesReference() {
        for (int n : new int[] {101, 1801}) { // 101 rows of 37 run on the calling thread, 1,801 are split
            gatherRowsAddBias(37, n);
        }
    }

    private void gatherRowsAddBias(int cols, int n) {
        float[] table = random(3 + 9 * cols), bias = random(2 + cols);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = rng.nextInt(9);
        }
        float[] expected = new float[5 + n * cols];
        ref.gatherRowsAddBias(table, 3, cols, rows, n, bias, 2, expected, 5);
        assertEquals(table[3 + rows[7] * cols + 4] + bias[2 + 4], expected[5 + 7 * cols + 4]);
        for (Kernels kernels : new Kernels[] {fast, parallel}) {
            float[] actual = new float[5 + n * cols];
            kernels.gatherRowsAddBias(table, 3, cols, rows, n, bias, 2, actual, 5);
            assertClose(expected, actual, 0);
        }
    }

    /** Row −1 is the input of no token: the bias alone. */
    @Test
    void gatherOfNoRowIsTheBias() {
        float[] table = random(12), bias = random(4);
        for (Kernels k : new Kernels[] {ref, fast, parallel}) {
            float[] out = new float[8];
            k.gatherRowsAddBias(table, 0, 4, new int[] {-1, 2}, 2, bias, 0, out, 0);
            for (int j = 0; j < 4; j++) {
                assertEquals(bias[j], out[j]);
                assertEquals(table[8 + j] + bias[j], out[4 + j], 1e-6);
            }
        }
    }

    @Test
    void referenceGemmIsTheMatrixProduct() {
        float[] a = {1, 2, 3, 4, 5, 6};          // (2, 3)
        float[] b = {1, 0, 0, 1, 1, 1};          // (3, 2)
        float[] c = new float[4];
        ref.matmul(2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false);
        assertClose(new float[] {4, 5, 10, 11}, c, 0);
        float[] at = {1, 4, 2, 5, 3, 6};         // the same A stored transposed, (3, 2)
        ref.matmulTN(2, 2, 3, at, 0, 2, b, 0, 2, c, 0, 2, true);
        assertClose(new float[] {8, 10, 20, 22}, c, 0);
    }

    @Test
    void tanhMatchesReference() {
        for (int len : new int[] {1, 15, 16, 17, 100}) {
            float[] x = random(len + 6);
            x[3] = 40f;
            x[4] = -40f;
            x[5] = 1e-6f;
            float[] y1 = x.clone(), y2 = x.clone();
            ref.tanh(y1, 3, len);
            fast.tanh(y2, 3, len);
            assertClose(y1, y2, 2e-6);
        }
    }

    @Test
    void columnSumsAndTransposeSplitOverTheTeamMatchReference() {
        for (int[] shape : new int[][] {{1120, 28}, {300, 1028}, {70, 1000}, {1000, 65}, {33, 17}}) {
            int rows = shape[0], cols = shape[1];
            float[] x = random(3 + rows * cols), out0 = random(1 + cols);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] expected = out0.clone(), actual = out0.clone();
                ref.columnSums(x, 3, rows, cols, expected, 1, accumulate);
                parallel.columnSums(x, 3, rows, cols, actual, 1, accumulate);
                assertClose(expected, actual, 1e-4 * Math.sqrt(rows));
            }
            float[] expectedT = new float[2 + rows * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    expectedT[2 + j * rows + i] = x[3 + i * cols + j];
                }
            }
            for (Kernels kernels : new Kernels[] {ref, parallel}) {
                float[] actualT = new float[2 + rows * cols];
                kernels.transpose(rows, cols, x, 3, actualT, 2);
                assertArrayEquals(expectedT, actualT, kernels.name() + ": " + rows + "×" + cols);
            }
        }
    }

    @Test
    void elementwiseKernelsMatchReference() {
        for (int len : new int[] {1, 15, 16, 17, 100}) {
            float[] g = random(len + 2), extra = random(len + 1), y = random(len + 3), v = random(len + 1);
            float[] g1 = g.clone(), g2 = g.clone();
            ref.tanhBackward(g1, 2, extra, 1, y, 3, len);
            fast.tanhBackward(g2, 2, extra, 1, y, 3, len);
            assertClose(g1, g2, 1e-6);
            ref.axpy(0.7f, extra, 1, g1, 2, len);
            fast.axpy(0.7f, extra, 1, g2, 2, len);
            assertClose(g1, g2, 1e-6);
            int rows = 3;
            float[] m = random(1 + rows * len), m1 = m.clone(), m2 = m.clone();
            ref.addRowVector(m1, 1, rows, len, v, 1);
            fast.addRowVector(m2, 1, rows, len, v, 1);
            assertClose(m1, m2, 1e-6);
            float[] sq = random(len * 70 + 1);
            assertEquals(ref.sumOfSquares(sq, 1, len * 70), fast.sumOfSquares(sq, 1, len * 70), 1e-5 * len * 70);
            float[] s1 = random(len + 1), s2 = s1.clone();
            for (boolean accumulate : new boolean[] {false, true}) {
                ref.columnSums(m, 1, rows, len, s1, 1, accumulate);
                fast.columnSums(m, 1, rows, len, s2, 1, accumulate);
                assertClose(s1, s2, 1e-5);
            }
        }
    }

    /**
     * The gates' σ is the reference's 1 / (1 + e^−u) to two ulp from u = −87 to 100 (tails included), so a
     * gate that saturates is exactly 1: a GRU unit whose z is saturated keeps its state exactly, over any stream.
     */
    @Test
    void gatesAreTheReferenceSigmoidAndSaturateExactly() {
        int H = 401 + 3; // u = −100 … 100 in steps of ½, and a tail shorter than a vector
        float[] gates = new float[4 * H];
        for (int j = 0; j < gates.length; j++) {
            gates[j] = -100f + 0.5f * (j % H);
        }
        float[] r = gates.clone(), f = gates.clone(), cPrev = random(H);
        ref.lstmCell(1, H, r, 0, cPrev, 0, new float[H], 0, new float[H], 0);
        fast.lstmCell(1, H, f, 0, cPrev, 0, new float[H], 0, new float[H], 0);
        for (int block : new int[] {0, 1, 3}) { // i, f and o; block 2 is the tanh of g
            for (int j = block * H; j < (block + 1) * H; j++) {
                // below u = −87 σ is a subnormal float, and the exponential stops at e^88
                assertTrue(Math.abs(r[j] - f[j]) <= Math.max(2 * Math.ulp(r[j]), Float.MIN_NORMAL),
                        "σ(" + gates[j] + "): expected " + r[j] + " but was " + f[j]);
            }
        }
        assertEquals(1f, f[H + H - 3], "σ(100)");
        float[] gx = new float[3 * H], gh = new float[3 * H], hPrev = random(H), h = new float[H];
        java.util.Arrays.fill(gx, H, 2 * H, 30f); // z saturated: h = hPrev
        fast.gruCell(1, H, gx, 0, gh, 0, hPrev, 0, h, 0);
        assertArrayEquals(hPrev, h);
    }

    /** The cells' element-wise steps, forward and backward, at widths around the vector length. */
    @Test
    void cellKernelsMatchReference() {
        for (int hidden : new int[] {1, 5, 16, 17, 40}) {
            int rows = 3, H = hidden, n = rows * H;
            // LSTM: gates (rows, 4H), states (rows, H) after an offset
            float[] gates = random(rows * 4 * H), cPrev = random(2 + n), dh = random(3 + n), dhNext = random(n),
                    dc = random(n);
            float[][] r = {gates.clone(), new float[1 + n], new float[4 + n], dhNext.clone(), dc.clone()};
            float[][] f = {gates.clone(), new float[1 + n], new float[4 + n], dhNext.clone(), dc.clone()};
            for (Object[] run : new Object[][] {{ref, r}, {fast, f}}) {
                Kernels k = (Kernels) run[0];
                float[][] x = (float[][]) run[1];
                k.lstmCell(rows, H, x[0], 0, cPrev, 2, x[1], 1, x[2], 4);
                k.lstmCellBackward(rows, H, x[0], 0, cPrev, 2, x[1], 1, dh, 3, x[3], x[4]);
            }
            for (int i = 0; i < r.length; i++) {
                assertClose(r[i], f[i], 1e-5);
            }
            // GRU: gx and gh (rows, 3H)
            float[] gx = random(rows * 3 * H), gh = random(rows * 3 * H), hPrev = random(2 + n);
            float[][] rg = {gx.clone(), gh.clone(), new float[4 + n], dhNext.clone()};
            float[][] fg = {gx.clone(), gh.clone(), new float[4 + n], dhNext.clone()};
            for (Object[] run : new Object[][] {{ref, rg}, {fast, fg}}) {
                Kernels k = (Kernels) run[0];
                float[][] x = (float[][]) run[1];
                k.gruCell(rows, H, x[0], 0, x[1], 0, hPrev, 2, x[2], 4);
                k.gruCellBackward(rows, H, x[0], 0, x[1], 0, hPrev, 2, dh, 3, x[3]);
            }
            for (int i = 0; i < rg.length; i++) {
                assertClose(rg[i], fg[i], 1e-5);
            }
        }
    }

    @Test
    void adamAndMultiplyMatchReference() {
        for (int n : new int[] {1, 15, 16, 17, 100}) {
            float[] p = random(n), g = random(n), m = random(n), v = random(n);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[][] r = {p.clone(), m.clone(), v.clone()}, f = {p.clone(), m.clone(), v.clone()};
            ref.adam(r[0], g, r[1], r[2], n, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.01f, 3f);
            fast.adam(f[0], g, f[1], f[2], n, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.01f, 3f);
            for (int i = 0; i < r.length; i++) {
                assertClose(r[i], f[i], 1e-6);
            }
            float[] a = random(n + 1), b = random(n + 2), ra = a.clone(), fa = a.clone();
            ref.multiply(ra, 1, b, 2, n);
            fast.multiply(fa, 1, b, 2, n);
            assertClose(ra, fa, 0);
            assertEquals(a[1] * b[2], ra[1]);
        }
    }

    /** The reference cells are the equations, on one hand-computed element. */
    @Test
    void referenceCellsAreTheEquations() {
        float[] gates = {0.1f, -0.2f, 0.3f, 0.4f}, cPrev = {0.5f}, c = new float[1], h = new float[1];
        ref.lstmCell(1, 1, gates, 0, cPrev, 0, c, 0, h, 0);
        double i = 1 / (1 + Math.exp(-0.1)), f = 1 / (1 + Math.exp(0.2)), g = Math.tanh(0.3), o = 1 / (1 + Math.exp(-0.4));
        assertEquals(f * 0.5 + i * g, c[0], 1e-6);
        assertEquals(o * Math.tanh(f * 0.5 + i * g), h[0], 1e-6);
        float[] gx = {0.1f, 0.2f, 0.3f}, gh = {-0.3f, 0.1f, 0.5f}, hPrev = {0.7f}, hg = new float[1];
        ref.gruCell(1, 1, gx, 0, gh, 0, hPrev, 0, hg, 0);
        double r = 1 / (1 + Math.exp(0.2)), z = 1 / (1 + Math.exp(-0.3)), n = Math.tanh(0.3 + r * 0.5);
        assertEquals((1 - z) * n + z * 0.7, hg[0], 1e-6);
    }

    @Test
    void splitSoftmaxMatchesReference() {
        int rows = 301, cols = 300;
        float[] logits = random(rows * cols);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = rng.nextInt(cols);
        }
        float[] expected = logits.clone();
        double expectedLoss = ref.softmaxCrossEntropy(expected, 0, rows, cols, labels);
        float[] one = logits.clone(), two = logits.clone();
        double lossOne = fast.softmaxCrossEntropy(one, 0, rows, cols, labels);
        double lossTwo = parallel.softmaxCrossEntropy(two, 0, rows, cols, labels);
        assertEquals(expectedLoss, lossOne, 1e-6 * expectedLoss);
        assertEquals(lossOne, lossTwo, 0.0, "the same sum whatever the thread count");
        assertClose(expected, one, 1e-6);
        assertClose(one, two, 0);
    }

    @Test
    void softmaxCrossEntropyIsTheMeanNegativeLogLikelihood() {
        float[] logits = {0, 0, 0, 0, (float) Math.log(3), 0};
        int[] labels = {2, 1};
        double total = ref.softmaxCrossEntropy(logits, 0, 2, 3, labels);
        assertEquals(Math.log(3) + Math.log(5.0 / 3), total, 1e-6);
        // gradient of the mean: (softmax - onehot) / rows
        assertClose(new float[] {1f / 6, 1f / 6, -1f / 3, 0.1f, 0.3f - 0.5f, 0.1f}, logits, 1e-6);
    }

    /**
     * A label far below its row's maximum (50, 90, 110, 200 nats): the loss equals a float64 log-sum-exp to 6
     * significant digits in every kernel set, where an exponential of the label underflows in float (below −87).
     * Rows of 37 columns, so the vector kernels' bodies and tails both hold labels.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(doubles = {50, 90, 110, 200})
    void aLabelFarBelowTheMaximumHasItsExactLoss(double gap) {
        int rows = 4, cols = 37;
        Rng rng = new Rng(11);
        float[] logits = new float[rows * cols];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) rng.nextGaussian();
        }
        int[] labels = {3, 20, 36, 33};
        for (int r = 0; r < rows; r++) {
            logits[r * cols + labels[r]] = logits[r * cols + (labels[r] + 1) % cols] - (float) gap;
        }
        double expected = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, logits[r * cols + j]);
            }
            for (int j = 0; j < cols; j++) {
                sum += Math.exp((double) logits[r * cols + j] - max);
            }
            expected += max + Math.log(sum) - logits[r * cols + labels[r]];
        }
        for (Kernels k : new Kernels[] {ref, fast, parallel}) {
            float[] x = logits.clone();
            double loss = k.softmaxCrossEntropy(x, 0, rows, cols, labels);
            assertEquals(expected, loss, 1e-6 * expected, k.name());
            for (float g : x) {
                assertTrue(Float.isFinite(g), k.name() + ": the gradient stays finite");
            }
        }
    }
}
