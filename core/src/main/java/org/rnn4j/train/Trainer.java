package org.rnn4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.rnn4j.data.Batch;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/**
 * The training loop of the seeds' {@code train_and_predict_rnn}: per minibatch, forward, mean cross-entropy, backward through time,
 * global-norm clipping, an optimiser step. With random sampling the hidden state starts at zero for every
 * minibatch; with consecutive sampling it starts at zero once per epoch and is carried (detached)
 * from one minibatch to the next.
 */
public final class Trainer {
    private final LanguageModel model;
    private final TrainConfig config;
    private final Sampler sampler;
    private final Rng sampleRng;
    private final Rng dropoutRng;
    private final Kernels kernels;
    private final Optimizer optimizer;
    private Engine engine = Engine.OWN;
    private int epochsDone;
    /** The validation perplexity after each epoch done, NaN where there was none: what a plateau schedule reads. */
    private final List<Double> validation = new ArrayList<>();

    /**
     * @param sampleRng  drives the window order and offsets (split from the run's seed)
     * @param dropoutRng draws the dropout masks (another split)
     */
    public Trainer(LanguageModel model, TokenIds ids, TrainConfig config, Rng sampleRng, Rng dropoutRng,
                   Kernels kernels) {
        this.model = model;
        this.config = config;
        this.sampler = config.sampling().create(ids, config.batch(), config.steps(), config.randomOffset());
        this.sampleRng = sampleRng;
        this.dropoutRng = dropoutRng;
        this.kernels = kernels;
        this.optimizer = config.optimizer().create(config.lr(), config.weightDecay(), model.params, kernels);
        if (sampler.batchesPerEpoch() == 0) {
            throw new IllegalArgumentException("the corpus (" + ids.length() + " tokens) is too short for one minibatch of "
                    + config.batch() + " × " + config.steps() + "; it needs at least "
                    + Sampler.minimumTokens(config.batch(), config.steps()) + " tokens");
        }
    }

    /** Runs the minibatches' forward and backward passes on {@code engine} (rnn4j's own kernels unless told). */
    public Trainer on(Engine engine) {
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
        return this;
    }

    /** The optimiser, whose state a checkpoint saves and restores. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The generator of window orders and offsets: its state is the run's position in the data. */
    public Rng sampleRng() {
        return sampleRng;
    }

    public Rng dropoutRng() {
        return dropoutRng;
    }

    /** Epochs completed, by this trainer or by the run it resumes. */
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * Continues a run after {@code epochs} epochs: with the model, the optimiser and both generators
     * restored to their state at that point, the next epochs repeat the uninterrupted run exactly.
     */
    public void resumeAfter(int epochs) {
        epochsDone = epochs;
    }

    /**
     * Records the validation perplexity of the epoch just done (or of a resumed run's epochs, in order), for a
     * schedule that decays on a plateau; other schedules ignore it.
     */
    public void recordValidation(double perplexity) {
        validation.add(perplexity);
    }

    /** Runs the remaining epochs, handing each one's figures (no validation) to {@code onEpoch}. */
    public void run(Consumer<Epoch> onEpoch) {
        run(onEpoch, () -> false);
    }

    /**
     * Runs epochs until the configured number, or until {@code stop} says so after an epoch.
     *
     * @throws DivergenceException when a loss or gradient is not finite, before the weights change
     */
    public void run(Consumer<Epoch> onEpoch, BooleanSupplier stop) {
        final int B = config.batch(), T = config.steps();
        try (Engine.Step step = engine.steps(model, B, T)) {
            run(step, onEpoch, stop);
        }
    }

    private void run(Engine.Step step, Consumer<Epoch> onEpoch, BooleanSupplier stop) {
        final int B = config.batch(), T = config.steps();
        Batch batch = new Batch(B, T);
        State state = model.newState(B);
        boolean carry = sampler.kind() == Sampler.Kind.CONSECUTIVE;
        while (epochsDone < config.epochs() && !stop.getAsBoolean()) {
            int epoch = epochsDone + 1;
            optimizer.learningRate(config.lr() * config.schedule().factor(epoch, config.epochs(), validation));
            long start = System.nanoTime();
            double lossSum = 0;
            long tokens = 0;
            state.reset();
            sampler.startEpoch(sampleRng);
            int index = 0;
            while (sampler.next(batch)) {
                index++;
                if (!carry) {
                    state.reset();
                }
                double loss = step.trainStep(batch, state, dropoutRng);
                double norm = GradientClipping.clip(model.params, config.clip(), kernels);
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    throw new DivergenceException(epoch, index, sampler.batchesPerEpoch(), !Double.isFinite(loss)
                            ? "the loss is " + loss : "the gradient norm is " + norm, config);
                }
                optimizer.step(model.params);
                lossSum += loss;
                tokens += (long) B * T;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            epochsDone = epoch;
            onEpoch.accept(new Epoch(epoch, Math.exp(lossSum / tokens), Double.NaN, optimizer.learningRate(), seconds,
                    tokens / seconds));
        }
    }
}
