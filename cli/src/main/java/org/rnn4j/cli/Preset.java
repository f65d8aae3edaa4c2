package org.rnn4j.cli;

import java.util.List;
import org.rnn4j.data.Sampler;
import org.rnn4j.text.Preprocessing;

/** The seeds' setups (spec §5): every field can be overridden by a flag. */
enum Preset {
    TIMEMACHINE(null, Preprocessing.LETTERS, 10_000, 512, 1.0, 1.0, 500, 32, 35,
            Sampler.Kind.CONSECUTIVE, 10, 50, List.of("time traveller", "traveller")),
    JAYCHOU(null, Preprocessing.SPACES, 10_000, 256, 100.0, 0.01, 250, 32, 35,
            Sampler.Kind.CONSECUTIVE, 50, 50, List.of("分开", "不分开"));

    final String corpus;
    final Preprocessing preprocessing;
    final int maxTokens;
    final int hidden;
    final double lr;
    final double clip;
    final int epochs;
    final int batch;
    final int steps;
    final Sampler.Kind sampling;
    final int printEvery;
    final int predictLength;
    final List<String> prefixes;

    Preset(String corpus, Preprocessing preprocessing, int maxTokens, int hidden, double lr, double clip,
           int epochs, int batch, int steps, Sampler.Kind sampling, int printEvery, int predictLength,
           List<String> prefixes) {
        this.corpus = corpus;
        this.preprocessing = preprocessing;
        this.maxTokens = maxTokens;
        this.hidden = hidden;
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
