package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

class LanguageModelTest {
    static Stream<Arguments> cells() {
        List<Arguments> cases = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (int layers : new int[] {1, 2}) {
                for (String kernels : new String[] {"reference", "best", "best-wide"}) {
                    cases.add(Arguments.of(cell, layers, kernels));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Centred finite differences (five-point stencil) of the mean loss against the analytic gradient, for every element
     * of every tensor, from a non-zero initial state (so the path through H_0, and C_0, is used too).
     * Two layers run with dropout, its masks drawn the same way for every forward pass; one layer runs with
     * variational dropout of its outputs (the top layer's mask), and the wide two layers with both; the reference and
     * the fast kernels at H = 4 run weight dropout on W_hh too, so that each path of a mask is differentiated. H = 4 runs the fast kernels' scalar tails only; "best-wide" has H = 33, more than two vectors of 16 lanes (AVX-512; 8 on AVX2) and one over,
     * so their vector bodies and tails run too.
     */
    @ParameterizedTest(name = "{0} × {1} layers, {2} kernels")
    @MethodSource("cells")
    void gradientMatchesFiniteDifferences(CellType cell, int layers, String kernelName) {
        final int V = 5, H = kernelName.equals("best-wide") ? 33 : 4, B = 2, T = 3;
        Kernels k = kernelName.equals("reference") ? Kernels.reference() : Kernels.best();
        Rng rng = new Rng(11);
        double dropout = layers > 1 ? 0.3 : 0;
        double variational = layers == 1 || kernelName.equals("best-wide") ? 0.25 : 0;
        double weightDrop = kernelName.equals("best-wide") ? 0 : 0.3;
        LanguageModel model = new LanguageModel(new RecurrentLayer(cell, V, H, layers, dropout, variational,
                weightDrop), V, Init.NORMAL, rng, k);
        checkGradient(model, H, B, T, rng, H > 4 ? 4e-3 : 2e-3);
    }

    static Stream<Arguments> embeddings() {
        List<Arguments> cases = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (int layers : new int[] {1, 2}) {
                for (String kernels : new String[] {"reference", "best"}) {
                    cases.add(Arguments.of(cell, layers, kernels, false));
                    cases.add(Arguments.of(cell, layers, kernels, true));
                }
            }
        }
        return cases.stream();
    }

    /**
     * The same check with an embedding in front of the recurrent layer (E 3 wide, and tied to the output layer at the
     * hidden width), with variational dropout on the embedded tokens and the outputs, so that E's gradient from its
     * rows, its masks and, tied, from the output layer are each differentiated.
     */
    @ParameterizedTest(name = "{0} × {1} layers, {2} kernels, tied {3}")
    @MethodSource("embeddings")
    void theEmbeddingsGradientMatchesFiniteDifferences(CellType cell, int layers, String kernelName, boolean tie) {
        final int V = 5, H = 4, E = tie ? H : 3, B = 2, T = 3;
        Kernels k = kernelName.equals("reference") ? Kernels.reference() : Kernels.best();
        Rng rng = new Rng(12);
        LanguageModel model = new LanguageModel(new RecurrentLayer(cell, E, H, layers, 0, 0.25, 0, true), V, tie,
                Init.NORMAL, rng, k);
        assertEquals(tie, model.whq == null);
        // one more product in the chain (E, then W_xh) rounds a little more: 3e-3 (a term dropped gives errors near 1)
        checkGradient(model, H, B, T, rng, 3e-3);
    }

    private static void checkGradient(LanguageModel model, int H, int B, int T, Rng rng, double tolerance) {
        final int layers = model.rnn.layers;
        for (Parameters.View v : model.params.views()) {
            // large enough that every gradient is well above float noise, small enough that tanh does not saturate
            model.params.initNormal(v, 0.5 * Math.sqrt(4.0 / H), rng);
        }
        int[] x = {0, 3, 4, 1, 2, 2};
        int[] y = {3, 4, 1, 2, 0, 4};
        State state0 = model.newState(B);
        for (int l = 0; l < layers; l++) {
            fill(state0.h(l), rng);
            if (state0.c(l) != null) {
                fill(state0.c(l), rng);
            }
        }
        LanguageModel.Workspace ws = model.workspace(B, T);
        model.forward(ws, x, state0.copy(), masks());
        model.loss(ws, y);
        model.backward(ws);
        float[] analytic = model.params.grad.clone();

        float[] w = model.params.data;
        // at H = 33 a float sum of 33 terms rounds more: a wider step and a bound of 4e-3 keep clear of that noise
        // (a dropped term of the backward gives errors near 1)
        double eps = H > 4 ? 8e-2 : 4e-2;
        for (Parameters.View v : model.params.views()) {
            double worst = 0;
            for (int i = v.offset(); i < v.offset() + v.size(); i++) {
                float saved = w[i];
                double[] f = new double[4];
                for (int s = 0; s < 4; s++) { // at −2ε, −ε, +ε, +2ε
                    w[i] = (float) (saved + STENCIL[s] * eps);
                    f[s] = meanLoss(model, ws, x, y, state0);
                }
                w[i] = saved;
                double numeric = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * eps);
                double err = Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i]));
                worst = Math.max(worst, err);
            }
            assertTrue(worst < tolerance, v.name() + ": worst relative error " + worst);
        }
    }

    /** The five-point centred stencil: error O(ε⁴), so ε can stay well above float rounding. */
    private static final int[] STENCIL = {-2, -1, 1, 2};

    private static Rng masks() {
        return new Rng(99);
    }

    private static void fill(float[] x, Rng rng) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * rng.nextGaussian());
        }
    }

    private static double meanLoss(LanguageModel model, LanguageModel.Workspace ws, int[] x, int[] y, State state0) {
        model.forward(ws, x, state0.copy(), masks());
        return model.loss(ws, y) / y.length;
    }

    /** Seed 002/004: X of shape (2, 5) gives 5 outputs of (2, 1027) and a state of (2, 256). */
    @Test
    void shapesAreTheSeeds() {
        final int V = 1027, H = 256, B = 2, T = 5;
        LanguageModel model = ModelConfig.of(CellType.RNN, H).build(V, new Rng(0), Kernels.best());
        List<String> names = model.params.views().stream().map(Parameters.View::name).toList();
        assertEquals(List.of("W_xh", "W_hh", "b_h", "W_hq", "b_q"), names);
        assertEquals(V * H, model.params.views().get(0).size());
        assertEquals(H * H, model.params.views().get(1).size());
        assertEquals(H * V, model.whq.size());
        LanguageModel.Workspace ws = model.workspace(B, T);
        State state = model.newState(B);
        assertEquals(B * H, state.h(0).length);
        assertEquals(null, state.c(0), "only an LSTM has a cell state");
        model.forward(ws, IntStream.range(0, 10).toArray(), state, null);
        assertEquals(T * B * V, ws.outputs().length, "outputs stacked time-major: (T·B, V)");
        assertTrue(IntStream.range(0, B * H).anyMatch(i -> state.h(0)[i] != 0), "the state is updated to H_T");
    }

    @Test
    void packedGateShapesAndLayerNames() {
        LanguageModel lstm = new LanguageModel(new RecurrentLayer(CellType.LSTM, 7, 3, 2, 0.5), 7, Init.NORMAL,
                new Rng(0), Kernels.best());
        List<String> names = lstm.params.views().stream().map(v -> v.name() + " " + v.rows() + "x" + v.cols()).toList();
        assertEquals(List.of("W_xh 7x12", "W_hh 3x12", "b_h 1x12", "l2.W_xh 3x12", "l2.W_hh 3x12", "l2.b_h 1x12",
                "W_hq 3x7", "b_q 1x7"), names);
        LanguageModel gru = new LanguageModel(new RecurrentLayer(CellType.GRU, 7, 3), 7, Init.NORMAL, new Rng(0),
                Kernels.best());
        assertEquals(List.of("W_xh", "W_hh", "b_h", "b_hh", "W_hq", "b_q"),
                gru.params.views().stream().map(Parameters.View::name).toList());
        State s = lstm.newState(4);
        assertEquals(12, s.c(1).length);
    }

    @Test
    void aLayerBelongsToOneModelAndMatchesTheVocabulary() {
        RecurrentLayer layer = new RecurrentLayer(CellType.RNN, 5, 4);
        new LanguageModel(layer, 5, Init.NORMAL, new Rng(0), Kernels.best());
        assertThrows(IllegalStateException.class, () -> new LanguageModel(layer, 5, Init.NORMAL, new Rng(0), Kernels.best()));
        assertThrows(IllegalArgumentException.class,
                () -> new LanguageModel(new RecurrentLayer(CellType.RNN, 5, 4), 6, Init.NORMAL, new Rng(0), Kernels.best()));
        assertThrows(IllegalArgumentException.class, () -> new RecurrentLayer(CellType.GRU, 5, 4, 2, 1.0));
    }

    /** State carried across calls: two halves of a sequence give the outputs of the whole. */
    @ParameterizedTest
    @MethodSource("cellTypes")
    void carriedStateContinuesTheSequence(CellType cell) {
        LanguageModel model = new LanguageModel(new RecurrentLayer(cell, 6, 5, 2, 0), 6, Init.UNIFORM, new Rng(3),
                Kernels.best());
        int[] seq = {1, 4, 2, 5, 0, 3};
        LanguageModel.Workspace whole = model.workspace(1, 6);
        model.forward(whole, seq, model.newState(1), null);
        float[] expected = whole.outputs().clone();
        LanguageModel.Workspace half = model.workspace(1, 3);
        State state = model.newState(1);
        model.forward(half, new int[] {1, 4, 2}, state, null);
        float[] first = half.outputs().clone();
        model.forward(half, new int[] {5, 0, 3}, state, null);
        float[] both = new float[expected.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(half.outputs(), 0, both, first.length, first.length);
        assertArrayEquals(expected, both, 1e-6f);
        // and a generation workspace, one token at a time, gives the same again
        LanguageModel.Workspace gen = model.generationWorkspace(1);
        State s = model.newState(1);
        for (int t = 0; t < seq.length; t++) {
            model.forward(gen, new int[] {seq[t]}, s, null);
            for (int j = 0; j < 6; j++) {
                assertEquals(expected[t * 6 + j], gen.outputs()[j], 1e-5f);
            }
        }
        state.reset();
        assertEquals(0f, state.h(1)[0]);
    }

    /**
     * A minibatch of two sequences gives, for each, what that sequence gives alone: the outputs (stacked time-major),
     * the loss, and the gradient (the mean of the two single-sequence gradients), from a different state per row.
     */
    @ParameterizedTest
    @MethodSource("cellTypes")
    void theRowsOfAMinibatchAreIndependentSequences(CellType cell) {
        final int V = 6, T = 4;
        LanguageModel model = new LanguageModel(new RecurrentLayer(cell, V, 9, 2, 0), V, Init.UNIFORM, new Rng(3),
                Kernels.best());
        int H = model.hidden;
        int[][] rows = {{1, 4, 2, 5}, {3, 0, 3, 1}};
        int[][] labels = {{4, 2, 5, 0}, {0, 3, 1, 1}};
        Rng rng = new Rng(8);
        State both = model.newState(2);
        State[] alone = {model.newState(1), model.newState(1)};
        for (int l = 0; l < 2; l++) {
            fill(both.h(l), rng);
            if (both.c(l) != null) {
                fill(both.c(l), rng);
            }
            for (int b = 0; b < 2; b++) {
                System.arraycopy(both.h(l), b * H, alone[b].h(l), 0, H);
                if (both.c(l) != null) {
                    System.arraycopy(both.c(l), b * H, alone[b].c(l), 0, H);
                }
            }
        }
        LanguageModel.Workspace ws2 = model.workspace(2, T);
        model.forward(ws2, new int[] {1, 4, 2, 5, 3, 0, 3, 1}, both, null);
        float[] outputs = ws2.outputs().clone();
        double loss = model.loss(ws2, new int[] {4, 2, 5, 0, 0, 3, 1, 1});
        model.backward(ws2);
        float[] grad = model.params.grad.clone();

        LanguageModel.Workspace ws1 = model.workspace(1, T);
        double lossAlone = 0;
        float[] gradMean = new float[grad.length];
        for (int b = 0; b < 2; b++) {
            model.forward(ws1, rows[b], alone[b], null);
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < V; j++) {
                    assertEquals(ws1.outputs()[t * V + j], outputs[(t * 2 + b) * V + j], 1e-6f,
                            "sequence " + b + ", step " + t + ", output " + j);
                }
            }
            lossAlone += model.loss(ws1, labels[b]);
            model.backward(ws1);
            for (int i = 0; i < grad.length; i++) {
                gradMean[i] += model.params.grad[i] / 2;
            }
            for (int l = 0; l < 2; l++) {
                for (int j = 0; j < H; j++) {
                    assertEquals(alone[b].h(l)[j], both.h(l)[b * H + j], 1e-6f, "the state after the last step");
                }
            }
        }
        assertEquals(lossAlone, loss, 1e-5);
        assertArrayEquals(gradMean, grad, 1e-6f);
    }

    /**
     * A model widened to a larger vocabulary keeps every old weight bit for bit, and on the old tokens gives the old
     * logits exactly; the new rows and columns are initialised, not zero.
     */
    @ParameterizedTest
    @MethodSource("cellTypes")
    void aWidenedModelKeepsEveryOldWeight(CellType cell) {
        ModelConfig shape = new ModelConfig(cell, 6, 2, 0, Init.UNIFORM);
        LanguageModel small = shape.build(5, new Rng(1), Kernels.reference());
        LanguageModel wide = shape.widen(small, 8, new Rng(2), Kernels.reference());
        assertEquals(8, wide.vocab);
        for (Parameters.View v : small.params.views()) {
            Parameters.View w = wide.params.views().stream().filter(x -> x.name().equals(v.name())).findFirst().orElseThrow();
            for (int r = 0; r < w.rows(); r++) {
                for (int c = 0; c < w.cols(); c++) {
                    float now = wide.params.data[w.offset() + r * w.cols() + c];
                    if (r < v.rows() && c < v.cols()) {
                        assertEquals(small.params.data[v.offset() + r * v.cols() + c], now, v.name() + " " + r + "," + c);
                    } else {
                        assertNotEquals(0f, now, "new " + v.name() + " " + r + "," + c + " is initialised");
                    }
                }
            }
        }
        int[] x = {1, 4, 2, 0, 3, 3};
        LanguageModel.Workspace a = small.workspace(1, 6), b = wide.workspace(1, 6);
        small.forward(a, x, small.newState(1), null);
        wide.forward(b, x, wide.newState(1), null);
        for (int t = 0; t < 6; t++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(a.outputs()[t * 5 + j], b.outputs()[t * 8 + j], "step " + t + ", token " + j);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> shape.widen(wide, 5, new Rng(3), Kernels.reference()));
        assertThrows(IllegalArgumentException.class,
                () -> new ModelConfig(cell, 7, 2, 0, Init.UNIFORM).widen(small, 8, new Rng(3), Kernels.reference()));
    }

    static Stream<CellType> cellTypes() {
        return Stream.of(CellType.values());
    }

    @Test
    void dropoutOnlyWhileTraining() {
        LanguageModel model = new LanguageModel(new RecurrentLayer(CellType.LSTM, 6, 8, 2, 0.5), 6, Init.UNIFORM,
                new Rng(3), Kernels.best());
        int[] x = {1, 4, 2, 5, 0, 3};
        LanguageModel.Workspace ws = model.workspace(1, 6);
        model.forward(ws, x, model.newState(1), null);
        float[] eval = ws.outputs().clone();
        model.forward(ws, x, model.newState(1), null);
        assertArrayEquals(eval, ws.outputs(), "evaluation is deterministic");
        model.forward(ws, x, model.newState(1), new Rng(1));
        assertNotEquals(eval[eval.length - 1], ws.outputs()[eval.length - 1], "training drops units");
    }

    /** Inverted dropout between layers: each output is zeroed with probability p, the others scaled by 1 / (1 − p). */
    @Test
    void dropoutZeroesAShareOfPAndScalesTheRest() {
        double p = 0.3;
        LanguageModel model = new LanguageModel(new RecurrentLayer(CellType.GRU, 6, 50, 2, p), 6, Init.UNIFORM,
                new Rng(3), Kernels.best());
        int B = 20, T = 10, H = 50, N = B * T * H;
        int[] x = new int[B * T];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 6;
        }
        LanguageModel.Workspace ws = model.workspace(B, T);
        model.forward(ws, x, model.newState(B), new Rng(1));
        float[] h1 = ws.rec.hs[0], layer2Input = ws.rec.dropped[0];
        int zeros = 0;
        for (int i = 0; i < N; i++) {
            float h = h1[B * H + i]; // H_1 … H_T of the first layer
            if (layer2Input[i] == 0f && h != 0f) {
                zeros++;
            } else {
                assertEquals(h / (1 - p), layer2Input[i], 1e-6, "a kept output is scaled by 1 / (1 - p)");
            }
        }
        assertEquals(p, zeros / (double) N, 4 * Math.sqrt(p * (1 - p) / N), "the share dropped");
    }

    /**
     * Variational dropout: each sequence's unit is dropped or kept (scaled by 1 / (1 − p)) for all its steps, on every
     * layer, the top one's outputs (what the output layer reads) included, and each sequence's input token likewise;
     * the share dropped is p; a pass without a generator drops nothing.
     */
    @Test
    void variationalDropoutLocksOneMaskPerSequenceForAllItsSteps() {
        double p = 0.4;
        int B = 30, T = 7, H = 40, BH = B * H;
        LanguageModel model = new LanguageModel(new RecurrentLayer(CellType.LSTM, 6, H, 2, 0, p), 6, Init.UNIFORM,
                new Rng(3), Kernels.best());
        int[] x = new int[B * T];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 6;
        }
        LanguageModel.Workspace ws = model.workspace(B, T);
        model.forward(ws, x, model.newState(B), new Rng(1));
        for (int l = 0; l < 2; l++) {
            float[] h = ws.rec.hs[l], out = l == 1 ? ws.rec.output() : ws.rec.dropped[l];
            int offset = l == 1 ? ws.rec.outputOffset() : 0, dropped = 0;
            for (int i = 0; i < BH; i++) {
                boolean kept = out[offset + i] != 0f;
                dropped += kept ? 0 : 1;
                for (int t = 0; t < T; t++) {
                    float raw = h[BH + t * BH + i], seen = out[offset + t * BH + i];
                    assertEquals(kept ? raw / (1 - p) : 0, seen, 1e-6, "layer " + l + ", unit " + i + ", step " + t);
                }
            }
            assertEquals(p, dropped / (double) BH, 4 * Math.sqrt(p * (1 - p) / BH), "the share dropped, layer " + l);
        }
        int droppedInputs = 0;
        for (float f : ws.rec.inputMask) {
            assertTrue(f == 0f || Math.abs(f - 1 / (1 - p)) < 1e-6, "an input's factor: " + f);
            droppedInputs += f == 0f ? 1 : 0;
        }
        int n = ws.rec.inputMask.length;
        assertEquals(p, droppedInputs / (double) n, 4 * Math.sqrt(p * (1 - p) / n), "the share of inputs dropped");
        model.forward(ws, x, model.newState(B), null);
        assertEquals(ws.rec.hs[1], ws.rec.output(), "evaluation reads the outputs as they are");
    }

    /** Weight dropout: W_hh's weights zeroed with probability p for the minibatch, the kept ones scaled by 1/(1 − p). */
    @Test
    void weightDropoutMasksWhhForTheMinibatch() {
        double p = 0.3;
        int H = 40;
        LanguageModel model = new LanguageModel(new RecurrentLayer(CellType.GRU, 6, H, 1, 0, 0, p), 6, Init.UNIFORM,
                new Rng(3), Kernels.best());
        LanguageModel.Workspace ws = model.workspace(2, 5);
        model.forward(ws, new int[] {1, 2, 3, 4, 5, 0, 1, 2, 3, 4}, model.newState(2), new Rng(1));
        float[] w = model.params.data, masked = ws.rec.whDropped[0];
        int offset = model.params.views().stream().filter(v -> v.name().equals("W_hh")).findFirst().orElseThrow()
                .offset(), n = masked.length, zeros = 0;
        for (int i = 0; i < n; i++) {
            if (masked[i] == 0f && w[offset + i] != 0f) {
                zeros++;
            } else {
                assertEquals(w[offset + i] / (1 - p), masked[i], 1e-6, "a kept weight is scaled by 1 / (1 - p)");
            }
        }
        assertEquals(p, zeros / (double) n, 4 * Math.sqrt(p * (1 - p) / n), "the share dropped");
        float[] training = ws.outputs().clone();
        model.forward(ws, new int[] {1, 2, 3, 4, 5, 0, 1, 2, 3, 4}, model.newState(2), null);
        assertNotEquals(training[training.length - 1], ws.outputs()[training.length - 1], "evaluation keeps them all");
    }

    @Test
    void initialisationIsSmallGaussianWithZeroBiases() {
        LanguageModel model = ModelConfig.of(CellType.RNN, 512).build(28, new Rng(5), Kernels.best());
        float[] w = model.params.data;
        for (Parameters.View matrix : List.of(model.params.views().get(0), model.params.views().get(1), model.whq)) {
            double sum = 0, sq = 0;
            for (int i = matrix.offset(); i < matrix.offset() + matrix.size(); i++) {
                sum += w[i];
                sq += w[i] * w[i];
            }
            int n = matrix.size();
            assertEquals(0.0, sum / n, 4 * 0.01 / Math.sqrt(n), matrix.name());
            assertEquals(0.01, Math.sqrt(sq / n), 4 * 0.01 / Math.sqrt(2 * n), matrix.name());
        }
        for (Parameters.View bias : new Parameters.View[] {model.params.views().get(2), model.bq}) {
            for (int i = bias.offset(); i < bias.offset() + bias.size(); i++) {
                assertEquals(0f, w[i]);
            }
        }
    }

    @Test
    void uniformInitialisationIsPyTorchs() {
        LanguageModel model = new ModelConfig(CellType.GRU, 64, 1, 0, Init.UNIFORM).build(28, new Rng(5), Kernels.best());
        float bound = (float) (1 / Math.sqrt(64));
        float max = 0;
        for (float v : model.params.data) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > 0.95 * bound, "every tensor from U(-1/√H, 1/√H): max " + max);
    }
}
