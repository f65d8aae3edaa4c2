package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

class VanillaRnnTest {
    private static Kernels kernels(String name) {
        return name.equals("reference") ? Kernels.reference() : Kernels.best();
    }

    /**
     * Centred finite differences of the mean loss against the analytic gradient, for every element
     * of all five parameters, from a non-zero initial state (so the path through H_0 is used too).
     */
    @ParameterizedTest
    @ValueSource(strings = {"reference", "best"})
    void gradientMatchesFiniteDifferences(String kernelName) {
        final int V = 5, H = 4, B = 2, T = 3;
        Kernels k = kernels(kernelName);
        Rng rng = new Rng(11);
        VanillaRnn model = new VanillaRnn(V, H, rng, k);
        for (Parameters.View v : model.params.views()) {
            model.params.initNormal(v, 0.5, rng); // large enough that every gradient is well above float noise
        }
        int[] x = {0, 3, 4, 1, 2, 2};
        int[] y = {3, 4, 1, 2, 0, 4};
        float[] state0 = new float[B * H];
        for (int i = 0; i < state0.length; i++) {
            state0[i] = (float) (0.3 * rng.nextGaussian());
        }
        VanillaRnn.Workspace ws = model.workspace(B, T);
        model.forward(ws, x, state0.clone());
        model.loss(ws, y);
        model.backward(ws);
        float[] analytic = model.params.grad.clone();

        float[] w = model.params.data;
        double eps = 1e-2;
        for (Parameters.View v : model.params.views()) {
            double worst = 0;
            for (int i = v.offset(); i < v.offset() + v.size(); i++) {
                float saved = w[i];
                w[i] = (float) (saved + eps);
                double plus = meanLoss(model, ws, x, y, state0);
                w[i] = (float) (saved - eps);
                double minus = meanLoss(model, ws, x, y, state0);
                w[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i]));
                worst = Math.max(worst, err);
            }
            assertTrue(worst < 2e-3, v.name() + ": worst relative error " + worst);
        }
    }

    private static double meanLoss(VanillaRnn model, VanillaRnn.Workspace ws, int[] x, int[] y, float[] state0) {
        model.forward(ws, x, state0.clone());
        return model.loss(ws, y) / y.length;
    }

    /** Seed 002/004: X of shape (2, 5) gives 5 outputs of (2, 1027) and a state of (2, 256). */
    @Test
    void shapesAreTheSeeds() {
        final int V = 1027, H = 256, B = 2, T = 5;
        VanillaRnn model = new VanillaRnn(V, H, new Rng(0), Kernels.best());
        assertEquals(V * H, model.wxh.size());
        assertEquals(H * H, model.whh.size());
        assertEquals(H * V, model.whq.size());
        VanillaRnn.Workspace ws = model.workspace(B, T);
        float[] state = model.newState(B);
        assertEquals(B * H, state.length);
        model.forward(ws, IntStream.range(0, 10).toArray(), state);
        assertEquals(T * B * V, ws.outputs().length, "outputs stacked time-major: (T·B, V)");
        assertTrue(IntStream.range(0, B * H).anyMatch(i -> state[i] != 0), "the state is updated to H_T");
    }

    @Test
    void initialisationIsSmallGaussianWithZeroBiases() {
        VanillaRnn model = new VanillaRnn(28, 512, new Rng(5), Kernels.best());
        float[] w = model.params.data;
        double sum = 0, sq = 0;
        for (int i = model.whh.offset(); i < model.whh.offset() + model.whh.size(); i++) {
            sum += w[i];
            sq += w[i] * w[i];
        }
        int n = model.whh.size();
        assertEquals(0.0, sum / n, 1e-4);
        assertEquals(0.01, Math.sqrt(sq / n), 1e-4);
        for (Parameters.View bias : new Parameters.View[] {model.bh, model.bq}) {
            for (int i = bias.offset(); i < bias.offset() + bias.size(); i++) {
                assertEquals(0f, w[i]);
            }
        }
    }
}
