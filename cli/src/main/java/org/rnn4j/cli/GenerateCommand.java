package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rnn4j.InputException;
import org.rnn4j.generate.Decoding;
import org.rnn4j.generate.Generator;
import org.rnn4j.generate.TokenSampler;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rnn4j generate}: continues a prefix with a saved model, printing each token as it is chosen. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a prefix with a trained model, streaming the text as it is sampled.",
                "The same --seed gives the same text; --temperature 0 is the seeds' greedy prediction."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A checkpoint written by 'rnn4j train --out'.")
    String model;

    @Option(names = "--prefix", paramLabel = "TEXT",
            description = "The text to continue (default: none; the first token then comes from the start of a text).")
    String prefix = "";

    @Option(names = "--length", paramLabel = "N", description = "Tokens to generate (default: 200).")
    int length = 200;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Divide the logits by T before sampling; 0: always the most likely token (default: 1).")
    double temperature = 1;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most likely tokens (default: 0, all).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P",
            description = "Sample among the most likely tokens that cover probability P, in (0, 1] (default: 1).")
    double topP = 1;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the sampling (default: 0).")
    long seed;

    @Option(names = "--samples", paramLabel = "N", description = "Independent continuations, one after another (default: 1).")
    int samples = 1;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the matrix products (default: 1).")
    int threads = 1;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Flags.atLeast("--length", length, 0);
        Flags.positive("--samples", samples);
        Flags.positive("--threads", threads);
        Decoding decoding;
        try {
            decoding = new Decoding(temperature, topK, topP);
        } catch (IllegalArgumentException e) {
            throw new InputException("--" + e.getMessage(), e);
        }
        Checkpoint.Loaded loaded = Checkpoint.load(Path.of(model), Kernels.best(threads), Main.notes(err));
        prefix.codePoints().filter(c -> !loaded.vocab().contains(c)).distinct().forEach(c -> err.printf(
                "rnn4j: warning: the prefix has '%s', which is not in the model's vocabulary: it reads as <unk>%n",
                Character.toString(c)));
        Rng rng = new Rng(seed);
        for (int s = 0; s < samples; s++) {
            if (s > 0) {
                out.println();
            }
            TokenSampler sampler = new TokenSampler(decoding, rng.split(), loaded.vocab().size());
            out.print(prefix);
            out.flush();
            Generator.continuation(loaded.model(), loaded.vocab(), prefix, length, sampler, id -> {
                out.print(loaded.vocab().text(id));
                out.flush();
            });
            out.println();
        }
        return 0;
    }
}
