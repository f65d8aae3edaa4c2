package org.rnn4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Training;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;

/** Whole setups of {@code train}: the seeds' runs (spec §5, §7) and the defaults for one's own text. */
enum Preset {
    TIMEMACHINE(Corpus.BUILT_IN, Preprocessing.LETTERS, 10_000, ModelConfig.of(CellType.RNN, 512), Optimizer.Kind.SGD,
            1.0, 1.0, 500, 32, 35, Sampler.Kind.CONSECUTIVE, false, 0, 0, null, 10, 50,
            List.of("time traveller", "traveller")),
    JAYCHOU(Corpus.JAYCHOU, Preprocessing.SPACES, 10_000, ModelConfig.of(CellType.RNN, 256), Optimizer.Kind.SGD, 100.0,
            0.01, 250, 32, 35, Sampler.Kind.CONSECUTIVE, false, 0, 0, null, 50, 50, List.of("分开", "不分开")),
    /** The concise seeds (spec §7): a framework RNN layer with its own initialisation, and Adam. */
    JAYCHOU_CONCISE(Corpus.JAYCHOU, Preprocessing.SPACES, 10_000, new ModelConfig(CellType.RNN, 256, 1, 0, Init.UNIFORM),
            Optimizer.Kind.ADAM, 1e-3, 0.01, 250, 32, 35, Sampler.Kind.CONSECUTIVE, false, 0, 0, null, 50, 50,
            List.of("分开", "不分开")),
    /**
     * One's own text, kept as it is and all of it: what {@code --corpus} without {@code --preset} gets (README,
     * "Your own text", for the measurements behind each value), as the library's {@link Training#defaults()}. No
     * prefixes: each report continues the text's start.
     */
    TEXT(null, Preprocessing.RAW, 0, new ModelConfig(CellType.GRU, 256, 2, 0, Init.UNIFORM), Optimizer.Kind.ADAM,
            2e-3, 5.0, 0, 32, 50, Sampler.Kind.CONSECUTIVE, true, 0.05, 3, 0.8, 1, 200, List.of());

    /** The corpus, or null when one must be given. */
    final String corpus;
    final Preprocessing preprocessing;
    final int maxTokens;
    final ModelConfig model;
    final Optimizer.Kind optimizer;
    final double lr;
    final double clip;
    /** Passes over the corpus; 0: as many as {@link #epochsFor} gives for the text's size. */
    final int epochs;
    final int batch;
    final int steps;
    final Sampler.Kind sampling;
    final boolean randomOffset;
    final double valFraction;
    /** Epochs without a better validation perplexity before stopping; 0: never. */
    final int earlyStop;
    /** The temperature of the continuations sampled at each report, or null for greedy ones only. */
    final Double sampleTemperature;
    final int printEvery;
    final int predictLength;
    /** Prefixes to continue at each report; none: the text's first words. */
    final List<String> prefixes;

    Preset(String corpus, Preprocessing preprocessing, int maxTokens, ModelConfig model, Optimizer.Kind optimizer,
           double lr, double clip, int epochs, int batch, int steps, Sampler.Kind sampling, boolean randomOffset,
           double valFraction, int earlyStop, Double sampleTemperature, int printEvery, int predictLength,
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
        this.randomOffset = randomOffset;
        this.valFraction = valFraction;
        this.earlyStop = earlyStop;
        this.sampleTemperature = sampleTemperature;
        this.printEvery = printEvery;
        this.predictLength = predictLength;
        this.prefixes = prefixes;
    }

    /** The epochs of this preset for a text of {@code tokens} training tokens. */
    int epochsFor(long tokens) {
        return epochs > 0 ? epochs : Training.epochsFor(tokens);
    }

    /** The presets' values as flags, for {@code train --help}, wrapped to fit 80 columns. */
    static String[] describe() {
        List<String> lines = new ArrayList<>(List.of("", "Presets, as the flags they stand for (each flag given overrides "
                + "its value); with --corpus and no --preset, a run takes 'text':"));
        for (Preset p : values()) {
            List<String> flags = new ArrayList<>();
            if (p.corpus != null) {
                flags.add("--corpus " + p.corpus);
            }
            flags.addAll(List.of("--preprocess " + TrainCommand.lower(p.preprocessing), "--max-tokens " + p.maxTokens,
                    "--cell " + TrainCommand.lower(p.model.cell()), "--hidden " + p.model.hidden(),
                    "--layers " + p.model.layers(), "--dropout " + Settings.show(p.model.dropout()),
                    "--init " + TrainCommand.lower(p.model.init()), "--optimizer " + TrainCommand.lower(p.optimizer),
                    "--lr " + Settings.show(p.lr), "--clip " + Settings.show(p.clip), "--epochs " + (p.epochs > 0 ? p.epochs
                            : String.format("N (%,d tokens' worth, 1 to %d)", Training.TOKEN_BUDGET, Training.MOST_EPOCHS)),
                    "--batch " + p.batch, "--steps " + p.steps, "--sampling " + TrainCommand.lower(p.sampling),
                    p.randomOffset ? "--random-offset" : "--no-random-offset",
                    "--val-fraction " + Settings.show(p.valFraction)));
            if (p.earlyStop > 0) {
                flags.add("--early-stop " + p.earlyStop);
            }
            if (p.sampleTemperature != null) {
                flags.add("--sample-temperature " + Settings.show(p.sampleTemperature));
            }
            flags.addAll(List.of("--print-every " + p.printEvery, "--length " + p.predictLength));
            p.prefixes.forEach(x -> flags.add("--prefix " + Settings.show(x)));
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

    /**
     * The prefix a run on one's own text continues: its first words, up to 24 characters and the end of its first line
     * (or document), cut after a space where there is one.
     */
    static String opening(TokenIds ids, Vocab vocab) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length() && sb.codePointCount(0, sb.length()) < 24; i++) {
            int id = ids.get(i);
            boolean breaks = id == Vocab.UNK || vocab.token(id) == '\n' || vocab.token(id) == '\r'
                    || vocab.token(id) == Corpus.SEPARATOR;
            if (breaks && sb.length() > 0) {
                break;
            }
            if (!breaks) { // blank lines before the first words are skipped
                sb.appendCodePoint(vocab.token(id));
            }
        }
        if (sb.codePointCount(0, sb.length()) == 24 && sb.lastIndexOf(" ") > 0) {
            sb.setLength(sb.lastIndexOf(" ") + 1);
        }
        return sb.length() > 0 ? sb.toString() : "\n";
    }
}
