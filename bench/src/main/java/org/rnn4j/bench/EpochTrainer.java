package org.rnn4j.bench;

import java.util.function.DoubleSupplier;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/**
 * One build's training, as {@code rnn4j bench} sets it up (10,000 random tokens, B 32, T 35, SGD): each call trains
 * one epoch and returns its tokens/s. {@link AlternatingBuilds} defines this class once per build, in that build's
 * class loader, so it must use only the public API and no nested class.
 */
public final class EpochTrainer implements DoubleSupplier {
    private final Trainer trainer;
    private double rate;
    private boolean done;

    /** A model of {@code cell} ("rnn", "gru", "lstm") with {@code hidden} units over {@code vocab} random tokens. */
    public EpochTrainer(String cell, int hidden, int vocab, int threads) {
        Rng tokens = new Rng(1);
        int[] random = new int[10_000];
        for (int i = 0; i < random.length; i++) {
            random[i] = tokens.nextInt(vocab);
        }
        Kernels kernels = Kernels.best(threads);
        Rng rng = new Rng(0);
        LanguageModel model = new ModelConfig(CellType.valueOf(cell.toUpperCase(java.util.Locale.ROOT)), hidden, 1, 0,
                Init.NORMAL).build(vocab, rng.split(), kernels);
        TrainConfig config = new TrainConfig(32, 35, Integer.MAX_VALUE, Optimizer.Kind.SGD, 1.0, 1.0,
                Sampler.Kind.CONSECUTIVE, false, 0);
        trainer = new Trainer(model, TokenIds.of(random), config, rng.split(), rng.split(), kernels);
    }

    @Override
    public double getAsDouble() {
        done = false;
        trainer.run(epoch -> {
            rate = epoch.tokens() / epoch.seconds();
            done = true;
        }, () -> done);
        return rate;
    }
}
