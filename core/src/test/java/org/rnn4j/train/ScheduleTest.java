package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

class ScheduleTest {
    private static double[] factors(Schedule s, int epochs, List<Double> validation) {
        double[] f = new double[epochs];
        for (int e = 1; e <= epochs; e++) {
            f[e - 1] = s.factor(e, epochs, validation);
        }
        return f;
    }

    @Test
    void stepDecayMultipliesEveryNEpochs() {
        double[] f = factors(Schedule.step(0.5, 2), 7, List.of());
        assertEquals(List.of(1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125), box(f));
        assertEquals(List.of(1.0, 1.0, 1.0), box(factors(Schedule.CONSTANT, 3, List.of())));
    }

    /** Patience 2: two epochs in a row without a better validation perplexity, then ×0.25; the count starts again. */
    @Test
    void plateauDecayFollowsTheValidationHistory() {
        List<Double> val = List.of(10.0, 9.0, 9.5, 9.2, 8.0, 8.5, 8.5, 8.4, 8.6, Double.NaN, 8.7);
        double[] f = factors(Schedule.plateau(0.25, 2), 12, val);
        // epoch e reads the first e − 1 values: the plateaus end after epochs 4 (9.5, 9.2), 7 (8.5, 8.5) and 9
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0, 0.25, 0.25, 0.25, 0.0625, 0.0625, 0.015625, 0.015625, 0.015625), box(f));
    }

    /** A validation perplexity equal to the best so far is no improvement: it counts towards the plateau. */
    @Test
    void anEqualValidationIsNoImprovement() {
        assertEquals(0.5, Schedule.plateau(0.5, 1).factor(3, 5, List.of(9.0, 9.0)));
    }

    @Test
    void cosineWarmsUpThenFalls() {
        double[] f = factors(Schedule.cosine(2), 6, List.of());
        assertEquals(0.5, f[0], 1e-12);
        assertEquals(1.0, f[1], 1e-12);
        assertEquals(1.0, f[2], 1e-12);
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 4)), f[3], 1e-12);
        assertEquals(0.5, f[4], 1e-12);
        assertEquals(0.5 * (1 + Math.cos(3 * Math.PI / 4)), f[5], 1e-12);
        assertEquals(1.0, Schedule.cosine(0).factor(1, 10, List.of()), 1e-12);
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.step(1, 2));
        assertThrows(IllegalArgumentException.class, () -> Schedule.step(0, 2));
        assertThrows(IllegalArgumentException.class, () -> Schedule.step(0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedule.plateau(0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(-1));
    }

    /** The trainer sets each epoch's rate on its optimiser before the epoch, and reports it. */
    @Test
    void theTrainerTrainsEachEpochAtItsRate() {
        int[] text = new int[2_000];
        Rng rng = new Rng(3);
        for (int i = 0; i < text.length; i++) {
            text[i] = rng.nextInt(5);
        }
        TrainConfig config = new TrainConfig(4, 10, 5, Optimizer.Kind.SGD, 0.8, 1.0, Sampler.Kind.RANDOM, false, 0,
                Schedule.step(0.5, 2));
        Trainer trainer = new Trainer(ModelConfig.of(CellType.RNN, 8).build(5, new Rng(1), Kernels.reference()),
                TokenIds.of(text), config, new Rng(2), new Rng(3), Kernels.reference());
        List<Double> rates = new ArrayList<>();
        trainer.run(r -> rates.add(r.learningRate()));
        assertEquals(List.of(0.8, 0.8, 0.4, 0.4, 0.2), rates.stream().map(x -> Math.round(x * 1e6) / 1e6).toList());
        assertEquals(0.2, trainer.optimizer().learningRate(), 1e-6);
    }

    private static List<Double> box(double[] f) {
        List<Double> out = new ArrayList<>();
        for (double x : f) {
            out.add(x);
        }
        return out;
    }
}
