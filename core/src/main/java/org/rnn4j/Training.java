package org.rnn4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Tokenization;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Schedule;
import org.rnn4j.train.TrainConfig;

/**
 * How {@link TextModel#train} trains: a builder whose every setter checks its value at once (an {@link InputException}
 * naming the option and its range) and returns this builder; each getter of the same name reads it back.
 * {@link #defaults()} are those of {@code rnn4j train --corpus} for one's own text:
 * <ul>
 *   <li>the text as it is ({@link Preprocessing#RAW}), all of it, tokens seen once kept;</li>
 *   <li>a 2-layer {@link CellType#GRU}, PyTorch's uniform initialisation;</li>
 *   <li>Adam at rate 0.002, gradients clipped to norm 5, a constant rate;</li>
 *   <li>minibatches of sequences of 50 consecutive tokens from a random offset each epoch;</li>
 *   <li>by the text's size ({@link #sized}): the last 50,000 characters' worth held out (2 % to 10 % of the text);
 *       below 100,000 characters 128 units, 16 sequences a minibatch, variational dropout 0.2 and weight dropout 0.3,
 *       up to 200 epochs, early stop after 8 without a better validation perplexity; from there on 256 units, 32
 *       sequences, up to 50 epochs, early stop after 3, and below a million characters dropout 0.1 and 0.2, none
 *       above (none when fine-tuning a {@link #startFrom} model); about 10 million tokens of training in all; up to
 *       10 million characters a {@link #memory} of order 6; the model of the best epoch is the one returned;</li>
 *   <li>seed 0, which drives the initialisation, the minibatch order and the dropout masks;</li>
 *   <li>every core for the matrix products, rnn4j's own kernels; no checkpoint written on the way.</li>
 * </ul>
 * A run can also continue one saved before ({@link #resume}: its checkpoint's settings, with more epochs) or start
 * from a trained model's weights ({@link #startFrom}: fine-tuning), and write checkpoints as it goes
 * ({@link #checkpoint}).
 * <p>
 * A builder is not safe to change from several threads; {@link TextModel#train} reads it once, at its start.
 */
public final class Training {
    /** With {@link #epochs} unset, a run trains on about this many tokens, in 1 to {@link #MOST_EPOCHS} epochs. */
    public static final long TOKEN_BUDGET = 10_000_000;
    /** The most epochs a run of unset {@link #epochs} takes. */
    public static final int MOST_EPOCHS = 50;
    /** The highest order of a {@link #memory}. */
    public static final int MOST_MEMORY = 10;

    private CellType cell = CellType.GRU;
    private int hidden = 256;
    private int layers = 2;
    private double dropout = 0;
    private double variationalDropout = 0;
    private double weightDropout = 0;
    private int embedding; // 0: one-hot inputs
    private boolean tie;
    private Init init = Init.UNIFORM;
    private Optimizer.Kind optimizer = Optimizer.Kind.ADAM;
    private double learningRate = 2e-3;
    private double clip = 5;
    private double weightDecay;
    private Schedule schedule = Schedule.CONSTANT;
    private int epochs; // 0: by the text's size
    private int batch = 32;
    private int steps = 50;
    private Sampler.Kind sampling = Sampler.Kind.CONSECUTIVE;
    private boolean randomOffset = true;
    private double validationFraction = 0.05;
    private int earlyStop = 3;
    private int memory; // 0: none
    private Preprocessing preprocessing = Preprocessing.RAW;
    private int maxTokens;
    private int minFrequency = 1;
    private Subwords.Kind tokens = Subwords.Kind.CHAR;
    private int vocabSize = Tokenization.DEFAULT_VOCAB_SIZE;
    private List<String> corpus = List.of();
    private List<String> members = List.of();
    private boolean replaceInvalid;
    private long seed;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Engine engine = Engine.OWN;
    private TextModel startFrom;
    private Path resume;
    private Path checkpoint;
    private int checkpointEvery = 10;
    private double timeLimit; // seconds; 0: none
    private String name = "text";
    private TrainingListener listener = (epoch, model) -> { };
    private BooleanSupplier stop = () -> false;
    /** The options set since {@link #defaults()} or {@link #named}: those a resumed run or a start model may refuse. */
    private final Set<String> given = new LinkedHashSet<>();
    /** The options the text's size decides ({@link #sizedTo}) while none of their setters is called. */
    private final Set<String> sized = new LinkedHashSet<>();
    /** After {@link #sizedTo}: the text's size, and what it made of the options it decided. */
    private String sizing;

    private Training() {
    }

    /** The defaults listed above. */
    public static Training defaults() {
        Training t = new Training();
        t.sized.addAll(Sizing.OPTIONS);
        return t;
    }

    /** An independent copy of these settings. */
    public Training copy() {
        Training t = new Training();
        t.cell = cell;
        t.hidden = hidden;
        t.layers = layers;
        t.dropout = dropout;
        t.variationalDropout = variationalDropout;
        t.weightDropout = weightDropout;
        t.embedding = embedding;
        t.tie = tie;
        t.init = init;
        t.optimizer = optimizer;
        t.learningRate = learningRate;
        t.clip = clip;
        t.weightDecay = weightDecay;
        t.schedule = schedule;
        t.epochs = epochs;
        t.batch = batch;
        t.steps = steps;
        t.sampling = sampling;
        t.randomOffset = randomOffset;
        t.validationFraction = validationFraction;
        t.earlyStop = earlyStop;
        t.memory = memory;
        t.preprocessing = preprocessing;
        t.maxTokens = maxTokens;
        t.minFrequency = minFrequency;
        t.tokens = tokens;
        t.vocabSize = vocabSize;
        t.corpus = corpus;
        t.members = members;
        t.replaceInvalid = replaceInvalid;
        t.seed = seed;
        t.threads = threads;
        t.engine = engine;
        t.startFrom = startFrom;
        t.resume = resume;
        t.checkpoint = checkpoint;
        t.checkpointEvery = checkpointEvery;
        t.timeLimit = timeLimit;
        t.name = name;
        t.listener = listener;
        t.stop = stop;
        t.given.addAll(given);
        t.sized.addAll(sized);
        t.sizing = sizing;
        return t;
    }

    /**
     * Names these settings (a checkpoint keeps the name; the command line's presets are named so) and makes every
     * value set so far a default: a {@link #resume resumed} run's checkpoint and a {@link #startFrom start model}'s
     * shape take their place, where a value set after this is refused as a change they do not allow.
     */
    public Training named(String name) {
        this.name = Objects.requireNonNull(name, "name");
        given.clear();
        return this;
    }

    /** {@code rnn}, {@code gru} or {@code lstm} (default GRU). */
    public Training cell(CellType cell) {
        this.cell = Objects.requireNonNull(cell, "cell");
        return set("cell");
    }

    /** Hidden units per layer, at least 1 (default: by the text's size, 128 or 256). */
    public Training hidden(int hidden) {
        this.hidden = positive("hidden", hidden);
        return set("hidden");
    }

    /** Stacked recurrent layers, at least 1 (default 2). */
    public Training layers(int layers) {
        this.layers = positive("layers", layers);
        return set("layers");
    }

    /** Dropout between layers while training, in [0, 1) (default 0). */
    public Training dropout(double dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InputException("{Training.dropout} must be in [0, 1), got " + dropout);
        }
        this.dropout = dropout;
        return set("dropout");
    }

    /**
     * Variational ("locked") dropout while training, in [0, 1) (default: by the text's size): the input tokens and every layer's output
     * units, the top layer's included, each zeroed with this probability for a whole sequence of a minibatch, the same
     * token or unit at every step, the kept ones scaled by 1/(1 − p) (Gal and Ghahramani; AWD-LSTM's LockedDropout and,
     * on the one-hot inputs, its embedding dropout). Unlike {@link #dropout}, a one-layer model has it too. rnn4j's own
     * kernels only.
     */
    public Training variationalDropout(double dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InputException("{Training.variationalDropout} must be in [0, 1), got " + dropout);
        }
        this.variationalDropout = dropout;
        return set("variationalDropout");
    }

    /**
     * Weight dropout on each recurrent matrix while training, in [0, 1) (default: by the text's size): every weight of W_hh zeroed with
     * this probability for a whole minibatch, at every step, the kept ones scaled by 1/(1 − p) (DropConnect; AWD-LSTM's
     * WeightDrop). rnn4j's own kernels only.
     */
    public Training weightDropout(double dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InputException("{Training.weightDropout} must be in [0, 1), got " + dropout);
        }
        this.weightDropout = dropout;
        return set("weightDropout");
    }

    /**
     * An embedding of this many units in front of the recurrent layer (default 0: one-hot inputs, the seeds'): fewer
     * weights than W_xh's one row per token when the vocabulary is large (words, subwords).
     */
    public Training embedding(int units) {
        if (units < 0) {
            throw new InputException("{Training.embedding} must be at least 0, got " + units);
        }
        this.embedding = units;
        return set("embedding");
    }

    /** The output layer's weights are the embedding's, transposed (needs {@link #embedding} = {@link #hidden}). */
    public Training tie(boolean tie) {
        this.tie = tie;
        return set("tie");
    }

    public int embedding() {
        return embedding;
    }

    public boolean tie() {
        return tie;
    }

    /** {@link Init#UNIFORM} (±1/√H, default) or {@link Init#NORMAL} (N(0, 0.01²), the from-scratch seeds). */
    public Training init(Init init) {
        this.init = Objects.requireNonNull(init, "init");
        return set("init");
    }

    /** {@link Optimizer.Kind#ADAM} (default) or {@link Optimizer.Kind#SGD}. */
    public Training optimizer(Optimizer.Kind optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        return set("optimizer");
    }

    /** The learning rate, positive and finite (default 0.002). */
    public Training learningRate(double rate) {
        this.learningRate = positive("learningRate", rate);
        return set("learningRate");
    }

    /** The global gradient norm's bound, positive and finite (default 5). */
    public Training clip(double theta) {
        this.clip = positive("clip", theta);
        return set("clip");
    }

    /**
     * λ of the optimiser's decoupled weight decay, at least 0 (default 0): each step first shrinks every weight by
     * {@code 1 − lr λ} (with Adam, AdamW). It holds a model back from memorising a small text.
     */
    public Training weightDecay(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new InputException("{Training.weightDecay} must be a finite number ≥ 0, got " + lambda);
        }
        this.weightDecay = lambda;
        return set("weightDecay");
    }

    /** The learning rate's schedule (default {@link Schedule#CONSTANT}); a plateau schedule needs a validation share. */
    public Training schedule(Schedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        return set("schedule");
    }

    /**
     * Passes over the text, at least 1 (default: about {@link #TOKEN_BUDGET} tokens' worth, 1 to 50, or to 200 for a
     * small text); for a resumed run, the total it goes on to.
     */
    public Training epochs(int epochs) {
        this.epochs = positive("epochs", epochs);
        return set("epochs");
    }

    /** Sequences per minibatch, at least 1 (default: by the text's size, 16 or 32). */
    public Training batch(int batch) {
        this.batch = positive("batch", batch);
        return set("batch");
    }

    /** Time steps per sequence, at least 1 (default 50). */
    public Training steps(int steps) {
        this.steps = positive("steps", steps);
        return set("steps");
    }

    /** {@link Sampler.Kind#CONSECUTIVE} (default) or {@link Sampler.Kind#RANDOM} minibatches. */
    public Training sampling(Sampler.Kind sampling) {
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        return set("sampling");
    }

    /** Start each epoch at a random offset (default true). */
    public Training randomOffset(boolean randomOffset) {
        this.randomOffset = randomOffset;
        return set("randomOffset");
    }

    /** The share of the text, at its end, held out for validation, in [0, 0.5] (default: by the text's size). */
    public Training validationFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 0.5)) {
            throw new InputException("{Training.validationFraction} must be in [0.0, 0.5], got " + fraction);
        }
        this.validationFraction = fraction;
        return set("validationFraction");
    }

    /** Stop after this many epochs without a better validation perplexity; 0: never (default: by the text's size). */
    public Training earlyStop(int epochs) {
        if (epochs < 0) {
            throw new InputException("{Training.earlyStop} must be at least 0, got " + epochs);
        }
        this.earlyStop = epochs;
        return set("earlyStop");
    }

    /**
     * The order of the n-gram model of the training text that the network is mixed with wherever it reads or generates
     * ({@link org.rnn4j.nn.Memory}: the tokens before the next one that it reads are one fewer), the mixture's weight
     * fitted on the held-out part at each epoch; 0: none, the network alone. It needs a held-out part, and
     * the model file then holds the training text (default: by the text's size, 6 up to 10
     * million characters, none above).
     */
    public Training memory(int order) {
        if (order != 0 && (order < 2 || order > MOST_MEMORY)) {
            throw new InputException("{Training.memory} must be 0 (none) or an order from 2 to " + MOST_MEMORY
                    + ", got " + order);
        }
        this.memory = order;
        return set("memory");
    }

    /** How text becomes tokens (default {@link Preprocessing#RAW}: every character as it is). */
    public Training preprocessing(Preprocessing preprocessing) {
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        return set("preprocessing");
    }

    /** Read at most this many tokens; 0: all (default). */
    public Training maxTokens(int maxTokens) {
        if (maxTokens < 0) {
            throw new InputException("{Training.maxTokens} must be at least 0, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
        return set("maxTokens");
    }

    /** Tokens seen fewer times read as {@code <unk>}, at least 1 (default 1). */
    public Training minFrequency(int minFrequency) {
        this.minFrequency = positive("minFrequency", minFrequency);
        return set("minFrequency");
    }

    /**
     * What the tokens are: characters (default, the seeds'), whole words (with the spaces and signs between them;
     * a word seen fewer than {@link #minFrequency} times, and twice, reads as its characters) or byte-pair subwords.
     * A model fine-tuned or resumed keeps its own.
     */
    public Training tokens(Subwords.Kind tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        return set("tokens");
    }

    /** The most tokens, characters included, of a vocabulary of words or subwords (default 2,048). */
    public Training vocabSize(int vocabSize) {
        this.vocabSize = positive("vocabSize", vocabSize);
        return set("vocabSize");
    }

    /**
     * The text {@link TextModel#train(Training)} reads: files, folders (their text files, by path), zip archives,
     * {@code -} (standard input) or the built-in corpora {@code timemachine} and {@code jaychou}; several sources are
     * documents joined by the separator token U+001C (default: none; a resumed run reads its checkpoint's).
     */
    public Training corpus(List<String> sources) {
        this.corpus = List.copyOf(sources);
        return set("corpus");
    }

    /** {@link #corpus(List)} of these sources. */
    public Training corpus(String... sources) {
        return corpus(List.of(sources));
    }

    /** Read only these members of a zip archive (default: every text member). */
    public Training members(List<String> members) {
        this.members = List.copyOf(members);
        return set("members");
    }

    /** Read bytes that are not UTF-8 as U+FFFD instead of stopping at them (default false). */
    public Training replaceInvalid(boolean replace) {
        this.replaceInvalid = replace;
        return set("replaceInvalid");
    }

    /** The one seed of the run: initialisation, minibatch order and offsets, dropout (default 0). */
    public Training seed(long seed) {
        this.seed = seed;
        return set("seed");
    }

    /** Threads for the matrix products, at least 1 (default: every core). */
    public Training threads(int threads) {
        this.threads = positive("threads", threads);
        return set("threads");
    }

    /** Where the forward and backward passes run (default {@link Engine#OWN}, rnn4j's kernels). */
    public Training engine(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        return set("engine");
    }

    /**
     * Fine-tunes: the run starts from this model's weights (with a fresh optimiser and these settings), keeps its
     * shape and preprocessing unless set here, and the text's characters it never saw extend its vocabulary after
     * its own.
     */
    public Training startFrom(TextModel model) {
        this.startFrom = Objects.requireNonNull(model, "model");
        return set("startFrom");
    }

    /**
     * Continues the run saved in this checkpoint where it stopped, with its settings, its optimiser's state and its
     * generators: the epochs after it are those the run would have trained uninterrupted. Only the total of
     * {@link #epochs}, the {@link #corpus} (giving the same vocabulary), {@link #checkpoint}, {@link #earlyStop},
     * {@link #threads}, {@link #engine} and the listeners may be set besides.
     */
    public Training resume(Path checkpoint) {
        this.resume = Objects.requireNonNull(checkpoint, "checkpoint");
        return set("resume");
    }

    /**
     * Writes the run's checkpoint to {@code file} every {@code every} epochs, after the last one and when it stops
     * early (atomically: a crash leaves the previous one whole), and, with a validation share, the best epoch's
     * beside it ({@code m.safetensors} → {@code m.best.safetensors}) each time one is better. Default: none.
     */
    public Training checkpoint(Path file, int every) {
        this.checkpoint = Objects.requireNonNull(file, "file");
        this.checkpointEvery = positive("checkpointEvery", every);
        return set("checkpoint");
    }

    /** Told what the run does: its start, each epoch, notes, its end (default: nothing is told). */
    public Training listener(TrainingListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Called after each epoch with its figures, on the training thread (a shorthand of {@link #listener}). */
    public Training onEpoch(Consumer<Epoch> listener) {
        Objects.requireNonNull(listener, "listener");
        return listener((epoch, model) -> listener.accept(epoch));
    }

    /**
     * Train for at most this many seconds (0, the default: no limit): no epoch starts that would end past it, judged by
     * the last epoch's wall time; the run ends as an early stop does, with the best epoch's model. Counted from when
     * the text is read; for a resumed run, from its resumption.
     */
    public Training timeLimit(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new InputException("{Training.timeLimit} must be 0 (none) or a positive number of seconds, got "
                    + seconds);
        }
        this.timeLimit = seconds;
        return set("timeLimit");
    }

    /** Asked after each epoch: true ends the run there (a cancel button). */
    public Training stopWhen(BooleanSupplier stop) {
        this.stop = Objects.requireNonNull(stop, "stop");
        return this;
    }

    public CellType cell() {
        return cell;
    }

    public int hidden() {
        return hidden;
    }

    public int layers() {
        return layers;
    }

    public double dropout() {
        return dropout;
    }

    public Init init() {
        return init;
    }

    public double variationalDropout() {
        return variationalDropout;
    }

    public double weightDropout() {
        return weightDropout;
    }

    public Optimizer.Kind optimizer() {
        return optimizer;
    }

    public double learningRate() {
        return learningRate;
    }

    public double clip() {
        return clip;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public Schedule schedule() {
        return schedule;
    }

    /** The epochs set, 0 when the text's size sets them. */
    public int epochs() {
        return epochs;
    }

    public int batch() {
        return batch;
    }

    public int steps() {
        return steps;
    }

    public Sampler.Kind sampling() {
        return sampling;
    }

    public boolean randomOffset() {
        return randomOffset;
    }

    public double validationFraction() {
        return validationFraction;
    }

    public int earlyStop() {
        return earlyStop;
    }

    public int memory() {
        return memory;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int minFrequency() {
        return minFrequency;
    }

    public Subwords.Kind tokens() {
        return tokens;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** {@link #tokens()} and {@link #vocabSize()} together. */
    Tokenization tokenization() {
        return tokens == Subwords.Kind.CHAR ? Tokenization.CHARS : new Tokenization(tokens, vocabSize);
    }

    public List<String> corpus() {
        return corpus;
    }

    public List<String> members() {
        return members;
    }

    public boolean replaceInvalid() {
        return replaceInvalid;
    }

    public long seed() {
        return seed;
    }

    public int threads() {
        return threads;
    }

    public Engine engine() {
        return engine;
    }

    /** The model a fine-tuning starts from, or null. */
    public TextModel startFrom() {
        return startFrom;
    }

    /** The checkpoint a resumed run continues, or null. */
    public Path resume() {
        return resume;
    }

    /** Where the run writes its checkpoint, or null. */
    public Path checkpoint() {
        return checkpoint;
    }

    public double timeLimit() {
        return timeLimit;
    }

    public int checkpointEvery() {
        return checkpointEvery;
    }

    /** The name these settings go by, {@code text} for {@link #defaults()}. */
    public String name() {
        return name;
    }

    /** The options set since {@link #defaults()} or {@link #named}, by their setters' names, in the order set. */
    public List<String> given() {
        return new ArrayList<>(given);
    }

    TrainingListener listener() {
        return listener;
    }

    BooleanSupplier stop() {
        return stop;
    }

    ModelConfig model() {
        if (tie && embedding != hidden) {
            throw new InputException("{Training.tie} ties the output layer to the embedding, which must then be as wide "
                    + "as the hidden state: give {Training.embedding} " + hidden + " (now " + embedding + ")");
        }
        return new ModelConfig(cell, hidden, layers, dropout, init, variationalDropout, weightDropout, embedding, tie);
    }

    /** The run's training settings for a text of {@code trainingTokens} tokens. */
    TrainConfig config(long trainingTokens) {
        int e = epochs > 0 ? epochs : epochsFor(trainingTokens);
        return new TrainConfig(batch, steps, e, optimizer, learningRate, clip, sampling, randomOffset, seed, schedule,
                weightDecay);
    }

    /** These settings with those of a run in their place (a resumed run's checkpoint's, or as a run resolved them). */
    Training with(ModelConfig m, org.rnn4j.io.DataConfig d, TrainConfig t, String name) {
        Training r = copy();
        r.name = name;
        r.cell = m.cell();
        r.hidden = m.hidden();
        r.layers = m.layers();
        r.dropout = m.dropout();
        r.variationalDropout = m.variationalDropout();
        r.weightDropout = m.weightDropout();
        r.embedding = m.embedding();
        r.tie = m.tie();
        r.init = m.init();
        r.preprocessing = d.preprocessing();
        r.maxTokens = d.maxTokens();
        r.minFrequency = d.minFreq();
        r.tokens = d.tokens().kind();
        r.vocabSize = d.tokens().kind() == Subwords.Kind.CHAR ? vocabSize : d.tokens().vocabSize();
        r.validationFraction = d.valFraction();
        r.members = d.members();
        r.replaceInvalid = d.replaceInvalid();
        r.corpus = d.corpora();
        r.optimizer = t.optimizer();
        r.learningRate = t.lr();
        r.clip = t.clip();
        r.weightDecay = t.weightDecay();
        r.schedule = t.schedule();
        r.epochs = t.epochs();
        r.batch = t.batch();
        r.steps = t.steps();
        r.sampling = t.sampling();
        r.randomOffset = t.randomOffset();
        r.seed = t.seed();
        return r;
    }

    /**
     * These settings with the options still open that the text's size decides ({@link #sized}), chosen for a text of
     * {@code tokens} tokens (with no dropout when fine-tuning a {@link #startFrom} model); these
     * settings themselves when none is open.
     */
    Training sizedTo(long tokens) {
        if (sized.isEmpty()) {
            return this;
        }
        Sizing choice = startFrom != null ? Sizing.fineTuning(tokens) : Sizing.of(tokens);
        Training t = copy();
        if (sized.contains("validationFraction")) {
            t.validationFraction = choice.validationFraction();
        }
        if (sized.contains("variationalDropout")) {
            t.variationalDropout = choice.variationalDropout();
        }
        if (sized.contains("weightDropout")) {
            t.weightDropout = choice.weightDropout();
        }
        if (sized.contains("earlyStop")) {
            t.earlyStop = choice.earlyStop();
        }
        if (sized.contains("memory")) {
            t.memory = choice.memory();
        }
        if (sized.contains("hidden")) {
            t.hidden = choice.hidden();
        }
        if (sized.contains("batch")) {
            t.batch = choice.batch();
        }
        if (sized.contains("epochs")) {
            t.epochs = choice.epochs(tokens - Math.round(tokens * t.validationFraction));
        }
        t.sizing = choice.why(tokens, sized);
        return t;
    }

    /** These settings with no option left to the text's size: a resumed run's, which its checkpoint fixes. */
    Training fixed() {
        Training t = copy();
        t.sized.clear();
        t.sizing = null;
        return t;
    }

    /**
     * The options the text's size decides for a run ({@link #defaults()}: the validation share, the hidden units, the
     * batch, the epochs, the variational and weight dropout, the early stop's patience), by their setters' names, less
     * those set since: a small text gets a smaller model, smaller batches, dropout and a larger held-out share, a large
     * one no dropout (see README, "Your own text").
     */
    public List<String> sized() {
        return List.copyOf(sized);
    }

    /** As a run took these settings: the text's size and what it made of the {@link #sized} options; else null. */
    public String sizing() {
        return sizing;
    }

    /** The epochs of a run with {@link #epochs} unset: about {@link #TOKEN_BUDGET} tokens' worth, 1 to 50. */
    public static int epochsFor(long trainingTokens) {
        return epochsFor(trainingTokens, MOST_EPOCHS);
    }

    /** About {@link #TOKEN_BUDGET} tokens' worth of epochs over {@code trainingTokens}, 1 to {@code most}. */
    static int epochsFor(long trainingTokens, int most) {
        return (int) Math.max(1, Math.min(most, Math.round((double) TOKEN_BUDGET / trainingTokens)));
    }

    private Training set(String option) {
        given.add(option);
        sized.remove(option);
        return this;
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new InputException("{Training." + option + "} must be a positive whole number, got " + value);
        }
        return value;
    }

    private static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InputException("{Training." + option + "} must be a positive finite number, got " + value);
        }
        return value;
    }
}
