package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.InputException;
import org.rnn4j.data.Sampler;
import org.rnn4j.generate.Greedy;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.EpochReport;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code rnn4j train}: trains a character-level language model on a corpus and prints greedy continuations. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a character-level RNN language model and print greedy continuations.",
                "A preset gives every setting; each flag overrides it."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--preset", paramLabel = "NAME",
            description = "timemachine (default), jaychou or jaychou-concise: the seeds' setups.")
    String preset = "timemachine";

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "A UTF-8 text file, a zip archive, or 'timemachine' for the built-in corpus (default).")
    String corpus;

    @Option(names = "--member", paramLabel = "NAME", description = "The zip member to read (when the zip has several text members).")
    String member;

    @Option(names = "--preprocess", paramLabel = "MODE",
            description = "letters (Time Machine rule), spaces (lyrics rule) or raw.")
    String preprocess;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Keep the first N tokens (0: all).")
    Integer maxTokens;

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

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the corpus.")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per minibatch.")
    Integer batch;

    @Option(names = "--steps", paramLabel = "T", description = "Time steps per sequence.")
    Integer steps;

    @Option(names = "--sampling", paramLabel = "KIND", description = "random or consecutive (also: sequential).")
    String sampling;

    @Option(names = "--random-offset", description = "Start every epoch at a random offset (the later edition).")
    boolean randomOffset;

    @Option(names = "--prefix", paramLabel = "TEXT", description = "A prefix to continue (repeatable).")
    List<String> prefixes;

    @Option(names = "--predict-length", paramLabel = "N", description = "Tokens generated after each prefix.")
    Integer predictLength;

    @Option(names = "--print-every", paramLabel = "N", description = "Report and generate every N epochs.")
    Integer printEvery;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation and sampling (default: 0).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the matrix products (default: all cores).")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Preset p = parsePreset(preset);
        String source = corpus != null ? corpus : p.corpus;
        Preprocessing mode = preprocess != null ? parseEnum(Preprocessing.class, "--preprocess", preprocess)
                : p.preprocessing;
        int tokens = Flags.atLeast("--max-tokens", maxTokens != null ? maxTokens : p.maxTokens, 0);
        ModelConfig shape = new ModelConfig(
                cell != null ? parseEnum(CellType.class, "--cell", cell) : p.model.cell(),
                Flags.positive("--hidden", hidden != null ? hidden : p.model.hidden()),
                Flags.positive("--layers", layers != null ? layers : p.model.layers()),
                Flags.fraction("--dropout", dropout != null ? dropout : p.model.dropout()),
                init != null ? parseEnum(Init.class, "--init", init) : p.model.init());
        Optimizer.Kind opt = optimizer != null ? parseEnum(Optimizer.Kind.class, "--optimizer", optimizer) : p.optimizer;
        double rate = Flags.positive("--lr", lr != null ? lr : p.lr);
        double theta = Flags.positive("--clip", clip != null ? clip : p.clip);
        int nEpochs = Flags.positive("--epochs", epochs != null ? epochs : p.epochs);
        int b = Flags.positive("--batch", batch != null ? batch : p.batch);
        int t = Flags.positive("--steps", steps != null ? steps : p.steps);
        Sampler.Kind kind = sampling != null ? parseSampling(sampling) : p.sampling;
        int every = Flags.positive("--print-every", printEvery != null ? printEvery : p.printEvery);
        int length = Flags.atLeast("--predict-length", predictLength != null ? predictLength : p.predictLength, 0);
        List<String> pre = prefixes != null ? prefixes : p.prefixes;
        Flags.atLeast("--min-freq", minFreq, 1);
        if (threads != null) {
            Flags.positive("--threads", threads);
        }
        for (String s : pre) {
            if (s.isEmpty()) {
                throw new InputException("--prefix: a prefix needs at least one character");
            }
        }

        Corpus text = Corpus.load(source, member, mode, tokens);
        Vocab vocab = Vocab.build(text.tokens(), minFreq);
        int[] ids = vocab.encode(text.tokens());
        int needed = Sampler.minimumTokens(b, t);
        if (ids.length < needed) {
            throw new InputException(text.name() + ": " + ids.length + " tokens is too short for one minibatch of --batch "
                    + b + " × --steps " + t + ": it needs at least " + needed
                    + " tokens; use a longer corpus or smaller --batch/--steps");
        }
        for (String s : pre) {
            s.codePoints().filter(c -> !vocab.contains(c)).distinct().forEach(c -> err.printf(
                    "rnn4j: warning: the prefix '%s' has '%s', which is not in the vocabulary: it reads as <unk>%n",
                    s, Character.toString(c)));
        }

        Kernels kernels = threads == null ? Kernels.best() : Kernels.best(threads);
        TrainConfig config = new TrainConfig(b, t, nEpochs, opt, rate, theta, kind, randomOffset, seed);
        Rng rng = new Rng(seed);
        LanguageModel model = shape.build(vocab.size(), rng.split(), kernels);
        out.printf(Locale.ROOT, "corpus %s: %,d tokens, vocabulary %d; %s H %d%s, B %d, T %d, %s lr %s, clip %s, "
                        + "%s sampling, kernels %s%n", text.name(), ids.length, vocab.size(), lower(shape.cell()),
                shape.hidden(), shape.layers() == 1 ? "" : String.format(Locale.ROOT, " × %d layers, dropout %s",
                        shape.layers(), shape.dropout()), b, t, lower(opt), rate, theta, lower(kind), kernels.name());
        long[] total = {0, 0}; // tokens, nanoseconds
        EpochReport[] last = {null};
        new Trainer(model, ids, config, rng.split(), rng.split(), kernels).run(r -> {
            total[0] += r.tokens();
            total[1] += (long) (r.seconds() * 1e9);
            last[0] = r;
            if (r.epoch() % every == 0 || r.epoch() == nEpochs) {
                out.printf(Locale.ROOT, "epoch %d, perplexity %.6f, time %.2f sec, %,.0f tokens/s%n",
                        r.epoch(), r.perplexity(), r.seconds(), r.tokensPerSecond());
                for (String s : pre) {
                    out.println(" - " + Greedy.continuation(model, vocab, s, length));
                }
            }
        });
        out.printf(Locale.ROOT, "perplexity %.3f, %,.0f tokens/s over %d epochs%n",
                last[0].perplexity(), total[0] / (total[1] / 1e9), nEpochs);
        return 0;
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
