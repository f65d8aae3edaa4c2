package org.rnn4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.io.Checkpoint.Metrics;
import org.rnn4j.io.DataConfig;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/** A run's state between epochs: what a checkpoint saves, and the best validation so far. */
final class TrainRun {
    final LanguageModel model;
    final ModelConfig shape;
    final Vocab vocab;
    final DataConfig data;
    final TrainConfig config;
    final Trainer trainer;
    final Preset preset;
    final List<Metrics> history;
    double best = Double.POSITIVE_INFINITY;
    int epochsSinceBest;
    /** The epoch of the last checkpoint this run wrote, 0 before the first. */
    int lastSaved;

    TrainRun(LanguageModel model, ModelConfig shape, Vocab vocab, DataConfig data, TrainConfig config, Trainer trainer,
             Preset preset, List<Metrics> history) {
        this.model = model;
        this.shape = shape;
        this.vocab = vocab;
        this.data = data;
        this.config = config;
        this.trainer = trainer;
        this.preset = preset;
        this.history = history;
        for (Metrics m : history) { // a resumed run continues its count
            track(m.valPerplexity());
        }
    }

    /** Records a validation perplexity; true when it is the best so far. */
    boolean track(double val) {
        if (Double.isNaN(val)) {
            return false;
        }
        if (val < best) {
            best = val;
            epochsSinceBest = 0;
            return true;
        }
        epochsSinceBest++;
        return false;
    }

    void save(Path file) {
        Optimizer opt = trainer.optimizer();
        long steps = opt instanceof Adam adam ? adam.steps() : 0;
        Checkpoint.save(file, model, shape, vocab, data, config, TrainCommand.lower(preset),
                new Checkpoint.RunState(trainer.epochsDone(), trainer.sampleRng().state(),
                        trainer.dropoutRng().state(), steps), opt, history);
    }
}
