package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.InputException;
import org.rnn4j.TextModel;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.text.Encoded;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rnn4j eval}: the perplexity of a saved model on a text, read with the model's own rules. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Perplexity of a trained model on a text, with the preprocessing it was trained with.",
                "Characters outside the model's vocabulary count as <unk>; their number is reported."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true,
            description = "A checkpoint written by 'rnn4j train --out', or a built-in model: 'english'.")
    String model;

    @Option(names = "--corpus", paramLabel = "FILE", required = true,
            description = "A UTF-8 text file, a zip archive, or a built-in corpus: 'timemachine' or 'jaychou'.")
    String corpus;

    @Option(names = "--member", paramLabel = "NAME", description = "The zip member to read (when the zip has several text members).")
    String member;

    @Option(names = "--replace-invalid", description = "Read bytes that are not UTF-8 as U+FFFD instead of stopping.")
    boolean replaceInvalid;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Read the first N tokens (default: 0, all).")
    int maxTokens;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Flags.atLeast("--max-tokens", maxTokens, 0);
        Kernels kernels = threads.kernels();
        TextModel loaded = TextModel.open(model, Main.notes(spec.commandLine().getErr()));
        Encoded text = Encoded.with(new Encoded.Source(corpus, member, loaded.preprocessing(), maxTokens,
                replaceInvalid), loaded.vocabulary());
        TokenIds ids = text.ids();
        if (ids.length() < 2) {
            throw new InputException(text.name() + ": " + ids.length() + " tokens after " + TrainCommand.lower(
                    loaded.preprocessing()) + " preprocessing; perplexity needs at least 2");
        }
        long unknown = text.unknown();
        LanguageModel network = loaded.network().withKernels(kernels);
        Memory memory = network.memory();
        // with a memory, the network reads the text once for both figures: the mixture's and its own
        double[] alone = memory != null ? Evaluation.networkProbabilities(network, ids, loaded.steps()) : null;
        double ppl = memory != null ? Evaluation.perplexity(memory, alone, Evaluation.ngramProbabilities(
                memory.ngram(), ids)) : Evaluation.perplexity(network, ids, loaded.steps());
        out.printf(Locale.ROOT, "%s: %,d tokens (%s preprocessing), %,d unknown to the model (%.2f%%, counted as <unk>)%n",
                text.name(), ids.length(), TrainCommand.lower(loaded.preprocessing()), unknown,
                100.0 * unknown / ids.length());
        double perCharacter = Evaluation.charactersPerToken(ids, loaded.vocabulary());
        out.printf(Locale.ROOT, "perplexity %.6f (%.4f bits per character)%n", ppl, Epoch.bits(ppl, perCharacter));
        if (memory != null) {
            double own = Evaluation.perplexity(alone);
            out.printf(Locale.ROOT, "with its memory (an n-gram of order %d of its training text and of this text as "
                    + "read, weight %.3f on the network); the network alone: perplexity %.6f (%.4f bits per character)%n",
                    memory.ngram().order(), memory.weight(), own, Epoch.bits(own, perCharacter));
        }
        return 0;
    }
}
