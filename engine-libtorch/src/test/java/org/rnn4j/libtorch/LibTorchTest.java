package org.rnn4j.libtorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.rnn4j.InputException;
import org.rnn4j.data.Batch;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.generate.Decoding;
import org.rnn4j.generate.TokenSampler;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.io.DataConfig;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.State;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Tokenization;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/**
 * The libtorch engine against rnn4j's own kernels: losses, perplexities, an epoch's weights, text. On the CPU, or on
 * {@code -Drnn4j.test.device=gpu} (scripts/gpu-check.sh) against rnn4j's kernels on the CPU.
 */
class LibTorchTest {
    static Encoded text;
    static String letters;
    static Engine torch;
    static final String DEVICE = System.getProperty("rnn4j.test.device", "cpu");
    static final Kernels KERNELS = Kernels.best(1);
    @TempDir
    static Path dir;

    @BeforeAll
    static void load() {
        StringBuilder sb = new StringBuilder();
        Corpus.read(Corpus.BUILT_IN, null, Preprocessing.LETTERS, 3_000, false, sb::appendCodePoint);
        letters = sb.toString();
        text = Encoded.build("tm", List.of(new StringReader(letters)), Preprocessing.LETTERS, 0, 0, null);
        torch = Engine.named("libtorch", DEVICE);
    }

    static List<Arguments> models() {
        return List.of(Arguments.of(new ModelConfig(CellType.RNN, 32, 1, 0, Init.UNIFORM)),
                Arguments.of(new ModelConfig(CellType.GRU, 32, 1, 0, Init.UNIFORM)),
                Arguments.of(new ModelConfig(CellType.LSTM, 32, 2, 0, Init.UNIFORM)));
    }

    static LanguageModel model(ModelConfig shape) {
        return shape.build(text.vocab().size(), new Rng(5), KERNELS);
    }

    static void assertClose(float[] expected, float[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i])));
        }
        assertTrue(worst <= rel, what + ": the largest difference is " + worst + ", over " + rel);
    }

    /** The perplexity of the whole text, one stream in windows of 35 with the state carried, on an engine. */
    static double perplexity(Engine engine, LanguageModel model, TokenIds ids) {
        int steps = 35, windows = (ids.length() - 1) / steps;
        Batch b = new Batch(1, steps);
        State state = model.newState(1);
        double loss = 0;
        try (Engine.Step step = engine.steps(model, 1, steps)) {
            for (int w = 0; w < windows; w++) {
                ids.copyTo(w * steps, b.x, 0, steps);
                ids.copyTo(w * steps + 1, b.y, 0, steps);
                loss += step.loss(b, state);
            }
        }
        return Math.exp(loss / (windows * steps));
    }

    @ParameterizedTest
    @MethodSource("models")
    void thePerplexityOfATextIsRnn4jsToOnePartIn100000(ModelConfig shape) {
        LanguageModel model = model(shape);
        // a little training first, so that the logits are not the near-uniform ones of a fresh model
        new Trainer(model, text.ids(), config(Optimizer.Kind.ADAM, 0.01, 2), new Rng(1), new Rng(2), KERNELS)
                .run(r -> { });
        double own = perplexity(Engine.OWN, model, text.ids()), lib = perplexity(torch, model, text.ids());
        assertEquals(own, lib, 1e-5 * own, shape.cell() + ": rnn4j " + own + ", libtorch " + lib);
        assertTrue(own < 20, "trained: " + own);
    }

    static TrainConfig config(Optimizer.Kind optimizer, double lr, int epochs) {
        return new TrainConfig(8, 20, epochs, optimizer, lr, 1, Sampler.Kind.CONSECUTIVE, false, 3);
    }

    /** One epoch from the same weights, on each engine: the weights after it agree to 1e-5. */
    @ParameterizedTest
    @MethodSource("models")
    void oneEpochOfSgdAndOfAdamGivesTheSameWeights(ModelConfig shape) {
        for (Object[] opt : new Object[][] {{Optimizer.Kind.SGD, 1.0}, {Optimizer.Kind.ADAM, 0.002}}) {
            LanguageModel own = model(shape), lib = model(shape);
            TrainConfig c = config((Optimizer.Kind) opt[0], (double) opt[1], 1);
            double[] perplexity = new double[2];
            new Trainer(own, text.ids(), c, new Rng(1), new Rng(2), KERNELS).run(r -> perplexity[0] = r.perplexity());
            new Trainer(lib, text.ids(), c, new Rng(1), new Rng(2), KERNELS).on(torch)
                    .run(r -> perplexity[1] = r.perplexity());
            assertClose(own.params.data, lib.params.data, 1e-5, shape.cell() + " " + opt[0]);
            assertEquals(perplexity[0], perplexity[1], 1e-5 * perplexity[0], "the epoch's training perplexity");
            assertTrue(perplexity[0] < 27, "it learned something: " + perplexity[0]);
        }
    }

    /** Greedy text of a model, stepping it one token at a time on an engine. */
    static String greedy(Engine engine, LanguageModel model, Vocab vocab, String prefix, int length) {
        StringBuilder sb = new StringBuilder(prefix);
        TokenSampler pick = new TokenSampler(Decoding.GREEDY, new Rng(0), vocab.size());
        State state = model.newState(1);
        Batch b = new Batch(1, 1);
        int[] ids = vocab.encode(prefix);
        try (Engine.Step step = engine.steps(model, 1, 1)) {
            float[] logits = null;
            for (int id : ids) {
                b.x[0] = id;
                logits = step.logits(b, state);
            }
            for (int i = 0; i < length; i++) {
                int next = pick.next(logits, 0);
                sb.append(vocab.shown(next));
                b.x[0] = next;
                logits = step.logits(b, state);
            }
        }
        return sb.toString();
    }

    /** A checkpoint trained on libtorch generates on rnn4j's kernels with the same greedy text, and the other way. */
    @Test
    void checkpointsCrossEnginesWithTheSameGreedyText() throws Exception {
        ModelConfig shape = new ModelConfig(CellType.LSTM, 32, 2, 0, Init.UNIFORM);
        for (Engine trainedOn : new Engine[] {torch, Engine.OWN}) {
            LanguageModel model = model(shape);
            TrainConfig c = config(Optimizer.Kind.ADAM, 0.01, 5);
            Trainer trainer = new Trainer(model, text.ids(), c, new Rng(1), new Rng(2), KERNELS).on(trainedOn);
            trainer.run(r -> { });
            Path file = dir.resolve(trainedOn.name() + ".safetensors");
            Checkpoint.save(file, new Checkpoint.Contents(model, shape, text.vocab(), new DataConfig(List.of("timemachine"),
                    List.of(), Preprocessing.LETTERS, 3_000, 0, 0, false), c, "test",
                    new Checkpoint.RunState(c.epochs(), 0, 0), trainer.optimizer().state(), List.of()));
            Checkpoint.Contents loaded = Checkpoint.load(file, KERNELS);
            Engine other = trainedOn == torch ? Engine.OWN : torch;
            String there = greedy(trainedOn, model, text.vocab(), "the time ", 60);
            String here = greedy(other, loaded.model(), loaded.vocab(), "the time ", 60);
            assertEquals(there, here, "trained on " + trainedOn.name());
            assertTrue(!there.substring(9).isBlank(), there);
        }
    }

    /** Dropout it does not run is refused before a step, naming the option, rather than trained without. */
    @Test
    void dropoutItDoesNotRunIsRefused() {
        for (ModelConfig shape : List.of(new ModelConfig(CellType.GRU, 8, 1, 0, Init.UNIFORM, 0.2, 0),
                new ModelConfig(CellType.GRU, 8, 1, 0, Init.UNIFORM, 0, 0.2))) {
            LanguageModel model = model(shape);
            try (Engine.Step step = torch.steps(model, 2, 5)) {
                InputException e = assertThrows(InputException.class,
                        () -> step.trainStep(new Batch(2, 5), model.newState(2), new Rng(1)));
                String option = shape.variationalDropout() > 0 ? "variationalDropout" : "weightDropout";
                assertTrue(e.getMessage().startsWith("Training." + option + " with Training.engine libtorch"),
                        e.getMessage());
            }
        }
    }

    /** Subword tokens are ids like any other: one epoch of Adam on a BPE text gives the same weights on each engine. */
    @Test
    void anEpochOnSubwordsGivesTheSameWeights() {
        Encoded bpe = Encoded.build("tm", List.of(new StringReader(letters)), Preprocessing.LETTERS, 0, 1, null,
                new Tokenization(Subwords.Kind.BPE, 120));
        ModelConfig shape = new ModelConfig(CellType.GRU, 16, 1, 0, Init.UNIFORM);
        LanguageModel own = shape.build(bpe.vocab().size(), new Rng(5), KERNELS);
        LanguageModel lib = shape.build(bpe.vocab().size(), new Rng(5), KERNELS);
        TrainConfig c = new TrainConfig(4, 10, 1, Optimizer.Kind.ADAM, 0.002, 1, Sampler.Kind.CONSECUTIVE, false, 3);
        new Trainer(own, bpe.ids(), c, new Rng(1), new Rng(2), KERNELS).run(r -> { });
        new Trainer(lib, bpe.ids(), c, new Rng(1), new Rng(2), KERNELS).on(torch).run(r -> { });
        assertClose(own.params.data, lib.params.data, 1e-5, "bpe");
    }

    /** An embedding is refused before anything runs: the graph libtorch is given reads one-hot tokens. */
    @Test
    void anEmbeddingIsRefused() {
        LanguageModel model = model(new ModelConfig(CellType.GRU, 8, 1, 0, Init.UNIFORM, 0, 0, 8, true));
        InputException e = assertThrows(InputException.class, () -> torch.steps(model, 2, 5));
        assertTrue(e.getMessage().startsWith("Training.embedding with Training.engine libtorch"), e.getMessage());
    }

    @Test
    void itSaysWhereItRuns() {
        assertTrue(torch.describe().matches("libtorch 2\\.\\d+\\.\\d+ on " + (DEVICE.equals("gpu") ? "gpu \\d+" : "cpu")),
                torch.describe());
    }
}
