package org.rnn4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.nn.Parameters;
import org.rnn4j.tensor.Kernels;

/** Clipping and the optimisers against their equations, computed here independently in double. */
class OptimizerTest {
    private static Kernels kernels(String name) {
        return name.equals("reference") ? Kernels.reference() : Kernels.best(1);
    }

    /** Two tensors, so the norm is the global one over both; 1,001 elements, so vector bodies and tails both run. */
    private static Parameters params() {
        Parameters.Builder b = new Parameters.Builder();
        b.add("a", 1, 1);
        b.add("w", 40, 25);
        return b.build();
    }

    /** Gradient 3 in the first tensor, 4/√1000 in each of the 1,000 others: ‖g‖₂ = √(9 + 16) = 5. */
    private static void fillKnownGradient(Parameters p) {
        p.grad[0] = 3;
        Arrays.fill(p.grad, 1, p.size(), (float) (4 / Math.sqrt(1000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "best"})
    void aGradientAboveThetaIsScaledToNormTheta(String kernels) {
        Parameters p = params();
        fillKnownGradient(p);
        double norm = GradientClipping.clip(p, 2, kernels(kernels));
        assertEquals(5, norm, 1e-5, "the norm before clipping");
        assertEquals(3 * 2 / 5.0, p.grad[0], 1e-6);
        for (int i = 1; i < p.size(); i++) {
            assertEquals(4 / Math.sqrt(1000) * 2 / 5, p.grad[i], 1e-6, "element " + i);
        }
        double after = 0;
        for (float g : p.grad) {
            after += (double) g * g;
        }
        assertEquals(2, Math.sqrt(after), 1e-5, "the norm after clipping is θ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "best"})
    void aGradientAtOrBelowThetaIsUntouched(String kernels) {
        for (double theta : new double[] {5.5, 100}) {
            Parameters p = params();
            fillKnownGradient(p);
            float[] before = p.grad.clone();
            assertEquals(5, GradientClipping.clip(p, theta, kernels(kernels)), 1e-5);
            assertArrayEquals(before, p.grad, "θ " + theta);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "best"})
    void sgdStepsAgainstTheGradient(String kernels) {
        Parameters p = params();
        for (int i = 0; i < p.size(); i++) {
            p.data[i] = i * 0.01f;
            p.grad[i] = (i % 7) - 3;
        }
        Optimizer sgd = Optimizer.Kind.SGD.create(0.5, p, kernels(kernels));
        assertEquals(0.5, sgd.learningRate());
        sgd.step(p);
        for (int i = 0; i < p.size(); i++) {
            assertEquals(i * 0.01f - 0.5f * ((i % 7) - 3), p.data[i], 1e-6, "element " + i);
        }
    }

    /** Adam's 1 − β in double, rounded once, as PyTorch passes it: after one step of gradient 1, m = 0.1f and v = 0.001f. */
    @ParameterizedTest
    @ValueSource(strings = {"reference", "best"})
    void adamsOneMinusBetaIsRoundedOnce(String kernels) {
        Parameters p = params();
        Arrays.fill(p.grad, 1);
        Adam adam = new Adam(1e-3, 0.9, 0.999, 1e-8, p.size(), kernels(kernels));
        adam.step(p);
        for (int i = 0; i < p.size(); i++) {
            assertEquals(0.1f, adam.state().tensors().get("m")[i], "m of element " + i);
            assertEquals(0.001f, adam.state().tensors().get("v")[i], "v of element " + i);
        }
    }

    /**
     * Adam as Kingma and Ba write it, m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), p ← p − lr m̂ / (√v̂ + ε), for three steps
     * of gradients that change sign and size, so both bias corrections matter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"reference", "best"})
    void adamFollowsThePaperForThreeSteps(String kernels) {
        Parameters p = params();
        int n = p.size();
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        Optimizer adam = Optimizer.Kind.ADAM.create(lr, p, kernels(kernels));
        double[] w = new double[n], m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = p.data[i] = (float) (1 - i * 0.001);
        }
        for (int t = 1; t <= 3; t++) {
            for (int i = 0; i < n; i++) {
                double g = (t == 2 ? -2 : 1) * (0.1 + (i % 5) * 0.3) / t;
                p.grad[i] = (float) g;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            adam.step(p);
            for (int i = 0; i < n; i++) {
                assertEquals(w[i], p.data[i], 1e-5, "step " + t + ", element " + i);
            }
        }
        assertEquals(3, adam.state().steps());
        assertEquals(0.1, adam.learningRate());
        adam.learningRate(0.02);
        assertEquals(0.02, adam.learningRate());
    }

    /**
     * Decoupled weight decay, as PyTorch's AdamW and SGD with weight_decay write it: each step first p ← p (1 − lr λ),
     * then the optimiser's own step with the unchanged gradient; λ 0 is the optimiser without it, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"reference", "best"})
    void weightDecayShrinksTheWeightsBeforeEachStep(String kernels) {
        Parameters p = params(), plain = params();
        int n = p.size();
        double lr = 0.1, lambda = 0.5, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        Optimizer adamW = Optimizer.Kind.ADAM.create(lr, lambda, p, kernels(kernels));
        Optimizer adam = Optimizer.Kind.ADAM.create(lr, 0, plain, kernels(kernels));
        Optimizer reference = Optimizer.Kind.ADAM.create(lr, plain, kernels(kernels));
        Parameters same = params();
        double[] w = new double[n], m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = p.data[i] = plain.data[i] = same.data[i] = (float) (1 - i * 0.001);
        }
        for (int t = 1; t <= 3; t++) {
            for (int i = 0; i < n; i++) {
                double g = (t == 2 ? -2 : 1) * (0.1 + (i % 5) * 0.3) / t;
                p.grad[i] = plain.grad[i] = same.grad[i] = (float) g;
                w[i] *= 1 - lr * lambda;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                w[i] -= lr * (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
            }
            adamW.step(p);
            adam.step(plain);
            reference.step(same);
            for (int i = 0; i < n; i++) {
                assertEquals(w[i], p.data[i], 1e-5, "AdamW step " + t + ", element " + i);
            }
            assertArrayEquals(same.data, plain.data, "λ 0 is Adam itself");
        }
        Parameters q = params();
        Arrays.fill(q.data, 2);
        Arrays.fill(q.grad, 1);
        Optimizer.Kind.SGD.create(0.1, 0.5, q, kernels(kernels)).step(q);
        assertEquals(2 * (1 - 0.05) - 0.1, q.data[7], 1e-6, "SGD: p (1 − lr λ) − lr g");
    }
}
