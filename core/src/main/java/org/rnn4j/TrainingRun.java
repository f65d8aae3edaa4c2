package org.rnn4j;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.io.DataConfig;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.DivergenceException;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Evaluation;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/**
 * One training run, whoever asks for it (the library's {@link TextModel#train}, the command line, a server): the
 * settings a resumed run's checkpoint or a start model fixes, the text read and split for validation, the model
 * built, widened or restored, the epochs run with validation, the best epoch kept, checkpoints written, early stop,
 * and everything told to the run's {@link TrainingListener}.
 */
final class TrainingRun {
    /** What a resumed run may set besides its checkpoint's settings. */
    private static final Set<String> RESUMABLE = Set.of("resume", "epochs", "corpus", "checkpoint", "earlyStop",
            "threads", "engine", "timeLimit");
    /** A start model's shape: set, they would contradict it. */
    private static final List<String> SHAPE = List.of("cell", "hidden", "layers", "init", "embedding", "tie");

    /** The run's settings: a resumed run's from its checkpoint, a start model's shape, those sized to the text. */
    private Training settings;
    private final TrainingListener listener;
    private final Training options;
    private final Checkpoint.Contents resumed;
    private final TextModel base;
    private final Kernels kernels;
    private final List<Epoch> history = new ArrayList<>();
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    /** Where the best epoch's model was written, null before it was. */
    private Path bestFile;
    private int sinceBest;
    /** The best epoch's weights and state, copied when it happened; null before one or without validation. */
    private Snapshot bestModel;
    /** The epoch of the last checkpoint the run wrote (or resumed from, when it writes there), 0 before one. */
    private int lastSaved;
    /** The memory the network is mixed with, its weight fitted at the last epoch; null without one. */
    private Memory memory;

    private TrainingRun(Training options) {
        this.options = options;
        this.listener = options.listener();
        this.kernels = Kernels.best(options.threads());
        if (options.resume() != null) {
            for (String option : options.given()) {
                if (!RESUMABLE.contains(option)) {
                    throw new InputException("{Training." + option + "}: a resumed run keeps the settings it started "
                            + "with; drop {Training." + option + "} (only {Training.epochs}, {Training.corpus}, "
                            + "{Training.checkpoint}, {Training.earlyStop}, {Training.threads}, {Training.engine} "
                            + "and {Training.timeLimit} may change)");
                }
            }
            resumed = Checkpoint.load(options.resume(), kernels, listener::note);
            if (!resumed.training().optimizer().stateTensors().isEmpty() && resumed.optimizer().tensors().isEmpty()) {
                throw new InputException(options.resume() + ": holds a model's weights alone, without its optimiser's "
                        + "state: a model to start from, not a run to resume; give it as {Training.startFrom}");
            }
            List<String> corpus = options.given().contains("corpus") ? options.corpus() : List.of();
            settings = options.with(resumed.shape(), data(resumed.data(), corpus), resumed.training(), resumed.preset())
                    .fixed();
            if (options.given().contains("epochs")) { // the total the run goes on to
                settings.epochs(options.epochs());
            }
            Memory kept = resumed.model().memory();
            settings.memory(kept != null ? kept.ngram().order() : 0);
            base = null;
        } else {
            resumed = null;
            base = options.startFrom();
            Training s = options;
            if (base != null) {
                for (String option : SHAPE) {
                    if (options.given().contains(option)) {
                        throw new InputException("{Training." + option + "}: a model from {Training.startFrom} keeps "
                                + "its shape; drop {Training." + option + "}");
                    }
                }
                s = options.copy().cell(base.shape().cell()).hidden(base.shape().hidden())
                        .layers(base.shape().layers()).init(base.shape().init()).embedding(base.shape().embedding())
                        .tie(base.shape().tie());
                if (!options.given().contains("dropout")) {
                    s.dropout(base.shape().dropout());
                }
                // the dropouts the text's size decides are the new text's; a preset's or a library's are the model's
                if (!options.given().contains("variationalDropout") && !options.sized().contains("variationalDropout")) {
                    s.variationalDropout(base.shape().variationalDropout());
                }
                if (!options.given().contains("weightDropout") && !options.sized().contains("weightDropout")) {
                    s.weightDropout(base.shape().weightDropout());
                }
                if (!options.given().contains("preprocessing")) {
                    s.preprocessing(base.preprocessing());
                }
                Subwords.Kind kind = base.vocabulary().kind();
                if (options.given().contains("tokens") && options.tokens() != kind) {
                    throw new InputException("{Training.tokens} " + options.tokens().id() + ": the model from "
                            + "{Training.startFrom} reads " + kind.id() + " tokens, and keeps them; drop {Training.tokens}");
                }
                s.tokens(kind);
            }
            settings = s;
        }
    }

    /** Trains on the run's corpus: {@link Training#corpus}, or a resumed run's. */
    static TextModel run(Training options) {
        TrainingRun run = new TrainingRun(options);
        Training s = run.settings;
        if (s.corpus().isEmpty()) {
            throw new InputException("no text to train on: give {Training.corpus} (a file, a folder, a zip archive or "
                    + "a built-in corpus)");
        }
        DataConfig data = run.data(s.corpus());
        return run.train(Encoded.build(data.source(), data.minFreq(), run.baseVocab()), data);
    }

    /** Trains on documents in memory or behind readers, named {@code name} in messages. */
    static TextModel run(Training options, String name, List<? extends Reader> documents) {
        TrainingRun run = new TrainingRun(options);
        Training s = run.settings;
        DataConfig data = run.data(List.of(name));
        return run.train(Encoded.build(name, documents, s.preprocessing(), s.maxTokens(), s.minFrequency(),
                run.baseVocab(), data.tokens()), data);
    }

    /** The start model's vocabulary, which the text's new tokens extend; null: the text's own. */
    private Vocab baseVocab() {
        return base != null ? base.vocabulary() : null;
    }

    private DataConfig data(List<String> sources) {
        Training s = settings;
        return new DataConfig(sources, s.members(), s.preprocessing(), s.maxTokens(), s.minFrequency(),
                s.validationFraction(), s.replaceInvalid(), s.tokenization());
    }

    private static DataConfig data(DataConfig saved, List<String> corpus) {
        return corpus.isEmpty() ? saved : new DataConfig(corpus, saved.members(), saved.preprocessing(),
                saved.maxTokens(), saved.minFreq(), saved.valFraction(), saved.replaceInvalid(), saved.tokens());
    }

    private TextModel train(Encoded text, DataConfig data) {
        Vocab vocab = text.vocab();
        if (resumed != null && !vocab.texts().equals(resumed.vocab().texts())) {
            throw new InputException(text.name() + ": this text gives another vocabulary than the one "
                    + options.resume() + " was trained on; resume with the same {Training.corpus}");
        }
        TokenIds all = text.ids();
        if (all.length() == 0) {
            throw new InputException(text.name() + ": is empty after " + lower(data.preprocessing())
                    + " preprocessing; give a text with some content, or another {Training.preprocessing}");
        }
        settings = settings.sizedTo(Math.round(all.length() * Evaluation.charactersPerToken(all, vocab))); // characters
        data = data(data.corpora()); // with the held-out share the text's size may have set
        int valTokens = (int) Math.round(all.length() * data.valFraction());
        TokenIds ids = all.slice(0, all.length() - valTokens);
        TokenIds valIds = valTokens > 0 ? all.slice(all.length() - valTokens, all.length()) : null;
        int needed = Sampler.minimumTokens(settings.batch(), settings.steps());
        if (ids.length() < needed) {
            throw new InputException(text.name() + ": " + ids.length() + " tokens" + (valIds != null ? " for training" : "")
                    + " is too short for one minibatch of {Training.batch} " + settings.batch() + " × {Training.steps} "
                    + settings.steps() + ": it needs at least " + needed + " tokens; give a longer text, or smaller "
                    + "{Training.batch}/{Training.steps}");
        }
        if (data.valFraction() > 0 && valTokens < 2) {
            throw new InputException("{Training.validationFraction} " + data.valFraction() + ": " + valTokens + " of "
                    + all.length() + " tokens is too few to validate on; raise it or give a longer text");
        }
        int order = memoryOrder(text.name(), valIds);
        TrainConfig config = settings.config(ids.length()); // a resumed run's epochs are set: its text's size is moot
        MemoryFit fit = order > 0 ? new MemoryFit(all, ids, valIds, order, vocab.size(), config.steps()) : null;
        ModelConfig shape = settings.model();
        Rng rng = new Rng(config.seed());
        LanguageModel model = resumed != null ? resumed.model().withMemory(null) : base != null
                ? shape.widen(base.network(), vocab.size(), rng.split(), kernels) : shape.build(vocab.size(), rng.split(), kernels);
        Trainer trainer = resumed != null
                ? new Trainer(model, ids, config, new Rng(resumed.state().sampleRng()), new Rng(resumed.state().dropoutRng()),
                        kernels)
                : new Trainer(model, ids, config, rng.split(), rng.split(), kernels);
        Engine engine = settings.engine();
        trainer.on(engine);
        if (resumed != null) {
            memory = resumed.model().memory();
            trainer.optimizer().restore(resumed.optimizer());
            trainer.resumeAfter(resumed.state().epochsDone());
            for (Epoch e : resumed.metrics()) {
                history.add(e);
                trainer.recordValidation(e.validationPerplexity());
                track(e);
            }
            if (Files.exists(bestPath(options.resume()))) { // the earlier run's best, unless this run does better
                bestFile = bestPath(options.resume());
            }
            if (options.resume().equals(options.checkpoint())) {
                lastSaved = trainer.epochsDone(); // the file resumed from is the last good checkpoint so far
            }
        }
        double trainingPerToken = Evaluation.charactersPerToken(ids, vocab),
                validationPerToken = valIds != null ? Evaluation.charactersPerToken(valIds, vocab) : 1;
        Training effective = settings.with(shape, data, config, settings.name());
        Live live = new Live(model, vocab, shape, data, config, effective.name(), trainer);
        listener.started(new TrainingListener.Start(effective, text.name(), ids.length(),
                valIds != null ? valIds.length() : 0, vocab, base != null ? base.vocabulary().size() : 0,
                trainer.epochsDone(), engine == Engine.OWN ? kernels.name() : engine.describe(), opening(ids, vocab),
                valIds != null ? Evaluation.unigramPerplexity(ids, valIds, vocab.size()) : Double.NaN,
                validationPerToken, live.model(history, memory)));
        int earlyStop = settings.earlyStop();
        long began = System.nanoTime(), limit = (long) (options.timeLimit() * 1e9);
        long[] lastEnd = {began}, lastEpoch = {0};
        try {
            trainer.run(e -> {
                double val, alone = Double.NaN;
                if (fit != null) {
                    MemoryFit.Fitted fitted = fit.fit(model);
                    val = fitted.mixture();
                    alone = fitted.network();
                    memory = fitted.memory();
                } else {
                    val = valIds != null ? Evaluation.perplexity(model, valIds, config.steps()) : Double.NaN;
                }
                trainer.recordValidation(val);
                Epoch done = e.validated(val, alone).perCharacter(trainingPerToken, validationPerToken);
                history.add(done);
                boolean improved = track(done);
                TextModel now = live.model(history, memory);
                Path file = settings.checkpoint();
                if (improved) {
                    bestModel = live.snapshot(history, memory);
                    bestFile = file != null ? bestPath(file) : null;
                }
                if (file != null) { // before the listener hears of the epoch, so that its time holds the saving
                    if (improved) {
                        save(now, bestFile, done.epoch(), true);
                    }
                    if (done.epoch() % settings.checkpointEvery() == 0 || done.epoch() == config.epochs()
                            || stoppingEarly(earlyStop)) {
                        save(now, file, done.epoch(), false);
                        lastSaved = done.epoch();
                    }
                }
                listener.epoch(done, now);
                long end = System.nanoTime();
                lastEpoch[0] = end - lastEnd[0];
                lastEnd[0] = end;
            }, () -> options.stop().getAsBoolean() || stoppingEarly(earlyStop)
                    || limit > 0 && lastEnd[0] + lastEpoch[0] - began > limit);
        } catch (DivergenceException e) {
            Path file = settings.checkpoint();
            throw e.withOutcome(lastSaved > 0 ? "the last good checkpoint, " + file + " after epoch " + lastSaved
                    + ", is kept" : file != null ? "no checkpoint was written before it, " + file + " is untouched"
                    : "no checkpoint was kept (give {Training.checkpoint} to keep one)");
        }
        listener.ended(new TrainingListener.End(trainer.epochsDone(), stoppingEarly(earlyStop),
                bestEpoch, bestEpoch > 0 ? best : Double.NaN, bestEpoch > 0 ? bestFile : null));
        if (bestModel == null) {
            return live.snapshot(history, memory).model(live);
        }
        return bestModel.model(live);
    }

    /**
     * The order of the memory the run's {@link Training#memory} asks for, or 0: none asked, or one the text's size
     * chose where it cannot be (no held-out part to fit its weight on), which a memory asked for by name refuses.
     */
    private int memoryOrder(String name, TokenIds valIds) {
        int order = settings.memory();
        if (order > 0 && valIds == null) {
            if (options.given().contains("memory")) {
                throw new InputException(name + ": {Training.memory} " + order + " needs a held-out part to fit its "
                        + "weight on; give {Training.validationFraction} above 0, or {Training.memory} 0");
            }
            settings.memory(0);
            return 0;
        }
        return order;
    }

    private void save(TextModel model, Path file, int epoch, boolean isBest) {
        model.save(file);
        listener.saved(file, epoch, isBest);
    }

    /** Records an epoch's validation perplexity; true when it is the best so far. */
    private boolean track(Epoch e) {
        double val = e.validationPerplexity();
        if (Double.isNaN(val)) {
            return false;
        }
        if (val < best) {
            best = val;
            bestEpoch = e.epoch();
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    private boolean stoppingEarly(int earlyStop) {
        return earlyStop > 0 && sinceBest >= earlyStop;
    }

    /** {@code m.safetensors} → {@code m.best.safetensors}; another name gets {@code .best} appended. */
    static Path bestPath(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        String best = name.endsWith(".safetensors")
                ? name.substring(0, name.length() - ".safetensors".length()) + ".best.safetensors" : name + ".best";
        return checkpoint.resolveSibling(best);
    }

    /**
     * A text's first words, up to 24 characters and the end of their line (or document), cut after a space where there
     * is one: a prefix that reads like the text. Whitespace and document separators before them are skipped (a licence
     * that starts with 20 spaces starts with its title), as are characters the vocabulary lacks.
     */
    static String opening(TokenIds ids, Vocab vocab) {
        StringBuilder sb = new StringBuilder();
        reading:
        for (int i = 0; i < ids.length() && sb.codePointCount(0, sb.length()) < 24; i++) {
            int id = ids.get(i);
            int[] cps = id == Vocab.UNK ? new int[] {-1} : vocab.text(id).codePoints().toArray();
            for (int c : cps) {
                boolean breaks = c == -1 || c == '\n' || c == '\r' || c == Corpus.SEPARATOR;
                if (sb.length() == 0 && (breaks || Character.isWhitespace(c) || Character.isSpaceChar(c))) {
                    continue;
                }
                if (breaks || sb.codePointCount(0, sb.length()) == 24) {
                    break reading;
                }
                sb.appendCodePoint(c);
            }
        }
        if (sb.codePointCount(0, sb.length()) == 24 && sb.lastIndexOf(" ") > 0) {
            sb.setLength(sb.lastIndexOf(" ") + 1);
        }
        return sb.length() > 0 ? sb.toString() : "\n";
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The model under training as a {@link TextModel}: its weights, and the run's state as it stands. */
    private record Live(LanguageModel model, Vocab vocab, ModelConfig shape, DataConfig data, TrainConfig config,
                        String name, Trainer trainer) {
        /** A view of the weights as they are; its optimiser state is read when it is saved. */
        TextModel model(List<Epoch> history, Memory memory) {
            return new TextModel(new Checkpoint.Contents(model.withMemory(memory), shape, vocab, data, config, name,
                    state(), Optimizer.State.NONE, history), trainer.optimizer()::state);
        }

        Snapshot snapshot(List<Epoch> history, Memory memory) {
            return new Snapshot(model.params.data.clone(), state(), trainer.optimizer().state(), List.copyOf(history),
                    memory);
        }

        Checkpoint.RunState state() {
            return new Checkpoint.RunState(trainer.epochsDone(), trainer.sampleRng().state(), trainer.dropoutRng().state());
        }
    }

    /** A run's model at one epoch: its weights, its state and its figures up to it. */
    private record Snapshot(float[] params, Checkpoint.RunState state, Optimizer.State optimizer, List<Epoch> history,
                            Memory memory) {
        /** The model at this epoch: the run's network, its weights put back to this epoch's, and its memory. */
        TextModel model(Live live) {
            System.arraycopy(params, 0, live.model().params.data, 0, params.length);
            Checkpoint.Contents c = new Checkpoint.Contents(live.model().withMemory(memory), live.shape(), live.vocab(), live.data(),
                    live.config(), live.name(), state, optimizer, history);
            return new TextModel(c, c::optimizer);
        }
    }
}
