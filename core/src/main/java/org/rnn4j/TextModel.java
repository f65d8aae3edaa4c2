package org.rnn4j;

import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.generate.Generator;
import org.rnn4j.generate.TokenSampler;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.io.DataConfig;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Evaluation;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/**
 * A character-level language model and its vocabulary: the library's front door. Train one from a file, a string,
 * documents or a reader; generate text after a prefix; measure perplexity; save and load it as a safetensors
 * checkpoint, the same file {@code rnn4j train --out} writes and {@code rnn4j generate --model} reads.
 * <pre>{@code
 * TextModel model = TextModel.train(Path.of("lyrics.txt"), Training.defaults().epochs(20));
 * model.save(Path.of("lyrics.safetensors"));
 * String text = TextModel.load(Path.of("lyrics.safetensors"))
 *         .generate("Love ", Sampling.temperature(0.8).seed(1).length(200));
 * }</pre>
 * <b>Threads</b>: once trained or loaded, a model is read-only, and {@link #generate}, {@link #perplexity} and
 * {@link #save} may run from any number of threads at once, each call with its own state and its own single-threaded
 * kernels. Training uses the cores {@link Training#threads} gives it.
 * <p>
 * <b>Errors</b>: bad input (a missing or unreadable file, a text too short to train on, a damaged checkpoint, an option
 * out of range) is an {@link InputException} whose message names the input and the fix.
 */
public final class TextModel {
    /** Each thread's own kernels for inference: a kernel instance serves one thread at a time. */
    private static final ThreadLocal<Kernels> INFERENCE = ThreadLocal.withInitial(() -> Kernels.best(1));

    private final LanguageModel model;
    private final Vocab vocab;
    private final ModelConfig shape;
    private final DataConfig data;
    private final TrainConfig config;
    private final Checkpoint.RunState state;
    private final float[] adamM, adamV;
    private final List<Checkpoint.Metrics> metrics;

    private TextModel(LanguageModel model, Vocab vocab, ModelConfig shape, DataConfig data, TrainConfig config,
                      Checkpoint.RunState state, float[] adamM, float[] adamV, List<Checkpoint.Metrics> metrics) {
        this.model = model;
        this.vocab = vocab;
        this.shape = shape;
        this.data = data;
        this.config = config;
        this.state = state;
        this.adamM = adamM;
        this.adamV = adamV;
        this.metrics = List.copyOf(metrics);
    }

    /**
     * Trains on a UTF-8 text file, a folder of them (in order of their paths) or a zip archive of them; several
     * documents are joined by the separator token U+001C.
     */
    public static TextModel train(Path file, Training options) {
        Objects.requireNonNull(file, "file");
        DataConfig data = data(List.of(file.toString()), options);
        return train(Encoded.build(data.source(), options.minFrequency()), data, options);
    }

    /** Trains on a text held in memory. */
    public static TextModel train(String text, Training options) {
        return train(List.of(Objects.requireNonNull(text, "text")), options);
    }

    /** Trains on documents held in memory, joined by the separator token U+001C. */
    public static TextModel train(List<String> documents, Training options) {
        List<Reader> readers = documents.stream().map(d -> (Reader) new StringReader(Objects.requireNonNull(d)))
                .toList();
        String name = documents.size() == 1 ? "text" : documents.size() + " documents";
        return train(Encoded.build(name, readers, options.preprocessing(), options.maxTokens(), options.minFrequency()),
                data(List.of(name), options), options);
    }

    /** Trains on the text a reader gives, read to its end (the reader is not closed). */
    public static TextModel train(Reader reader, Training options) {
        Encoded text = Encoded.build("reader", List.of(Objects.requireNonNull(reader, "reader")),
                options.preprocessing(), options.maxTokens(), options.minFrequency());
        return train(text, data(List.of("reader"), options), options);
    }

    private static DataConfig data(List<String> sources, Training o) {
        return new DataConfig(sources, List.of(), o.preprocessing(), o.maxTokens(), o.minFrequency(),
                o.validationFraction(), false);
    }

    private static TextModel train(Encoded text, DataConfig data, Training options) {
        TokenIds all = text.ids();
        if (all.length() == 0) {
            throw new InputException(text.name() + ": is empty after " + data.preprocessing().name()
                    .toLowerCase(java.util.Locale.ROOT) + " preprocessing; give a text with some content");
        }
        int valTokens = (int) Math.round(all.length() * data.valFraction());
        TokenIds ids = all.slice(0, all.length() - valTokens);
        TokenIds valIds = valTokens >= 2 ? all.slice(all.length() - valTokens, all.length()) : null;
        TrainConfig config = options.config(Math.max(1, ids.length()));
        int needed = Sampler.minimumTokens(config.batch(), config.steps());
        if (ids.length() < needed) {
            throw new InputException(text.name() + ": " + ids.length() + " tokens" + (valTokens > 0 ? " for training" : "")
                    + " is too short for one minibatch of batch " + config.batch() + " × steps " + config.steps()
                    + ": it needs at least " + needed + "; give a longer text, or smaller Training.batch/steps");
        }
        Kernels kernels = Kernels.best(options.threads());
        Rng rng = new Rng(config.seed()); // the same splits as rnn4j train, so the same settings give the same run
        ModelConfig shape = options.model();
        LanguageModel model = shape.build(text.vocab().size(), rng.split(), kernels);
        Trainer trainer = new Trainer(model, ids, config, rng.split(), rng.split(), kernels);
        List<Checkpoint.Metrics> history = new ArrayList<>();
        Best best = new Best();
        trainer.run(r -> {
            double val = valIds != null ? Evaluation.perplexity(model, valIds, config.steps()) : Double.NaN;
            trainer.recordValidation(val);
            history.add(new Checkpoint.Metrics(r.epoch(), r.perplexity(), val, r.seconds(), r.tokensPerSecond()));
            if (val < best.perplexity) { // the best epoch so far: what a run that stops later returns
                best.take(val, model, trainer, history);
            } else if (!Double.isNaN(val)) {
                best.epochsSince++;
            }
            options.listener().accept(new Training.Progress(r.epoch(), config.epochs(), r.perplexity(), val, r.lr(),
                    r.seconds(), r.tokensPerSecond()));
        }, () -> options.stop().getAsBoolean() || options.earlyStop() > 0 && best.epochsSince >= options.earlyStop());
        if (best.params != null) {
            System.arraycopy(best.params, 0, model.params.data, 0, best.params.length);
            return new TextModel(model, text.vocab(), shape, data, config, best.state, best.adamM, best.adamV,
                    best.history);
        }
        Adam adam = trainer.optimizer() instanceof Adam a ? a : null;
        return new TextModel(model, text.vocab(), shape, data, config, runState(trainer), adam != null ? adam.m : null,
                adam != null ? adam.v : null, history);
    }

    /** The best epoch's weights and run state, copied when it happens. */
    private static final class Best {
        double perplexity = Double.POSITIVE_INFINITY;
        int epochsSince;
        float[] params, adamM, adamV;
        Checkpoint.RunState state;
        List<Checkpoint.Metrics> history;

        void take(double val, LanguageModel model, Trainer trainer, List<Checkpoint.Metrics> all) {
            perplexity = val;
            epochsSince = 0;
            params = model.params.data.clone();
            Adam adam = trainer.optimizer() instanceof Adam a ? a : null;
            adamM = adam != null ? adam.m.clone() : null;
            adamV = adam != null ? adam.v.clone() : null;
            state = runState(trainer);
            history = List.copyOf(all);
        }
    }

    private static Checkpoint.RunState runState(Trainer trainer) {
        Optimizer opt = trainer.optimizer();
        return new Checkpoint.RunState(trainer.epochsDone(), trainer.sampleRng().state(), trainer.dropoutRng().state(),
                opt instanceof Adam adam ? adam.steps() : 0);
    }

    /** Loads a checkpoint written by {@link #save} or by {@code rnn4j train --out}. */
    public static TextModel load(Path file) {
        Checkpoint.Loaded c = Checkpoint.load(Objects.requireNonNull(file, "file"), Kernels.best());
        return new TextModel(c.model(), c.vocab(), c.modelConfig(), c.data(), c.training(), c.state(), c.adamM(),
                c.adamV(), c.metrics());
    }

    /**
     * Writes the model as a safetensors checkpoint: to a temporary file, forced to disk and renamed over {@code file},
     * so that no reader ever sees half of one.
     */
    public void save(Path file) {
        Optimizer optimizer = null;
        if (adamM != null) {
            Adam adam = (Adam) config.optimizer().create(config.lr(), model.params, Kernels.reference());
            System.arraycopy(adamM, 0, adam.m, 0, adamM.length);
            System.arraycopy(adamV, 0, adam.v, 0, adamV.length);
            adam.restore(state.optimizerSteps());
            optimizer = adam;
        }
        Checkpoint.save(Objects.requireNonNull(file, "file"), model, shape, vocab, data, config, "text", state, optimizer,
                metrics);
    }

    /**
     * The prefix, read with the model's preprocessing, followed by {@code sampling.length()} generated tokens; a
     * document separator shows as ␜. The same seed, prefix and model give the same text, as {@code rnn4j generate
     * --seed} does.
     */
    public String generate(String prefix, Sampling sampling) {
        StringBuilder sb = new StringBuilder(Corpus.shown(read(prefix)));
        generate(prefix, sampling, sb::append);
        return sb.toString();
    }

    /** Generates as {@link #generate(String, Sampling)}, handing each token's text to {@code onToken} as it comes. */
    public void generate(String prefix, Sampling sampling, Consumer<String> onToken) {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(onToken, "onToken");
        TokenSampler sampler = new TokenSampler(sampling.decoding(), new Rng(sampling.seed()).split(), vocab.size());
        Generator.continuation(inference(), vocab, read(prefix), sampling.length(), sampler,
                id -> onToken.accept(vocab.shown(id)));
    }

    /**
     * {@code samples} texts after one prefix, sampled together as one batch (each step one matrix product for all):
     * the first is {@link #generate(String, Sampling)}'s text, and each the same as {@code rnn4j generate --samples}
     * gives for the same seed.
     */
    public List<String> generate(String prefix, Sampling sampling, int samples) {
        Objects.requireNonNull(sampling, "sampling");
        if (samples < 1) {
            throw new InputException("samples must be a positive whole number, got " + samples);
        }
        String given = read(prefix);
        Rng rng = new Rng(sampling.seed());
        List<TokenSampler> samplers = new ArrayList<>();
        List<StringBuilder> texts = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            samplers.add(new TokenSampler(sampling.decoding(), rng.split(), vocab.size()));
            texts.add(new StringBuilder(Corpus.shown(given)));
        }
        Generator.continuations(inference(), vocab, java.util.Collections.nCopies(samples, given), sampling.length(),
                samplers, (i, id) -> texts.get(i).append(vocab.shown(id)));
        return texts.stream().map(StringBuilder::toString).toList();
    }

    /**
     * The perplexity of the model on a text, read with its preprocessing: exp of the mean cross-entropy of each token
     * after the first; characters the model never saw count as {@code <unk>}.
     */
    public double perplexity(String text) {
        Encoded e = Encoded.with("text", List.of(new StringReader(Objects.requireNonNull(text, "text"))),
                data.preprocessing(), vocab);
        if (e.ids().length() < 2) {
            throw new InputException("the text has " + e.ids().length() + " tokens after "
                    + data.preprocessing().name().toLowerCase(java.util.Locale.ROOT)
                    + " preprocessing; perplexity needs at least 2");
        }
        return Evaluation.perplexity(inference(), e.ids(), config.steps());
    }

    private String read(String prefix) {
        return data.preprocessing().prefix(Objects.requireNonNull(prefix, "prefix"));
    }

    private LanguageModel inference() {
        return model.withKernels(INFERENCE.get());
    }

    /** The tokens the model knows: {@code <unk>} at index 0, then code points by descending frequency. */
    public Vocab vocabulary() {
        return vocab;
    }

    /** The shape of the network: cell, hidden units, layers, dropout, initialisation. */
    public ModelConfig shape() {
        return shape;
    }

    /** How the model reads text (its prefixes and the texts of {@link #perplexity}). */
    public Preprocessing preprocessing() {
        return data.preprocessing();
    }

    /** The corpora the model was trained on, as they were named ({@code timemachine}, a file, a folder, …). */
    public List<String> corpora() {
        return data.corpora();
    }

    /** Each epoch's figures, in order, up to the epoch this model's weights are from. */
    public List<Checkpoint.Metrics> history() {
        return metrics;
    }

    /** The explicit network, for the seeds' pieces ({@link LanguageModel#forward} and friends); its kernels are the
     * ones it was trained or loaded with, for one thread at a time. */
    public LanguageModel network() {
        return model;
    }
}
