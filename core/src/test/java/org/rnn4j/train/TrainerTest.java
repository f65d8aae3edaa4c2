package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Batch;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.generate.Greedy;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.State;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.TestCorpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;

class TrainerTest {
    private static final TestCorpus TIME_MACHINE = TestCorpus.load(null, null, Preprocessing.LETTERS, 10_000);
    private static final Vocab VOCAB = Vocab.build(TIME_MACHINE.tokens(), 1);
    private static final TokenIds IDS = TokenIds.of(VOCAB.encode(TIME_MACHINE.tokens()));

    private static List<Epoch> train(Sampler.Kind kind, int epochs, long seed, LanguageModel[] modelOut) {
        return train(ModelConfig.of(CellType.RNN, 128), Optimizer.Kind.SGD, 1.0, kind, epochs, seed, modelOut);
    }

    private static List<Epoch> train(ModelConfig shape, Optimizer.Kind optimizer, double lr, Sampler.Kind kind,
                                           int epochs, long seed, LanguageModel[] modelOut) {
        TrainConfig config = new TrainConfig(32, 35, epochs, optimizer, lr, 1.0, kind, false, seed);
        Rng rng = new Rng(seed);
        LanguageModel model = shape.build(VOCAB.size(), rng.split(), Kernels.best());
        List<Epoch> reports = new ArrayList<>();
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
        List<Epoch> reports = train(Sampler.Kind.CONSECUTIVE, 30, 0, null);
        double first = reports.get(0).perplexity(), last = reports.get(29).perplexity();
        assertTrue(first > 15, "starts near the uniform baseline: " + first);
        assertTrue(last < 12, "after 30 epochs (H 128): " + last);
        assertEquals(8 * 32 * 35, reports.get(0).tokens(), 1e-6, "8 minibatches of 32 × 35 per epoch");
    }

    /**
     * A random sequence of 40 letters from an alphabet of 4, repeated: the current letter alone leaves the next one
     * open (a bigram model of it has perplexity above 2, computed here), while the last few letters fix the place in
     * the period, and with it every next letter. Only a model that learns to carry them in its state, through BPTT
     * and the state passed between consecutive minibatches, gets near perplexity 1.
     */
    @Test
    void onlyARecurrentModelLearnsAPeriodicSequence() {
        Rng letters = new Rng(21);
        int[] period = new int[40];
        for (int i = 0; i < period.length; i++) {
            period[i] = 1 + letters.nextInt(4); // id 0 is <unk>
        }
        int[] text = new int[12_000];
        for (int i = 0; i < text.length; i++) {
            text[i] = period[i % period.length];
        }
        double bigram = bigramPerplexity(text, 5);
        assertTrue(bigram > 2, "the current letter alone does not tell the next: bigram perplexity " + bigram);
        for (CellType cell : CellType.values()) {
            TrainConfig config = new TrainConfig(16, 20, 12, Optimizer.Kind.ADAM, 0.01, 1.0, Sampler.Kind.CONSECUTIVE,
                    false, 0);
            Rng rng = new Rng(1);
            LanguageModel model = new ModelConfig(cell, 32, 1, 0, Init.UNIFORM).build(5, rng.split(), Kernels.best());
            List<Epoch> reports = new ArrayList<>();
            new Trainer(model, TokenIds.of(text), config, rng.split(), rng.split(), Kernels.best()).run(reports::add);
            double last = reports.get(reports.size() - 1).perplexity();
            assertTrue(last < 1.03, cell + ": perplexity " + last + " after 12 epochs (bigram " + bigram + ")");
        }
    }

    /** The perplexity on a text of the best model that sees only the current token: its own bigram counts. */
    private static double bigramPerplexity(int[] text, int vocab) {
        int[][] counts = new int[vocab][vocab];
        int[] totals = new int[vocab];
        for (int i = 0; i + 1 < text.length; i++) {
            counts[text[i]][text[i + 1]]++;
            totals[text[i]]++;
        }
        double nll = 0;
        for (int i = 0; i + 1 < text.length; i++) {
            nll -= Math.log(counts[text[i]][text[i + 1]] / (double) totals[text[i]]);
        }
        return Math.exp(nll / (text.length - 1));
    }

    @Test
    void randomSamplingLearnsToo() {
        List<Epoch> reports = train(Sampler.Kind.RANDOM, 30, 0, null);
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

    /**
     * Each gated cell, and a two-layer stack with dropout, learns far more than letter pairs in 20 epochs of Adam: a
     * bigram model of the text has perplexity 9.87; these reached 3.58, 3.96 and 5.86 when the bounds were set.
     */
    @Test
    void gatedCellsAndStacksLearn() {
        ModelConfig[] shapes = {new ModelConfig(CellType.GRU, 128, 1, 0, Init.UNIFORM),
                new ModelConfig(CellType.LSTM, 128, 1, 0, Init.UNIFORM), new ModelConfig(CellType.LSTM, 64, 2, 0.2, Init.UNIFORM)};
        double[] bounds = {4.5, 5, 7};
        for (int i = 0; i < shapes.length; i++) {
            List<Epoch> reports = train(shapes[i], Optimizer.Kind.ADAM, 0.01, Sampler.Kind.CONSECUTIVE, 20, 0, null);
            double last = reports.get(19).perplexity();
            assertTrue(last < bounds[i], shapes[i] + " after 20 epochs: " + last);
        }
    }

    private static final ModelConfig[] SHAPES = {ModelConfig.of(CellType.RNN, 100),
            new ModelConfig(CellType.GRU, 100, 1, 0, Init.UNIFORM), new ModelConfig(CellType.LSTM, 60, 2, 0.2, Init.UNIFORM)};

    private static LanguageModel trainWith(ModelConfig shape, Kernels kernels, int epochs, Consumer<Epoch> onEpoch) {
        TrainConfig config = new TrainConfig(32, 35, epochs, Optimizer.Kind.ADAM, 0.01, 1.0, Sampler.Kind.RANDOM, true, 3);
        Rng rng = new Rng(config.seed());
        LanguageModel model = shape.build(VOCAB.size(), rng.split(), kernels);
        new Trainer(model, IDS, config, rng.split(), rng.split(), kernels).run(onEpoch);
        return model;
    }

    /** Every element of every product is computed by one thread in one order: 1 and 2 threads agree bit for bit. */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        for (ModelConfig shape : SHAPES) {
            List<Epoch> one = new ArrayList<>(), two = new ArrayList<>();
            float[] w1 = trainWith(shape, Kernels.best(1), 2, one::add).params.data;
            float[] w2 = trainWith(shape, Kernels.best(2), 2, two::add).params.data;
            assertArrayEquals(perplexities(one), perplexities(two), shape.toString());
            assertArrayEquals(w1, w2, shape.toString());
        }
    }

    /**
     * Nothing is allocated per time step: after a warm-up epoch, five more (8 minibatches of 35 steps each) allocate
     * less than 1 KB per epoch, where one 16-byte object per step would take 4.5 KB (the epoch's report takes 40 bytes).
     * <p>
     * With the reference kernels, so that the figure is rnn4j's own: with the Vector API, every vector operation
     * allocates until C2 has compiled it, and on JDK 17, in about a third of the runs measured, C2 left some of them
     * as calls for good (past its inlining budget), so a training loop allocated 7–16 MB per epoch at H 60–100; JDK 25
     * compiled them without, in every run measured.
     */
    @Test
    void theTrainingLoopAllocatesNothingPerTimeStep() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (ModelConfig shape : new ModelConfig[] {ModelConfig.of(CellType.RNN, 40),
                new ModelConfig(CellType.GRU, 24, 2, 0.2, Init.UNIFORM), new ModelConfig(CellType.LSTM, 24, 1, 0, Init.UNIFORM)}) {
            for (Sampler.Kind sampling : Sampler.Kind.values()) {
                long[] at = new long[7];
                TrainConfig config = new TrainConfig(32, 35, 6, Optimizer.Kind.ADAM, 0.01, 1.0, sampling, true, 3);
                Rng rng = new Rng(config.seed());
                LanguageModel model = shape.build(VOCAB.size(), rng.split(), Kernels.reference());
                long self = Thread.currentThread().getId();
                new Trainer(model, IDS, config, rng.split(), rng.split(), Kernels.reference())
                        .run(r -> at[r.epoch()] = threads.getThreadAllocatedBytes(self));
                long bytes = at[6] - at[1];
                assertTrue(bytes < 5 * 1024, shape + ", " + sampling + ": " + bytes + " bytes in 5 epochs");
            }
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

    private static double[] perplexities(List<Epoch> reports) {
        return reports.stream().mapToDouble(Epoch::perplexity).toArray();
    }

    /**
     * The state between minibatches: with random sampling each minibatch starts from zero, with consecutive sampling
     * it starts from where the previous one ended, and every epoch starts from zero. A learning rate of 1e-30 leaves
     * the weights as they are, so each epoch's perplexity is what the model gives on the sampler's minibatches from
     * those states, computed here again; the report's time and speed are the epoch's own.
     */
    @Test
    void theStateIsCarriedOnlyBetweenConsecutiveMinibatches() {
        for (Sampler.Kind kind : Sampler.Kind.values()) {
            TrainConfig config = new TrainConfig(8, 10, 2, Optimizer.Kind.SGD, 1e-30, 1.0, kind, true, 0);
            LanguageModel model = new ModelConfig(CellType.GRU, 16, 1, 0, Init.UNIFORM).build(VOCAB.size(), new Rng(1),
                    Kernels.reference());
            List<Epoch> reports = new ArrayList<>();
            long before = System.nanoTime();
            Trainer trainer = new Trainer(model, IDS, config, new Rng(5), new Rng(6), Kernels.reference());
            trainer.run(reports::add);
            double wall = (System.nanoTime() - before) / 1e9;
            assertEquals(2, trainer.epochsDone());
            Sampler sampler = kind.create(IDS, 8, 10, true);
            Rng order = new Rng(5);
            LanguageModel.Workspace ws = model.workspace(8, 10);
            Batch batch = new Batch(8, 10);
            double total = 0;
            for (Epoch report : reports) {
                sampler.startEpoch(order);
                State state = model.newState(8);
                double loss = 0;
                long tokens = 0;
                while (sampler.next(batch)) {
                    if (kind == Sampler.Kind.RANDOM) {
                        state = model.newState(8);
                    }
                    model.forward(ws, batch.x, state, null);
                    loss += model.loss(ws, batch.y);
                    tokens += 80;
                }
                assertEquals(tokens, report.tokens(), 1e-6 * tokens);
                assertEquals(Math.exp(loss / tokens), report.perplexity(), 1e-6, kind + ", epoch " + report.epoch());
                assertTrue(report.seconds() > 0 && report.seconds() < wall, "seconds " + report.seconds());
                assertEquals(report.tokens() / report.seconds(), report.tokensPerSecond(), 1e-9 * report.tokensPerSecond());
                total += report.seconds();
            }
            assertTrue(total <= wall);
        }
    }

    /**
     * A run resumed the way a checkpoint resumes it: the weights, Adam's moments and steps, and both generators'
     * states of a 2-epoch run, carried into a new trainer told it is after epoch 2, give the 4-epoch run's weights.
     */
    @Test
    void aResumedTrainerContinuesTheRunExactly() {
        ModelConfig shape = new ModelConfig(CellType.LSTM, 16, 2, 0.3, Init.UNIFORM);
        TrainConfig four = new TrainConfig(8, 10, 4, Optimizer.Kind.ADAM, 0.01, 1.0, Sampler.Kind.RANDOM, true, 0);
        LanguageModel whole = shape.build(VOCAB.size(), new Rng(1), Kernels.reference());
        new Trainer(whole, IDS, four, new Rng(5), new Rng(6), Kernels.reference()).run(r -> { });

        TrainConfig two = new TrainConfig(8, 10, 2, Optimizer.Kind.ADAM, 0.01, 1.0, Sampler.Kind.RANDOM, true, 0);
        LanguageModel half = shape.build(VOCAB.size(), new Rng(1), Kernels.reference());
        Trainer first = new Trainer(half, IDS, two, new Rng(5), new Rng(6), Kernels.reference());
        first.run(r -> { });
        Trainer second = new Trainer(half, IDS, four, new Rng(first.sampleRng().state()), new Rng(first.dropoutRng().state()),
                Kernels.reference());
        second.optimizer().restore(first.optimizer().state());
        second.resumeAfter(first.epochsDone());
        List<Epoch> rest = new ArrayList<>();
        second.run(rest::add);
        assertEquals(List.of(3, 4), rest.stream().map(Epoch::epoch).toList());
        assertArrayEquals(whole.params.data, half.params.data);
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
                + "clip 1.0); lower Training.learningRate (try 0.1) or Training.clip (try 0.1)"), e.getMessage());
        assertArrayEquals(before, model.params.data, "the weights are as they were");
        assertEquals(0, trainer.epochsDone());
    }

    /**
     * A token whose logit lies 110 below the others' (its exponential underflows in float): the loss stays finite and
     * exact, so training goes on in both kernel sets, where the reference kernels once read log(0) as a divergence.
     */
    @Test
    void aTokenFarBelowTheRestDoesNotStopTraining() {
        for (Kernels k : new Kernels[] {Kernels.reference(), Kernels.best(1)}) {
            LanguageModel model = ModelConfig.of(CellType.RNN, 32).build(VOCAB.size(), new Rng(1), k);
            model.params.data[model.bq.offset() + VOCAB.index('z')] -= 110;
            TrainConfig config = new TrainConfig(32, 35, 1, Optimizer.Kind.SGD, 1, 1, Sampler.Kind.RANDOM, false, 0);
            List<Epoch> reports = new ArrayList<>();
            new Trainer(model, IDS, config, new Rng(2), new Rng(3), k).run(reports::add);
            assertEquals(1, reports.size(), k.name());
            assertTrue(Double.isFinite(reports.get(0).perplexity()) && reports.get(0).perplexity() > 1, k.name() + ": "
                    + reports.get(0).perplexity());
        }
    }
}
