package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
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

class TrainerTest {
    private static final Corpus TIME_MACHINE = Corpus.load(null, null, Preprocessing.LETTERS, 10_000);
    private static final Vocab VOCAB = Vocab.build(TIME_MACHINE.tokens(), 1);
    private static final TokenIds IDS = TokenIds.of(VOCAB.encode(TIME_MACHINE.tokens()));

    private static List<EpochReport> train(Sampler.Kind kind, int epochs, long seed, LanguageModel[] modelOut) {
        return train(ModelConfig.of(CellType.RNN, 128), Optimizer.Kind.SGD, 1.0, kind, epochs, seed, modelOut);
    }

    private static List<EpochReport> train(ModelConfig shape, Optimizer.Kind optimizer, double lr, Sampler.Kind kind,
                                           int epochs, long seed, LanguageModel[] modelOut) {
        TrainConfig config = new TrainConfig(32, 35, epochs, optimizer, lr, 1.0, kind, false, seed);
        Rng rng = new Rng(seed);
        LanguageModel model = shape.build(VOCAB.size(), rng.split(), Kernels.best());
        List<EpochReport> reports = new ArrayList<>();
        new Trainer(model, IDS, config, rng.split(), rng.split(), Kernels.best()).run(reports::add);
        if (modelOut != null) {
            modelOut[0] = model;
        }
        return reports;
    }

    /**
     * The uniform baseline is V = 28 and a unigram model of English letters sits near 17; after 30
     * epochs the model must have learned more than letter frequencies.
     */
    @Test
    void perplexityFallsBelowABoundAfterAFewEpochs() {
        List<EpochReport> reports = train(Sampler.Kind.CONSECUTIVE, 30, 0, null);
        double first = reports.get(0).perplexity(), last = reports.get(29).perplexity();
        assertTrue(first > 15, "starts near the uniform baseline: " + first);
        assertTrue(last < 12, "after 30 epochs (H 128): " + last);
        assertEquals(8 * 32 * 35, reports.get(0).tokens(), "8 minibatches of 32 × 35 per epoch");
    }

    @Test
    void randomSamplingLearnsToo() {
        List<EpochReport> reports = train(Sampler.Kind.RANDOM, 30, 0, null);
        assertTrue(reports.get(29).perplexity() < 13, "after 30 epochs: " + reports.get(29).perplexity());
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        LanguageModel[] a = new LanguageModel[1], b = new LanguageModel[1], c = new LanguageModel[1];
        double[] first = perplexities(train(Sampler.Kind.RANDOM, 3, 9, a));
        double[] second = perplexities(train(Sampler.Kind.RANDOM, 3, 9, b));
        assertArrayEquals(first, second);
        assertArrayEquals(a[0].params.data, b[0].params.data);
        assertEquals(Greedy.continuation(a[0], VOCAB, "time traveller", 30),
                Greedy.continuation(b[0], VOCAB, "time traveller", 30));
        double[] other = perplexities(train(Sampler.Kind.RANDOM, 3, 10, c));
        assertTrue(other[2] != first[2], "another seed, other numbers");
    }

    /** Each gated cell, and a two-layer stack with dropout, learns more than letter frequencies in 20 epochs of Adam. */
    @Test
    void gatedCellsAndStacksLearn() {
        for (ModelConfig shape : new ModelConfig[] {new ModelConfig(CellType.GRU, 128, 1, 0, Init.UNIFORM),
                new ModelConfig(CellType.LSTM, 128, 1, 0, Init.UNIFORM), new ModelConfig(CellType.LSTM, 64, 2, 0.2, Init.UNIFORM)}) {
            List<EpochReport> reports = train(shape, Optimizer.Kind.ADAM, 0.01, Sampler.Kind.CONSECUTIVE, 20, 0, null);
            double last = reports.get(19).perplexity();
            assertTrue(last < 13, shape + " after 20 epochs: " + last);
        }
    }

    /** The same seed gives the same numbers with dropout too: its masks come from the run's seed. */
    @Test
    void dropoutIsReproducible() {
        ModelConfig shape = new ModelConfig(CellType.GRU, 32, 2, 0.3, Init.UNIFORM);
        double[] first = perplexities(train(shape, Optimizer.Kind.ADAM, 0.01, Sampler.Kind.RANDOM, 2, 4, null));
        double[] second = perplexities(train(shape, Optimizer.Kind.ADAM, 0.01, Sampler.Kind.RANDOM, 2, 4, null));
        assertArrayEquals(first, second);
    }

    private static double[] perplexities(List<EpochReport> reports) {
        return reports.stream().mapToDouble(EpochReport::perplexity).toArray();
    }

    /** A NaN in the weights: training stops in the first minibatch, before the optimiser spreads it. */
    @Test
    void divergenceStopsAtOnce() {
        TrainConfig config = new TrainConfig(32, 35, 5, Optimizer.Kind.SGD, 1.0, 1.0, Sampler.Kind.CONSECUTIVE, false, 0);
        Rng rng = new Rng(0);
        LanguageModel model = ModelConfig.of(CellType.RNN, 16).build(VOCAB.size(), rng.split(), Kernels.best());
        model.params.data[model.whq.offset() + 3] = Float.NaN;
        float[] before = model.params.data.clone();
        Trainer trainer = new Trainer(model, IDS, config, rng.split(), rng.split(), Kernels.best());
        DivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(DivergenceException.class,
                () -> trainer.run(r -> { }));
        assertEquals(1, e.epoch);
        assertEquals(1, e.batch);
        assertTrue(e.getMessage().startsWith("training diverged in epoch 1, minibatch 1 of 8: the loss is NaN (sgd lr 1.0, "
                + "clip 1.0); lower --lr (try 0.1) or --clip (try 0.1)"), e.getMessage());
        assertArrayEquals(before, model.params.data, "the weights are as they were");
        assertEquals(0, trainer.epochsDone());
    }
}
