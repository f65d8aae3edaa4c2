package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Sampler;
import org.rnn4j.generate.Greedy;
import org.rnn4j.nn.VanillaRnn;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;

class TrainerTest {
    private static final Corpus TIME_MACHINE = Corpus.load(null, null, Preprocessing.LETTERS, 10_000);
    private static final Vocab VOCAB = Vocab.build(TIME_MACHINE.tokens(), 1);
    private static final int[] IDS = VOCAB.encode(TIME_MACHINE.tokens());

    private static List<EpochReport> train(Sampler.Kind kind, int epochs, long seed, VanillaRnn[] modelOut) {
        TrainConfig config = new TrainConfig(32, 35, epochs, 1.0, 1.0, kind, false, seed);
        Rng rng = new Rng(seed);
        VanillaRnn model = new VanillaRnn(VOCAB.size(), 128, rng.split(), Kernels.best());
        List<EpochReport> reports = new ArrayList<>();
        new Trainer(model, IDS, config, rng.split(), Kernels.best()).run(reports::add);
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
        VanillaRnn[] a = new VanillaRnn[1], b = new VanillaRnn[1], c = new VanillaRnn[1];
        double[] first = perplexities(train(Sampler.Kind.RANDOM, 3, 9, a));
        double[] second = perplexities(train(Sampler.Kind.RANDOM, 3, 9, b));
        assertArrayEquals(first, second);
        assertArrayEquals(a[0].params.data, b[0].params.data);
        assertEquals(Greedy.continuation(a[0], VOCAB, "time traveller", 30),
                Greedy.continuation(b[0], VOCAB, "time traveller", 30));
        double[] other = perplexities(train(Sampler.Kind.RANDOM, 3, 10, c));
        assertTrue(other[2] != first[2], "another seed, other numbers");
    }

    private static double[] perplexities(List<EpochReport> reports) {
        return reports.stream().mapToDouble(EpochReport::perplexity).toArray();
    }
}
