package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.rnn4j.InputException;
import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.Init;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;
import org.rnn4j.train.DivergenceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

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

    @Option(names = "--min-freq", paramLabel = "N", description = "Characters seen fewer times map to <unk>; with "
            + "--tokens word, words seen fewer times (and than twice) read as their characters (default: 1).")
    Integer minFreq;

    @Option(names = "--tokens", paramLabel = "KIND", description = "char (default: the seeds' tokens), word (words, "
            + "and the spaces and signs between them) or bpe (byte-pair subwords learnt from the text).")
    String tokens;

    @Option(names = "--vocab-size", paramLabel = "N", description = "With --tokens word or bpe: the most tokens, "
            + "characters included (default: 2048).")
    Integer vocabSize;

    @Option(names = "--cell", paramLabel = "CELL", description = "rnn, gru or lstm.")
    String cell;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden units.")
    Integer hidden;

    @Option(names = "--layers", paramLabel = "L", description = "Stacked recurrent layers.")
    Integer layers;

    @Option(names = "--embedding", paramLabel = "E", description = "An embedding of E units in front of the recurrent "
            + "layer (default 0: one-hot inputs): fewer weights for a large vocabulary (--tokens word or bpe).")
    Integer embedding;

    @Option(names = "--tie", description = "The output layer's weights are the embedding's (needs --embedding equal to "
            + "--hidden).")
    boolean tie;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout between layers while training, in [0, 1).")
    Double dropout;

    @Option(names = "--variational-dropout", paramLabel = "P",
            description = "Variational (locked) dropout of the input tokens and every layer's outputs while training, "
                    + "one mask per sequence for all its steps, in [0, 1) (default: 0; for one's own text, by its "
                    + "size).")
    Double variationalDropout;

    @Option(names = "--weight-dropout", paramLabel = "P",
            description = "Weight dropout of each recurrent matrix W_hh while training, one mask per minibatch for all "
                    + "its steps, in [0, 1) (default: 0; for one's own text, by its size).")
    Double weightDropout;

    @Option(names = "--init", paramLabel = "KIND",
            description = "normal (N(0, 0.01²), the from-scratch seeds) or uniform (±1/√H, PyTorch's layers).")
    String init;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd or adam.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate.")
    Double lr;

    @Option(names = "--clip", paramLabel = "THETA", description = "Clip the global gradient norm to THETA.")
    Double clip;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "Decoupled weight decay: each step first shrinks every weight by 1 - lr × LAMBDA (with adam, "
                    + "AdamW). Default: 0.")
    Double weightDecay;

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
    Long seed;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "Where the forward and backward passes run: rnn4j (default: its own kernels) or libtorch "
                    + "(through DJL; a build with -Plibtorch). The checkpoint is the same either way.")
    String engineName;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu (default) or gpu, for --engine libtorch.")
    String device;

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "Hold out the last F of the tokens, in [0, 0.5], to report validation perplexity (default: "
                    + "0 for the seeds' presets; for one's own text, 50,000 characters' worth, 2 %% to 10 %%).")
    Double valFraction;

    @Option(names = "--early-stop", paramLabel = "N",
            description = "With a validation split, stop after N epochs without a better validation perplexity.")
    Integer earlyStop;

    @Option(names = "--memory", paramLabel = "ORDER",
            description = "Mix the network with an n-gram model of order ORDER (2 to 10) of the training text, its "
                    + "weight fitted on the held-out part; 0: the network alone. The model file then holds the text "
                    + "(default: 6 up to 10 million characters, none above; none for the seeds' presets).")
    Integer memory;

    @Option(names = "--time-limit", paramLabel = "SECONDS",
            description = "Train for at most SECONDS: no epoch starts that would end past them (judged by the last).")
    Double timeLimit;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write a checkpoint (safetensors) here; the best model by validation goes beside it as FILE.best.")
    String outFile;

    @Option(names = "--save-every", paramLabel = "N", description = "Checkpoint every N epochs (default: 10), and at the end.")
    int saveEvery = 10;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run saved in FILE with its settings (--epochs may raise the total).")
    String resume;

    @Option(names = "--init-from", paramLabel = "MODEL",
            description = "Fine-tune: start from this model's weights (a fresh optimiser, the flags' settings): a "
                    + "checkpoint, or 'english', the built-in model of public-domain English; characters of the "
                    + "corpus it never saw extend its vocabulary.")
    String initFrom;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Write every epoch's figures to FILE (.csv or .jsonl).")
    String metricsFile;

    @Option(names = "--plot", paramLabel = "BASE", description = "Draw the perplexity curve into BASE.png and BASE.svg.")
    String plotBase;

    @Spec
    CommandSpec spec;

    /** The flags of settings a resumed run keeps that are not one option each of {@link Training}. */
    private static final List<String> FIXED_ON_RESUME = List.of("--preset", "--lr-decay", "--lr-decay-every",
            "--lr-plateau", "--lr-patience", "--lr-cosine", "--warmup");

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ParseResult parsed = spec.commandLine().getParseResult();
        Preset p = preset(parsed);
        Training training = training(p, err);
        Preset.Printing printing = new Preset.Printing(
                sampleTemperature != null ? Double.valueOf(Flags.positive("--sample-temperature", sampleTemperature))
                        : p.printing.sampleTemperature(),
                Flags.positive("--print-every", printEvery != null ? printEvery : p.printing.printEvery()),
                Flags.atLeast("--predict-length", predictLength != null ? predictLength : p.printing.predictLength(), 0),
                prefixes != null ? prefixes : p.printing.prefixes(), p.printing.sayRepeats());
        Path metrics = metricsFile != null ? MetricsLog.check(Path.of(metricsFile)) : null;
        Path plot = plotBase != null ? OutputFiles.checkFolder(Path.of(plotBase), "--plot") : null;
        String origin = resume != null ? "checkpoint " + resume : preset != null || p != Preset.TEXT
                ? "preset " + lower(p) : "the defaults for one's own text";
        TrainReport.Origins origins = new TrainReport.Origins(parsed, origin, initFrom, resume);
        try (TrainReport report = new TrainReport(out, err, origins, printing, metrics, plot)) {
            TextModel.train(training.listener(report));
        } catch (DivergenceException e) {
            err.println("rnn4j: " + e.message(Flags::name));
            return 3;
        }
        return 0;
    }

    /** The preset the run starts from: a resumed run's checkpoint names it, else --preset, else by --corpus. */
    private Preset preset(ParseResult parsed) {
        if (resume != null) {
            for (String flag : FIXED_ON_RESUME) {
                if (parsed.hasMatchedOption(flag)) {
                    throw new InputException(flag + ": a resumed run keeps the settings it started with; drop " + flag
                            + " (only --epochs, --corpus, --out, --save-every, --early-stop, --threads, --engine and the "
                            + "printing, --metrics and --plot flags may change)");
                }
            }
            return Preset.named(TextModel.load(Path.of(resume)).preset());
        }
        Preset p = preset != null ? parseEnum(Preset.class, "--preset", preset) : corpus != null ? Preset.TEXT
                : Preset.TIMEMACHINE;
        if (p.training().corpus().isEmpty() && corpus == null) {
            throw new InputException("--preset " + lower(p) + ": is for one's own text; give --corpus FILE too");
        }
        return p;
    }

    /** The preset's training with every flag given in its place: the flags are the library's options. */
    private Training training(Preset p, PrintWriter err) {
        Training t = p.training();
        Flags.positive("--save-every", saveEvery);
        Path checkpoint = outFile != null ? Path.of(outFile) : resume != null ? Path.of(resume) : null;
        if (checkpoint != null) {
            t.checkpoint(OutputFiles.checkFolder(checkpoint, "--out"), saveEvery);
        }
        given(resume, r -> t.resume(Path.of(r)));
        given(corpus, t::corpus);
        given(member, t::members);
        given(preprocess, v -> t.preprocessing(parseEnum(Preprocessing.class, "--preprocess", v)));
        given(maxTokens, t::maxTokens);
        if (replaceInvalid) {
            t.replaceInvalid(true);
        }
        given(minFreq, t::minFrequency);
        given(tokens, v -> t.tokens(parseEnum(Subwords.Kind.class, "--tokens", v)));
        given(vocabSize, t::vocabSize);
        given(cell, v -> t.cell(parseEnum(CellType.class, "--cell", v)));
        given(hidden, t::hidden);
        given(layers, t::layers);
        given(embedding, t::embedding);
        if (tie) {
            t.tie(true);
        }
        given(dropout, t::dropout);
        given(variationalDropout, t::variationalDropout);
        given(weightDropout, t::weightDropout);
        given(init, v -> t.init(parseEnum(Init.class, "--init", v)));
        given(optimizer, v -> t.optimizer(parseEnum(Optimizer.Kind.class, "--optimizer", v)));
        given(lr, t::learningRate);
        given(clip, t::clip);
        given(weightDecay, t::weightDecay);
        given(epochs, t::epochs);
        given(batch, t::batch);
        given(steps, t::steps);
        given(sampling, v -> t.sampling(v.equalsIgnoreCase("sequential") ? Sampler.Kind.CONSECUTIVE
                : parseEnum(Sampler.Kind.class, "--sampling", v)));
        given(randomOffset, t::randomOffset);
        given(seed, t::seed);
        given(valFraction, t::validationFraction);
        if (schedule.given()) {
            t.schedule(schedule.schedule(t.validationFraction()));
        }
        given(earlyStop, v -> t.earlyStop(Flags.positive("--early-stop", v)));
        given(timeLimit, v -> t.timeLimit(Flags.positive("--time-limit", v)));
        given(memory, t::memory);
        given(threads.threads, t::threads);
        if (device != null && !List.of("cpu", "gpu").contains(device)) {
            throw new InputException("--device " + device + ": the devices are cpu and gpu");
        }
        if (engineName != null || device != null) {
            t.engine(Engine.named(engineName != null ? engineName : Engine.OWN.name(), device != null ? device : "cpu"));
        }
        given(initFrom, v -> t.startFrom(TextModel.open(v, Main.notes(err))));
        return t;
    }

    /** Hands a flag's value to its setter when the flag is given. */
    private static <V> void given(V value, Consumer<V> setter) {
        if (value != null) {
            setter.accept(value);
        }
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
