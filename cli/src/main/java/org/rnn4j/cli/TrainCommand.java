package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rnn4j.InputException;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.generate.Decoding;
import org.rnn4j.generate.Generator;
import org.rnn4j.generate.Greedy;
import org.rnn4j.generate.TokenSampler;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.io.Checkpoint.Metrics;
import org.rnn4j.io.DataConfig;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.DivergenceException;
import org.rnn4j.train.Evaluation;
import org.rnn4j.train.Schedule;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code rnn4j train}: trains a character-level language model on a corpus and prints greedy continuations. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a character-level RNN language model and print greedy continuations.",
                "A preset gives every setting; each flag overrides it."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--preset", paramLabel = "NAME",
            description = "timemachine, jaychou or jaychou-concise (the seeds' setups), or text. Default: timemachine "
                    + "without --corpus, text with it (the text as it is, all of it).")
    String preset;

    @Option(names = "--corpus", paramLabel = "SOURCE",
            description = "A UTF-8 text file, a folder (its text files, by path), a zip archive (its text members), "
                    + "'-' for standard input, or a built-in corpus: 'timemachine' or 'jaychou'. Repeatable: "
                    + "documents are joined by U+001C, shown as ␜.")
    List<String> corpus;

    @Option(names = "--member", paramLabel = "NAME",
            description = "Read only this zip member (repeatable; default: every text member).")
    List<String> member;

    @Option(names = "--preprocess", paramLabel = "MODE",
            description = "letters (Time Machine rule), spaces (lyrics rule) or raw.")
    String preprocess;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Keep the first N tokens (0: all).")
    Integer maxTokens;

    @Option(names = "--replace-invalid", description = "Read bytes that are not UTF-8 as U+FFFD instead of stopping.")
    boolean replaceInvalid;

    @Option(names = "--min-freq", paramLabel = "N", description = "Tokens seen fewer times map to <unk> (default: 1).")
    int minFreq = 1;

    @Option(names = "--cell", paramLabel = "CELL", description = "rnn, gru or lstm.")
    String cell;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden units.")
    Integer hidden;

    @Option(names = "--layers", paramLabel = "L", description = "Stacked recurrent layers.")
    Integer layers;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout between layers while training, in [0, 1).")
    Double dropout;

    @Option(names = "--init", paramLabel = "KIND",
            description = "normal (N(0, 0.01²), the from-scratch seeds) or uniform (±1/√H, PyTorch's layers).")
    String init;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd or adam.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate.")
    Double lr;

    @Option(names = "--clip", paramLabel = "THETA", description = "Clip the global gradient norm to THETA.")
    Double clip;

    @Mixin
    ScheduleOptions schedule;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the corpus.")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per minibatch.")
    Integer batch;

    @Option(names = "--steps", paramLabel = "T", description = "Time steps per sequence.")
    Integer steps;

    @Option(names = "--sampling", paramLabel = "KIND", description = "random or consecutive (also: sequential).")
    String sampling;

    @Option(names = "--random-offset", negatable = true,
            description = "Start every epoch at a random offset (the later edition).")
    Boolean randomOffset;

    @Option(names = "--prefix", paramLabel = "TEXT",
            description = "A prefix to continue (repeatable), read with the corpus's preprocessing.")
    List<String> prefixes;

    @Option(names = {"--predict-length", "--length"}, paramLabel = "N", description = "Tokens generated after each prefix.")
    Integer predictLength;

    @Option(names = "--sample-temperature", paramLabel = "T",
            description = "At each report, also print a continuation of each prefix sampled at temperature T (> 0).")
    Double sampleTemperature;

    @Option(names = "--print-every", paramLabel = "N", description = "Report and generate every N epochs.")
    Integer printEvery;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation and sampling (default: 0).")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "Where the forward and backward passes run: rnn4j (default: its own kernels) or libtorch "
                    + "(through DJL; a build with -Plibtorch). The checkpoint is the same either way.")
    String engineName = "rnn4j";

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu (default) or gpu, for --engine libtorch.")
    String device = "cpu";

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "Hold out the last F of the tokens, in [0, 0.5], to report validation perplexity (default: 0).")
    Double valFraction;

    @Option(names = "--early-stop", paramLabel = "N",
            description = "With a validation split, stop after N epochs without a better validation perplexity.")
    Integer earlyStop;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write a checkpoint (safetensors) here; the best model by validation goes beside it as FILE.best.")
    String outFile;

    @Option(names = "--save-every", paramLabel = "N", description = "Checkpoint every N epochs (default: 10), and at the end.")
    int saveEvery = 10;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run saved in FILE with its settings (--epochs may raise the total).")
    String resume;

    @Option(names = "--init-from", paramLabel = "MODEL",
            description = "Fine-tune: start from this model's weights (a fresh optimiser, the flags' settings); "
                    + "characters of the corpus it never saw extend its vocabulary.")
    String initFrom;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Write every epoch's figures to FILE (.csv or .jsonl).")
    String metricsFile;

    @Option(names = "--plot", paramLabel = "BASE", description = "Draw the perplexity curve into BASE.png and BASE.svg.")
    String plotBase;

    @Spec
    CommandSpec spec;

    /** Settings a resumed run takes from its checkpoint: giving one is an error, not a silent change. */
    private static final List<String> FIXED_ON_RESUME = List.of("--preset", "--init-from", "--member", "--preprocess", "--max-tokens",
            "--min-freq", "--cell", "--hidden", "--layers", "--dropout", "--init", "--optimizer", "--lr", "--clip",
            "--batch", "--steps", "--sampling", "--random-offset", "--seed", "--val-fraction", "--replace-invalid",
            "--lr-decay", "--lr-decay-every", "--lr-plateau", "--lr-patience", "--lr-cosine", "--warmup");

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Flags.positive("--save-every", saveEvery);
        if (earlyStop != null) {
            Flags.positive("--early-stop", earlyStop);
        }
        Path checkpointPath = outFile != null ? Path.of(outFile) : resume != null ? Path.of(resume) : null;
        if (checkpointPath != null) {
            OutputFiles.checkFolder(checkpointPath, "--out");
        }
        if (plotBase != null) {
            OutputFiles.checkFolder(Path.of(plotBase), "--plot");
        }
        Kernels kernels = threads.kernels();
        if (!List.of("cpu", "gpu").contains(device)) {
            throw new InputException("--device " + device + ": the devices are cpu and gpu");
        }
        Engine engine = Engine.named(engineName, device);

        Checkpoint.Loaded resumed = null, base = null;
        Preset p;
        ModelConfig shape;
        DataConfig data;
        TrainConfig planned;
        if (resume != null) {
            for (String flag : FIXED_ON_RESUME) {
                if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                    throw new InputException(flag + ": a resumed run keeps the settings it started with; drop " + flag
                            + " (only --epochs, --corpus, --out, --save-every, --early-stop, --threads and the "
                            + "printing, --metrics and --plot flags may change)");
                }
            }
            resumed = Checkpoint.load(Path.of(resume), kernels, Main.notes(err));
            p = parsePreset(resumed.preset());
            shape = resumed.modelConfig();
            DataConfig d = resumed.data();
            data = corpus == null ? d : new DataConfig(corpus, d.members(), d.preprocessing(), d.maxTokens(),
                    d.minFreq(), d.valFraction(), d.replaceInvalid());
            TrainConfig t = resumed.training();
            int total = epochs != null ? Flags.positive("--epochs", epochs) : t.epochs();
            planned = new TrainConfig(t.batch(), t.steps(), total, t.optimizer(), t.lr(), t.clip(), t.sampling(),
                    t.randomOffset(), t.seed(), t.schedule());
        } else {
            p = preset != null ? parsePreset(preset) : corpus != null ? Preset.TEXT : Preset.TIMEMACHINE;
            if (p.corpus == null && corpus == null) {
                throw new InputException("--preset " + lower(p) + ": is for one's own text; give --corpus FILE too");
            }
            if (initFrom != null) {
                for (String flag : List.of("--cell", "--hidden", "--layers", "--init")) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                        throw new InputException(flag + ": a model from --init-from keeps its shape; drop " + flag);
                    }
                }
                base = Checkpoint.load(Path.of(initFrom), kernels, Main.notes(err));
            }
            Preprocessing fallback = base != null ? base.data().preprocessing() : p.preprocessing;
            data = new DataConfig(corpus != null ? corpus : List.of(p.corpus), member != null ? member : List.of(),
                    preprocess != null ? parseEnum(Preprocessing.class, "--preprocess", preprocess) : fallback,
                    Flags.atLeast("--max-tokens", maxTokens != null ? maxTokens : p.maxTokens, 0),
                    Flags.atLeast("--min-freq", minFreq, 1),
                    Flags.range("--val-fraction", valFraction != null ? valFraction : p.valFraction, 0, 0.5),
                    replaceInvalid);
            ModelConfig from = base != null ? base.modelConfig() : p.model;
            shape = base != null ? new ModelConfig(from.cell(), from.hidden(), from.layers(),
                    Flags.fraction("--dropout", dropout != null ? dropout : from.dropout()), from.init()) : new ModelConfig(
                    cell != null ? parseEnum(CellType.class, "--cell", cell) : p.model.cell(),
                    Flags.positive("--hidden", hidden != null ? hidden : p.model.hidden()),
                    Flags.positive("--layers", layers != null ? layers : p.model.layers()),
                    Flags.fraction("--dropout", dropout != null ? dropout : p.model.dropout()),
                    init != null ? parseEnum(Init.class, "--init", init) : p.model.init());
            planned = new TrainConfig(
                    Flags.positive("--batch", batch != null ? batch : p.batch),
                    Flags.positive("--steps", steps != null ? steps : p.steps),
                    Flags.positive("--epochs", epochs != null ? epochs : Math.max(1, p.epochs)), // 0: set below
                    optimizer != null ? parseEnum(Optimizer.Kind.class, "--optimizer", optimizer) : p.optimizer,
                    Flags.positive("--lr", lr != null ? lr : p.lr),
                    Flags.positive("--clip", clip != null ? clip : p.clip),
                    sampling != null ? parseSampling(sampling) : p.sampling,
                    randomOffset != null ? randomOffset : p.randomOffset, seed, schedule.schedule(data.valFraction()));
        }
        int stopAfter = earlyStop != null ? earlyStop : p.earlyStop;
        int every = Flags.positive("--print-every", printEvery != null ? printEvery : p.printEvery);
        Double temperature = sampleTemperature != null ? sampleTemperature : p.sampleTemperature;
        Decoding sampleDecoding = temperature != null
                ? new Decoding(Flags.positive("--sample-temperature", temperature), 0, 1) : null;
        int length = Flags.atLeast("--predict-length", predictLength != null ? predictLength : p.predictLength, 0);
        Preprocessing mode = data.preprocessing();
        // a fine-tuned model's tokens keep their indices; the text's new ones come after them
        Encoded text = Encoded.build(data.source(), data.minFreq(), base != null ? base.vocab() : null);
        Vocab vocab = text.vocab();
        if (resumed != null && !Arrays.equals(vocab.tokens(), resumed.vocab().tokens())) {
            throw new InputException(text.name() + ": this text gives another vocabulary than the one " + resume
                    + " was trained on; resume with the same corpus (--corpus FILE)");
        }
        TokenIds all = text.ids();
        if (all.length() == 0) {
            throw new InputException(text.name() + ": the corpus is empty after " + lower(data.preprocessing())
                    + " preprocessing; give a text with some content, or another --preprocess");
        }
        int valTokens = (int) Math.round(all.length() * data.valFraction());
        TokenIds ids = all.slice(0, all.length() - valTokens);
        TokenIds valIds = valTokens > 0 ? all.slice(all.length() - valTokens, all.length()) : null;
        int needed = Sampler.minimumTokens(planned.batch(), planned.steps());
        if (ids.length() < needed) {
            throw new InputException(text.name() + ": " + ids.length() + " tokens" + (valIds != null ? " for training" : "")
                    + " is too short for one minibatch of --batch " + planned.batch() + " × --steps " + planned.steps()
                    + ": it needs at least " + needed + " tokens; use a longer corpus or smaller --batch/--steps");
        }
        TrainConfig config = resumed != null || epochs != null || p.epochs > 0 ? planned // else: by the text's size
                : new TrainConfig(planned.batch(), planned.steps(), p.epochsFor(ids.length()), planned.optimizer(),
                planned.lr(), planned.clip(), planned.sampling(), planned.randomOffset(), planned.seed(), planned.schedule());
        if (data.valFraction() > 0 && valTokens < 2) {
            throw new InputException("--val-fraction " + data.valFraction() + ": " + valTokens + " of " + all.length()
                    + " tokens is too few to validate on; raise it or use a longer corpus");
        }
        List<String> pre = prefixes != null ? prefixes.stream().map(mode::prefix).toList()
                : !p.prefixes.isEmpty() ? p.prefixes.stream().map(mode::prefix).toList() : List.of(Preset.opening(ids, vocab));
        for (String s : pre) {
            s.codePoints().filter(c -> !vocab.contains(c)).distinct().forEach(c -> err.printf(
                    "rnn4j: warning: the prefix '%s' has '%s', which is not in the vocabulary: it reads as <unk>%n",
                    s, Character.toString(c)));
        }

        Rng rng = new Rng(config.seed());
        LanguageModel model = resumed != null ? resumed.model() : base != null
                ? shape.widen(base.model(), vocab.size(), rng.split(), kernels) : shape.build(vocab.size(), rng.split(), kernels);
        Trainer trainer = resumed != null
                ? new Trainer(model, ids, config, new Rng(resumed.state().sampleRng()),
                        new Rng(resumed.state().dropoutRng()), kernels)
                : new Trainer(model, ids, config, rng.split(), rng.split(), kernels);
        trainer.on(engine);
        List<Metrics> history = new ArrayList<>();
        if (resumed != null) {
            resumed.restore(trainer.optimizer());
            trainer.resumeAfter(resumed.state().epochsDone());
            history.addAll(resumed.metrics());
            history.forEach(m -> trainer.recordValidation(m.valPerplexity()));
        }
        out.println(Settings.ofRun(spec.commandLine().getParseResult(), resumed != null ? "checkpoint " + resume : preset != null || p != Preset.TEXT
                ? "preset " + lower(p) : "the defaults for one's own text", base != null ? "model " + initFrom : null,
                data, shape, config, stopAfter, temperature, every, length, pre).line());
        out.printf(Locale.ROOT, "corpus %s: %,d tokens%s, vocabulary %d; %s H %d%s, B %d, T %d, %s lr %s, clip %s, "
                        + "%s sampling, kernels %s%n", text.name(), ids.length(),
                valIds != null ? String.format(Locale.ROOT, " (+ %,d for validation)", valIds.length()) : "",
                vocab.size(), lower(shape.cell()), shape.hidden(), shape.layers() == 1 ? ""
                        : String.format(Locale.ROOT, " × %d layers, dropout %s", shape.layers(), shape.dropout()),
                config.batch(), config.steps(), lower(config.optimizer()), config.lr(), config.clip(),
                lower(config.sampling()), engine == Engine.OWN ? kernels.name() : engine.describe());
        if (resumed != null) {
            out.printf(Locale.ROOT, "resuming %s after epoch %d of %d%n", resume, trainer.epochsDone(), config.epochs());
        }
        if (base != null) {
            out.printf(Locale.ROOT, "fine-tuning %s (vocabulary %d%s)%n", initFrom, base.vocab().size(),
                    vocab.size() > base.vocab().size() ? String.format(Locale.ROOT, ", + %d new: %s",
                            vocab.size() - base.vocab().size(), vocab.decode(java.util.stream.IntStream.range(
                                    base.vocab().size(), vocab.size()).toArray(), 0, vocab.size() - base.vocab().size())) : "");
        }

        TrainRun run = new TrainRun(model, shape, vocab, data, config, trainer, p, history);
        BooleanSupplier stopEarly = () -> stopAfter > 0 && run.epochsSinceBest >= stopAfter;
        if (resumed != null && checkpointPath.equals(Path.of(resume))) {
            run.lastSaved = trainer.epochsDone(); // the file resumed from is the last good checkpoint so far
        }
        long[] total = {0, 0, 0}; // tokens, nanoseconds and epochs, of this process's training
        try (MetricsLog log = metricsFile != null ? new MetricsLog(Path.of(metricsFile), history) : null;
             ProgressBar bar = progressBar(trainer.epochsDone(), config.epochs())) {
            trainer.run(r -> {
                double val = valIds != null ? Evaluation.perplexity(model, valIds, config.steps()) : Double.NaN;
                trainer.recordValidation(val);
                Metrics m = new Metrics(r.epoch(), r.perplexity(), val, r.seconds(), r.tokensPerSecond());
                history.add(m);
                total[0] += r.tokens();
                total[1] += (long) (r.seconds() * 1e9);
                total[2]++;
                if (log != null) {
                    log.add(m);
                }
                if (bar != null) {
                    bar.stepTo(r.epoch());
                    bar.setExtraMessage(String.format(Locale.ROOT, " ppl %.3f%s, %,.0f tokens/s", r.perplexity(),
                            Double.isNaN(val) ? "" : String.format(Locale.ROOT, " (val %.3f)", val), r.tokensPerSecond()));
                }
                boolean improved = run.track(val);
                if (r.epoch() % every == 0 || r.epoch() == config.epochs()) {
                    if (bar != null) { // the report takes the bar's line (the bar is on standard error); it redraws below
                        System.err.print("\r\033[K");
                        System.err.flush();
                    }
                    out.printf(Locale.ROOT, "epoch %d, perplexity %.6f%s%s, time %.2f sec, %,.0f tokens/s%n",
                            r.epoch(), r.perplexity(), Double.isNaN(val) ? ""
                                    : String.format(Locale.ROOT, ", validation perplexity %.6f", val),
                            config.schedule().kind() == Schedule.Kind.CONSTANT ? ""
                                    : ", lr " + String.format(Locale.ROOT, "%.4g", r.lr()).replaceAll("\\.?0+$", ""),
                            r.seconds(), r.tokensPerSecond());
                    for (String s : pre) {
                        out.println(" - " + Greedy.continuation(model, vocab, s, length));
                    }
                    if (sampleDecoding != null) { // seeded by the run and the epoch, so a resumed run prints the same
                        Rng draws = new Rng(config.seed() * 1_000_003L + r.epoch());
                        for (String s : pre) {
                            out.println(" ~ " + Generator.text(model, vocab, s, length,
                                    new TokenSampler(sampleDecoding, draws.split(), vocab.size())));
                        }
                    }
                }
                if (checkpointPath != null) {
                    if (improved) {
                        run.save(bestPath(checkpointPath));
                    }
                    if (r.epoch() % saveEvery == 0 || r.epoch() == config.epochs() || stopEarly.getAsBoolean()) {
                        run.save(checkpointPath);
                        run.lastSaved = r.epoch();
                    }
                }
            }, stopEarly);
        } catch (java.io.IOException e) {
            throw new InputException("--metrics " + metricsFile + ": cannot close (" + e.getMessage() + ")", e);
        } catch (DivergenceException e) {
            err.println("rnn4j: " + e.getMessage() + "; " + (run.lastSaved > 0
                    ? "the last good checkpoint, " + checkpointPath + " after epoch " + run.lastSaved + ", is kept"
                    : checkpointPath != null ? "no checkpoint was written before it, " + checkpointPath + " is untouched"
                    : "no checkpoint was kept (--out FILE keeps one)"));
            return 3;
        }
        if (stopEarly.getAsBoolean()) {
            out.printf(Locale.ROOT, "stopped early after epoch %d: no better validation perplexity for %d epochs "
                    + "(best %.6f)%n", trainer.epochsDone(), stopAfter, run.best);
        }
        if (plotBase != null && !history.isEmpty()) {
            Plot.write(Path.of(plotBase), text.name() + ": " + lower(shape.cell()) + " H " + shape.hidden(), history);
        }
        if (total[1] > 0) {
            Metrics last = history.get(history.size() - 1);
            out.printf(Locale.ROOT, "perplexity %.3f%s, %,.0f tokens/s over %d epochs%n", last.perplexity(),
                    valIds == null ? "" : String.format(Locale.ROOT, ", validation %.3f (the unigram frequencies: %.3f)",
                            last.valPerplexity(), Evaluation.unigramPerplexity(ids, valIds, vocab.size())),
                    total[0] / (total[1] / 1e9), total[2]);
        }
        return 0;
    }

    /** {@code m.safetensors} → {@code m.best.safetensors}; another name gets {@code .best} appended. */
    static Path bestPath(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        String best = name.endsWith(".safetensors")
                ? name.substring(0, name.length() - ".safetensors".length()) + ".best.safetensors" : name + ".best";
        return checkpoint.resolveSibling(best);
    }

    /** A progress bar on the terminal; none when standard error is not one (a pipe, a file, a test). */
    private static ProgressBar progressBar(int done, int total) {
        if (!Terminal.standardErrorIsTerminal()) {
            return null;
        }
        // NO_COLOR (no-color.org) and TERM=dumb ask for no colour escapes; a dumb terminal may not draw blocks either
        String noColor = System.getenv("NO_COLOR");
        ProgressBarStyle style = "dumb".equals(System.getenv("TERM")) ? ProgressBarStyle.ASCII
                : noColor != null && !noColor.isEmpty() ? ProgressBarStyle.UNICODE_BLOCK
                : ProgressBarStyle.COLORFUL_UNICODE_BLOCK;
        return new ProgressBarBuilder().setTaskName("train").setInitialMax(total).setUnit(" epochs", 1).setStyle(style)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).startsFrom(done, java.time.Duration.ZERO)
                .build();
    }

    private static Preset parsePreset(String name) {
        return parseEnum(Preset.class, "--preset", name);
    }

    private static Sampler.Kind parseSampling(String value) {
        return value.equalsIgnoreCase("sequential") ? Sampler.Kind.CONSECUTIVE
                : parseEnum(Sampler.Kind.class, "--sampling", value);
    }

    /** A constant's name as written on the command line: lower case, '-' for '_'. */
    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String flag, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(lower(c));
            }
            throw new InputException(flag + ": unknown value '" + value + "'; allowed: " + allowed);
        }
    }
}
