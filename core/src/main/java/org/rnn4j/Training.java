package org.rnn4j;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.train.Schedule;
import org.rnn4j.train.TrainConfig;

/**
 * How {@link TextModel#train} trains: a builder whose every setter checks its value at once (an {@link InputException}
 * naming the option and its range) and returns this builder. {@link #defaults()} are those of {@code rnn4j train
 * --corpus} for one's own text:
 * <ul>
 *   <li>the text as it is ({@link Preprocessing#RAW}), all of it, tokens seen once kept;</li>
 *   <li>a 2-layer {@link CellType#GRU} of 256 units, no dropout, PyTorch's uniform initialisation;</li>
 *   <li>Adam at rate 0.002, gradients clipped to norm 5, a constant rate;</li>
 *   <li>32 × 50 consecutive minibatches from a random offset each epoch;</li>
 *   <li>about 10 million tokens of training: 1 to 50 epochs by the text's size;</li>
 *   <li>the last 5 % of the text held out; training stops after 3 epochs without a better validation perplexity, and
 *       the model of the best epoch is the one returned;</li>
 *   <li>seed 0, which drives the initialisation, the minibatch order and the dropout masks;</li>
 *   <li>every core for the matrix products.</li>
 * </ul>
 * A builder is not safe to change from several threads; {@link TextModel#train} reads it once, at its start.
 */
public final class Training {
    private CellType cell = CellType.GRU;
    private int hidden = 256;
    private int layers = 2;
    private double dropout = 0;
    private Init init = Init.UNIFORM;
    private Optimizer.Kind optimizer = Optimizer.Kind.ADAM;
    private double learningRate = 2e-3;
    private double clip = 5;
    private Schedule schedule = Schedule.CONSTANT;
    private int epochs; // 0: by the text's size
    private int batch = 32;
    private int steps = 50;
    private Sampler.Kind sampling = Sampler.Kind.CONSECUTIVE;
    private boolean randomOffset = true;
    private double validationFraction = 0.05;
    private int earlyStop = 3;
    private Preprocessing preprocessing = Preprocessing.RAW;
    private int maxTokens;
    private int minFrequency = 1;
    private long seed;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Consumer<Progress> onEpoch = p -> { };
    private BooleanSupplier stop = () -> false;

    /** With {@link #epochs} unset, a run trains on about this many tokens, in 1 to {@link #MOST_EPOCHS} epochs. */
    public static final long TOKEN_BUDGET = 10_000_000;
    /** The most epochs a run of unset {@link #epochs} takes. */
    public static final int MOST_EPOCHS = 50;

    private Training() {
    }

    /** The defaults listed above. */
    public static Training defaults() {
        return new Training();
    }

    /**
     * What an epoch measured, given to {@link #onEpoch} after each.
     *
     * @param epoch                1-based
     * @param epochs               the run's total
     * @param perplexity           on the epoch's training minibatches
     * @param validationPerplexity on the held-out text, NaN without one
     * @param learningRate         the rate the epoch trained at
     * @param seconds              the epoch's training time
     * @param tokensPerSecond      training throughput
     */
    public record Progress(int epoch, int epochs, double perplexity, double validationPerplexity, double learningRate,
                           double seconds, double tokensPerSecond) {
    }

    /** {@code rnn}, {@code gru} or {@code lstm} (default GRU). */
    public Training cell(CellType cell) {
        this.cell = Objects.requireNonNull(cell, "cell");
        return this;
    }

    /** Hidden units per layer, at least 1 (default 256). */
    public Training hidden(int hidden) {
        this.hidden = positive("hidden", hidden);
        return this;
    }

    /** Stacked recurrent layers, at least 1 (default 2). */
    public Training layers(int layers) {
        this.layers = positive("layers", layers);
        return this;
    }

    /** Dropout between layers while training, in [0, 1) (default 0). */
    public Training dropout(double dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InputException("Training.dropout must be in [0, 1), got " + dropout);
        }
        this.dropout = dropout;
        return this;
    }

    /** {@link Init#UNIFORM} (±1/√H, default) or {@link Init#NORMAL} (N(0, 0.01²), the from-scratch seeds). */
    public Training init(Init init) {
        this.init = Objects.requireNonNull(init, "init");
        return this;
    }

    /** {@link Optimizer.Kind#ADAM} (default) or {@link Optimizer.Kind#SGD}. */
    public Training optimizer(Optimizer.Kind optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        return this;
    }

    /** The learning rate, positive and finite (default 0.002). */
    public Training learningRate(double rate) {
        this.learningRate = positive("learningRate", rate);
        return this;
    }

    /** The global gradient norm's bound, positive and finite (default 5). */
    public Training clip(double theta) {
        this.clip = positive("clip", theta);
        return this;
    }

    /** The learning rate's schedule (default {@link Schedule#CONSTANT}); a plateau schedule needs a validation share. */
    public Training schedule(Schedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        return this;
    }

    /** Passes over the text, at least 1 (default: about {@link #TOKEN_BUDGET} tokens' worth, 1 to 50). */
    public Training epochs(int epochs) {
        this.epochs = positive("epochs", epochs);
        return this;
    }

    /** Sequences per minibatch, at least 1 (default 32). */
    public Training batch(int batch) {
        this.batch = positive("batch", batch);
        return this;
    }

    /** Time steps per sequence, at least 1 (default 50). */
    public Training steps(int steps) {
        this.steps = positive("steps", steps);
        return this;
    }

    /** {@link Sampler.Kind#CONSECUTIVE} (default) or {@link Sampler.Kind#RANDOM} minibatches. */
    public Training sampling(Sampler.Kind sampling) {
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        return this;
    }

    /** Start each epoch at a random offset (default true). */
    public Training randomOffset(boolean randomOffset) {
        this.randomOffset = randomOffset;
        return this;
    }

    /** The share of the text, at its end, held out for validation, in [0, 0.5] (default 0.05). */
    public Training validationFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 0.5)) {
            throw new InputException("Training.validationFraction must be in [0, 0.5], got " + fraction);
        }
        this.validationFraction = fraction;
        return this;
    }

    /** Stop after this many epochs without a better validation perplexity; 0: never (default 3). */
    public Training earlyStop(int epochs) {
        if (epochs < 0) {
            throw new InputException("Training.earlyStop must be at least 0, got " + epochs);
        }
        this.earlyStop = epochs;
        return this;
    }

    /** How text becomes tokens (default {@link Preprocessing#RAW}: every character as it is). */
    public Training preprocessing(Preprocessing preprocessing) {
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        return this;
    }

    /** Read at most this many tokens; 0: all (default). */
    public Training maxTokens(int maxTokens) {
        if (maxTokens < 0) {
            throw new InputException("Training.maxTokens must be at least 0, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
        return this;
    }

    /** Tokens seen fewer times read as {@code <unk>}, at least 1 (default 1). */
    public Training minFrequency(int minFrequency) {
        this.minFrequency = positive("minFrequency", minFrequency);
        return this;
    }

    /** The one seed of the run: initialisation, minibatch order and offsets, dropout (default 0). */
    public Training seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Threads for the matrix products, at least 1 (default: every core). */
    public Training threads(int threads) {
        this.threads = positive("threads", threads);
        return this;
    }

    /** Called after each epoch, on the training thread. */
    public Training onEpoch(Consumer<Progress> listener) {
        this.onEpoch = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Asked after each epoch: true ends the run there (a cancel button, a time limit). */
    public Training stopWhen(BooleanSupplier stop) {
        this.stop = Objects.requireNonNull(stop, "stop");
        return this;
    }

    ModelConfig model() {
        return new ModelConfig(cell, hidden, layers, dropout, init);
    }

    TrainConfig config(long trainingTokens) {
        int e = epochs > 0 ? epochs : epochsFor(trainingTokens);
        return new TrainConfig(batch, steps, e, optimizer, learningRate, clip, sampling, randomOffset, seed, schedule);
    }

    /** The epochs of a run with {@link #epochs} unset: about {@link #TOKEN_BUDGET} tokens' worth, 1 to 50. */
    public static int epochsFor(long trainingTokens) {
        return (int) Math.max(1, Math.min(MOST_EPOCHS, Math.round((double) TOKEN_BUDGET / trainingTokens)));
    }

    Preprocessing preprocessing() {
        return preprocessing;
    }

    int maxTokens() {
        return maxTokens;
    }

    int minFrequency() {
        return minFrequency;
    }

    double validationFraction() {
        return validationFraction;
    }

    int earlyStop() {
        return earlyStop;
    }

    int threads() {
        return threads;
    }

    Consumer<Progress> listener() {
        return onEpoch;
    }

    BooleanSupplier stop() {
        return stop;
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new InputException("Training." + option + " must be a positive whole number, got " + value);
        }
        return value;
    }

    private static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InputException("Training." + option + " must be a positive finite number, got " + value);
        }
        return value;
    }
}
