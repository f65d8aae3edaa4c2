package org.rnn4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.Prompt;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.text.Corpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rnn4j generate}: continues a prefix with a saved model, printing each token as it is chosen. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a prefix with a trained model, streaming the text as it is sampled.",
                "The prefix is read with the model's preprocessing; the same --seed gives the same text;",
                "--temperature 0 is the seeds' greedy prediction."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", required = true,
            description = "A checkpoint written by 'rnn4j train --out', or a built-in model: 'english'.")
    String model;

    @Option(names = {"-p", "--prefix"}, paramLabel = "TEXT",
            description = "The text to continue (default: none; the first token then comes from the start of a text).")
    String prefix = "";

    @Option(names = {"-i", "--interactive"},
            description = "Read one prefix per line from standard input and continue each; ends at the end of input.")
    boolean interactive;

    @Option(names = {"-n", "--length"}, paramLabel = "N", description = "Tokens to generate (default: 200).")
    int length = 200;

    @Option(names = {"-t", "--temperature"}, paramLabel = "T", split = ",",
            description = "Divide the logits by T before sampling; 0: always the most likely token (default: 1). "
                    + "Several (-t 0.5,1 or -t 0.5 -t 1): the samples of each, in turn.")
    List<Double> temperatures = new ArrayList<>(List.of(1.0));

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most likely tokens (default: 0, all).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P",
            description = "Sample among the most likely tokens that cover probability P, in (0, 1] (default: 1).")
    double topP = 1;

    @Option(names = {"-s", "--seed"}, paramLabel = "N",
            description = "Seed of the sampling (default: a fresh one, printed so that the text can be had again).")
    Long seed;

    @Option(names = "--samples", paramLabel = "N", description = "Independent continuations, sampled together as one batch (default: 1).")
    int samples = 1;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the text to FILE (whole, when it is done) instead of standard output.")
    String output;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the matrix products (default: 1).")
    int threads = 1;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Flags.positive("--samples", samples);
        Flags.positive("--threads", threads);
        long runSeed = seed != null ? seed : new SecureRandom().nextLong();
        List<Sampling> samplings = new ArrayList<>();
        for (double t : temperatures) {
            samplings.add(Sampling.temperature(t).topK(topK).topP(topP).seed(runSeed).length(length));
        }
        Path outputPath = output != null ? OutputFiles.checkFolder(Path.of(output), "--output") : null;
        TextModel loaded = TextModel.open(model, Main.notes(err)).onThreads(threads);
        if (seed == null && samplings.stream().anyMatch(s -> s.temperature() > 0)) {
            err.printf(Locale.ROOT, "rnn4j: seed %d (--seed %d gives this text again)%n", runSeed, runSeed);
        }
        StringWriter buffer = outputPath != null ? new StringWriter() : null;
        PrintWriter out = buffer != null ? new PrintWriter(buffer) : spec.commandLine().getOut();
        if (interactive) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            boolean prompt = Terminal.standardInputIsTerminal();
            while (true) {
                if (prompt) {
                    err.print("> ");
                    err.flush();
                }
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                continueText(line, samplings, loaded, out, err);
            }
        } else {
            continueText(prefix, samplings, loaded, out, err);
        }
        out.flush();
        if (outputPath != null) {
            OutputFiles.writeAtomically(outputPath, buffer.toString().getBytes(StandardCharsets.UTF_8), "--output");
        }
        return 0;
    }

    /** Every sample of every temperature for one prefix, read with the model's preprocessing. */
    private void continueText(String raw, List<Sampling> samplings, TextModel model, PrintWriter out, PrintWriter err) {
        Prompt prompt = model.prompt(raw);
        prompt.notes().forEach(n -> err.println("rnn4j: note: " + n));
        prompt.warnings().forEach(w -> err.println("rnn4j: warning: " + w));
        for (Sampling sampling : samplings) {
            if (samplings.size() > 1) {
                out.printf(Locale.ROOT, "[temperature %s]%n", sampling.temperature());
            }
            if (samples == 1) { // one stream: its text as it is sampled
                out.print(Corpus.shown(prompt.text()));
                out.flush();
                model.generate(raw, sampling, token -> {
                    out.print(token);
                    out.flush();
                });
                out.println();
                continue;
            }
            // several: the samples step together as one batch, each printed whole when all are done
            out.println(String.join("\n\n", model.generate(raw, sampling, samples)));
        }
    }
}
