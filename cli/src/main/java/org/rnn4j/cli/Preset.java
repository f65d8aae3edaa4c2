package org.rnn4j.cli;

import java.util.List;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;

/** The seeds' setups (spec §5): every field can be overridden by a flag. */
enum Preset {
    TIMEMACHINE(null, Preprocessing.LETTERS, 10_000, ModelConfig.of(CellType.RNN, 512), Optimizer.Kind.SGD, 1.0,
            1.0, 500, 32, 35, Sampler.Kind.CONSECUTIVE, 10, 50, List.of("time traveller", "traveller")),
    JAYCHOU(Corpus.JAYCHOU, Preprocessing.SPACES, 10_000, ModelConfig.of(CellType.RNN, 256), Optimizer.Kind.SGD, 100.0,
            0.01, 250, 32, 35, Sampler.Kind.CONSECUTIVE, 50, 50, List.of("分开", "不分开")),
    /** The concise seeds (spec §7): a framework RNN layer with its own initialisation, and Adam. */
    JAYCHOU_CONCISE(Corpus.JAYCHOU, Preprocessing.SPACES, 10_000, new ModelConfig(CellType.RNN, 256, 1, 0, Init.UNIFORM),
            Optimizer.Kind.ADAM, 1e-3, 0.01, 250, 32, 35, Sampler.Kind.CONSECUTIVE, 50, 50, List.of("分开", "不分开"));

    final String corpus;
    final Preprocessing preprocessing;
    final int maxTokens;
    final ModelConfig model;
    final Optimizer.Kind optimizer;
    final double lr;
    final double clip;
    final int epochs;
    final int batch;
    final int steps;
    final Sampler.Kind sampling;
    final int printEvery;
    final int predictLength;
    final List<String> prefixes;

    /** The presets' values as flags, for {@code train --help}, wrapped to fit 80 columns. */
    static String[] describe() {
        List<String> lines = new java.util.ArrayList<>(List.of("", "Presets, as the flags they stand for (each flag given overrides its value):"));
        for (Preset p : values()) {
            List<String> flags = new java.util.ArrayList<>(List.of("--corpus " + p.corpus(),
                    "--preprocess " + TrainCommand.lower(p.preprocessing), "--max-tokens " + p.maxTokens,
                    "--cell " + TrainCommand.lower(p.model.cell()), "--hidden " + p.model.hidden(),
                    "--init " + TrainCommand.lower(p.model.init()), "--optimizer " + TrainCommand.lower(p.optimizer),
                    "--lr " + p.lr, "--clip " + p.clip, "--epochs " + p.epochs, "--batch " + p.batch, "--steps " + p.steps,
                    "--sampling " + TrainCommand.lower(p.sampling), "--print-every " + p.printEvery,
                    "--length " + p.predictLength));
            p.prefixes.forEach(x -> flags.add("--prefix '" + x + "'"));
            StringBuilder line = new StringBuilder(String.format("  %-17s", TrainCommand.lower(p)));
            for (String flag : flags) {
                if (line.length() + 1 + flag.length() > 79) {
                    lines.add(line.toString());
                    line = new StringBuilder(" ".repeat(19));
                } else if (line.charAt(line.length() - 1) != ' ') {
                    line.append(' ');
                }
                line.append(flag);
            }
            lines.add(line.toString());
        }
        return lines.toArray(String[]::new);
    }

    private String corpus() {
        return corpus != null ? corpus : Corpus.BUILT_IN;
    }

    Preset(String corpus, Preprocessing preprocessing, int maxTokens, ModelConfig model, Optimizer.Kind optimizer,
           double lr, double clip,
           int epochs, int batch, int steps, Sampler.Kind sampling, int printEvery, int predictLength,
           List<String> prefixes) {
        this.corpus = corpus;
        this.preprocessing = preprocessing;
        this.maxTokens = maxTokens;
        this.model = model;
        this.optimizer = optimizer;
        this.lr = lr;
        this.clip = clip;
        this.epochs = epochs;
        this.batch = batch;
        this.steps = steps;
        this.sampling = sampling;
        this.printEvery = printEvery;
        this.predictLength = predictLength;
        this.prefixes = prefixes;
    }
}
