package org.rnn4j.train;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.rnn4j.data.Batch;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.VanillaRnn;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.optim.Sgd;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/**
 * The training loop of spec §5: per minibatch, forward, mean cross-entropy, backward through time,
 * global-norm clipping, SGD. With random sampling the hidden state starts at zero for every
 * minibatch; with consecutive sampling it starts at zero once per epoch and is carried (detached)
 * from one minibatch to the next.
 */
public final class Trainer {
    private final VanillaRnn model;
    private final TrainConfig config;
    private final Sampler sampler;
    private final Rng sampleRng;
    private final Kernels kernels;

    /** @param sampleRng drives the window order and offsets (split from the run's seed) */
    public Trainer(VanillaRnn model, int[] ids, TrainConfig config, Rng sampleRng, Kernels kernels) {
        this.model = model;
        this.config = config;
        this.sampler = config.sampling().create(ids, config.batch(), config.steps(), config.randomOffset());
        this.sampleRng = sampleRng;
        this.kernels = kernels;
        if (sampler.batchesPerEpoch() == 0) {
            throw new IllegalArgumentException("the corpus (" + ids.length + " tokens) is too short for one minibatch of "
                    + config.batch() + " × " + config.steps() + "; it needs at least "
                    + Sampler.minimumTokens(config.batch(), config.steps()) + " tokens");
        }
    }

    /** Runs every epoch, handing each one's report to {@code onEpoch}. */
    public void run(Consumer<EpochReport> onEpoch) {
        run(onEpoch, () -> false);
    }

    /** Runs epochs until the configured number, or until {@code stop} says so after an epoch. */
    public void run(Consumer<EpochReport> onEpoch, BooleanSupplier stop) {
        final int B = config.batch(), T = config.steps();
        VanillaRnn.Workspace ws = model.workspace(B, T);
        Batch batch = new Batch(B, T);
        float[] state = model.newState(B);
        Sgd sgd = new Sgd((float) config.lr(), kernels);
        boolean carry = sampler.kind() == Sampler.Kind.CONSECUTIVE;
        for (int epoch = 1; epoch <= config.epochs() && !stop.getAsBoolean(); epoch++) {
            long start = System.nanoTime();
            double lossSum = 0;
            long tokens = 0;
            java.util.Arrays.fill(state, 0f);
            sampler.startEpoch(sampleRng);
            while (sampler.next(batch)) {
                if (!carry) {
                    java.util.Arrays.fill(state, 0f);
                }
                lossSum += model.trainStep(ws, batch, state);
                GradientClipping.clip(model.params, config.clip(), kernels);
                sgd.step(model.params);
                tokens += (long) B * T;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            onEpoch.accept(new EpochReport(epoch, Math.exp(lossSum / tokens), seconds, tokens));
        }
    }
}
