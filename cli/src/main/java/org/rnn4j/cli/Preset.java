package org.rnn4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rnn4j.Training;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;

/**
 * Whole setups of {@code train}: a {@link Training} and what to print. The seeds' runs: {@code train_and_predict_rnn}
 * on the Time Machine (from scratch, SGD at rate 1, 500 epochs of 32 × 35) and on the Jay Chou lyrics (rate 100,
 * clip 0.01, 250 epochs), and the concise version (a framework RNN layer with its own initialisation, Adam at 1e-3);
 * and {@code text}, one's own text, which is {@link Training#defaults()} itself.
 */
enum Preset {
    TIMEMACHINE(() -> seeds(Corpus.BUILT_IN, Preprocessing.LETTERS, 512).learningRate(1).clip(1).epochs(500),
            new Printing(null, 10, 50, List.of("time traveller", "traveller"), false)),
    JAYCHOU(() -> seeds(Corpus.JAYCHOU, Preprocessing.SPACES, 256).learningRate(100).clip(0.01).epochs(250),
            new Printing(null, 50, 50, List.of("分开", "不分开"), false)),
    JAYCHOU_CONCISE(() -> seeds(Corpus.JAYCHOU, Preprocessing.SPACES, 256).init(Init.UNIFORM)
            .optimizer(Optimizer.Kind.ADAM).learningRate(1e-3).clip(0.01).epochs(250),
            new Printing(null, 50, 50, List.of("分开", "不分开"), false)),
    /** No prefixes: each report continues the text's first words, and samples one continuation at 0.8 too. */
    TEXT(Training::defaults, new Printing(0.8, 1, 200, List.of(), true));

    /**
     * What a run prints at its reports.
     *
     * @param sampleTemperature the temperature of a sampled continuation of each prefix, or null for greedy ones only
     * @param printEvery        epochs between two reports
     * @param predictLength     tokens generated after each prefix
     * @param prefixes          the prefixes to continue; none: the text's first words
     * @param sayRepeats        true: a greedy continuation that ends in one character over and over says so rather
     *                          than print them; the seeds' presets print their continuations as the seeds do
     */
    record Printing(Double sampleTemperature, int printEvery, int predictLength, List<String> prefixes,
                    boolean sayRepeats) {
    }

    private final Supplier<Training> training;
    final Printing printing;

    Preset(Supplier<Training> training, Printing printing) {
        this.training = training;
        this.printing = printing;
    }

    /** The seeds' setup: a one-layer vanilla RNN, N(0, 0.01²) weights, SGD, 32 × 35 consecutive minibatches. */
    private static Training seeds(String corpus, Preprocessing preprocessing, int hidden) {
        return Training.defaults().corpus(corpus).preprocessing(preprocessing).maxTokens(10_000).cell(CellType.RNN)
                .hidden(hidden).layers(1).init(Init.NORMAL).optimizer(Optimizer.Kind.SGD).batch(32).steps(35)
                .sampling(Sampler.Kind.CONSECUTIVE).randomOffset(false).validationFraction(0).earlyStop(0)
                .variationalDropout(0).weightDropout(0).memory(0);
    }

    /** A fresh copy of the preset's settings, named after it, each a default that flags override. */
    Training training() {
        return training.get().named(TrainCommand.lower(this));
    }

    /** The preset a checkpoint names, or {@link #TEXT} for a name no preset has (a library's own). */
    static Preset named(String name) {
        for (Preset p : values()) {
            if (TrainCommand.lower(p).equals(name)) {
                return p;
            }
        }
        return TEXT;
    }

    /** A flag and its value, or the flag and "by-size" when the text's size decides it. */
    private static String sized(Training t, String option, String flag) {
        return t.sized().contains(option) ? flag.substring(0, flag.indexOf(' ')) + " by-size" : flag;
    }

    /** The presets' values as flags, for {@code train --help}, wrapped to fit 80 columns. */
    static String[] describe() {
        List<String> lines = new ArrayList<>(List.of("", "Presets, as the flags they stand for (each flag given overrides "
                + "its value); with --corpus and no --preset, a run takes 'text', whose values by-size follow the "
                + "text's size (README, \"Your own text\"):"));
        for (Preset p : values()) {
            Training t = p.training();
            List<String> flags = new ArrayList<>();
            t.corpus().forEach(c -> flags.add("--corpus " + c));
            flags.addAll(List.of("--preprocess " + TrainCommand.lower(t.preprocessing()), "--max-tokens " + t.maxTokens(),
                    "--cell " + TrainCommand.lower(t.cell()), sized(t, "hidden", "--hidden " + t.hidden()),
                    "--layers " + t.layers(), "--dropout " + Settings.show(t.dropout()),
                    "--init " + TrainCommand.lower(t.init()), "--optimizer " + TrainCommand.lower(t.optimizer()),
                    "--lr " + Settings.show(t.learningRate()), "--clip " + Settings.show(t.clip()),
                    "--weight-decay " + Settings.show(t.weightDecay()),
                    sized(t, "epochs", "--epochs " + t.epochs()), sized(t, "batch", "--batch " + t.batch()),
                    "--steps " + t.steps(), "--sampling " + TrainCommand.lower(t.sampling()),
                    t.randomOffset() ? "--random-offset" : "--no-random-offset",
                    sized(t, "validationFraction", "--val-fraction " + Settings.show(t.validationFraction()))));
            if (t.earlyStop() > 0 || t.sized().contains("earlyStop")) {
                flags.add(sized(t, "earlyStop", "--early-stop " + t.earlyStop()));
            }
            if (t.memory() > 0 || t.sized().contains("memory")) {
                flags.add(sized(t, "memory", "--memory " + t.memory()));
            }
            if (t.variationalDropout() > 0 || t.sized().contains("variationalDropout")) {
                flags.add(sized(t, "variationalDropout", "--variational-dropout "
                        + Settings.show(t.variationalDropout())));
            }
            if (t.weightDropout() > 0 || t.sized().contains("weightDropout")) {
                flags.add(sized(t, "weightDropout", "--weight-dropout " + Settings.show(t.weightDropout())));
            }
            Printing print = p.printing;
            if (print.sampleTemperature() != null) {
                flags.add("--sample-temperature " + Settings.show(print.sampleTemperature()));
            }
            flags.addAll(List.of("--print-every " + print.printEvery(), "--length " + print.predictLength()));
            print.prefixes().forEach(x -> flags.add("--prefix " + Settings.show(x)));
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
}
