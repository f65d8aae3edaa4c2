package org.rnn4j.tensor;

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
        for (int n : new int[] {1, 17, 64, 65, 130, 200}) {
            for (int k : new int[] {1, 9, 70}) {
                int m = 7;
                float[] a = random(m * k), b = random(k * n), bt = new float[n * k], c0 = random(m * n);
                ref.transpose(k, n, b, 0, bt, 0);
                float[] expected = c0.clone();
                ref.matmul(m, n, k, a, 0, k, b, 0, n, expected, 0, n, true);
                for (Kernels kernels : new Kernels[] {ref, fast, parallel}) {
                    for (boolean transposed : new boolean[] {false, true}) {
                        float[] packed = new float[Kernels.packedSize(k, n)];
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
                        float[] expectedTanh = expected.clone();
                        ref.tanh(expectedTanh, 0, expectedTanh.length);
                        float[] fused = c0.clone();
                        kernels.matmulPackedAddTanh(m, n, k, a, 0, k, packed, fused, 0, n);
                        assertClose(expectedTanh, fused, 1e-4 * Math.sqrt(k));
                    }
                }
            }
        }
    }

    @Test
    void gatherRowsAddBiasMatchesReference() {
        int cols = 37, n = 101;
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
}
