package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

class EvaluationTest {
    /**
     * Perplexity as its definition reads: one token at a time from a zero state, exp of the mean of −log p(next) over
     * the n − 1 predictions, the softmax written out here in double. 47 tokens in windows of 10 leave a tail of 6.
     */
    @Test
    void perplexityIsTheExpOfTheMeanNegativeLogLikelihood() {
        int V = 7;
        LanguageModel model = new ModelConfig(CellType.GRU, 12, 2, 0, Init.UNIFORM).build(V, new Rng(4), Kernels.reference());
        Rng rng = new Rng(9);
        int[] text = new int[47];
        for (int i = 0; i < text.length; i++) {
            text[i] = rng.nextInt(V);
        }
        LanguageModel.Workspace ws = model.generationWorkspace(1);
        State state = model.newState(1);
        double nll = 0;
        for (int t = 0; t + 1 < text.length; t++) {
            model.forward(ws, new int[] {text[t]}, state, null);
            float[] o = ws.outputs();
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (float v : o) {
                max = Math.max(max, v);
            }
            for (float v : o) {
                z += Math.exp(v - max);
            }
            nll -= o[text[t + 1]] - max - Math.log(z);
        }
        double expected = Math.exp(nll / (text.length - 1));
        for (int steps : new int[] {10, 46, 100}) {
            assertEquals(expected, Evaluation.perplexity(model, TokenIds.of(text), steps), 1e-5 * expected, "steps " + steps);
        }
        assertThrows(IllegalArgumentException.class, () -> Evaluation.perplexity(model, TokenIds.of(new int[] {1}), 10));
        double two = Evaluation.perplexity(model, TokenIds.of(new int[] {text[0], text[1]}), 10); // one prediction
        assertTrue(two > 1 && Double.isFinite(two), "two tokens are one prediction: " + two);
    }

    /**
     * The unigram baseline by hand: training counts a 3, b 1 over V 3 (with <unk>), add-one smoothed: p(a) 4/7,
     * p(b) 2/7, p(<unk>) 1/7; held out "b a a <unk>" predicts a, a, <unk> (its first token is not predicted).
     */
    @Test
    void theUnigramBaselineIsSmoothedFrequencies() {
        TokenIds train = TokenIds.of(new int[] {1, 1, 2, 1});
        TokenIds heldOut = TokenIds.of(new int[] {2, 1, 1, 0});
        double expected = Math.exp(-(2 * Math.log(4.0 / 7) + Math.log(1.0 / 7)) / 3);
        assertEquals(expected, Evaluation.unigramPerplexity(train, heldOut, 3), 1e-12);
        assertEquals(3.0, Evaluation.unigramPerplexity(TokenIds.of(new int[0]), heldOut, 3), 1e-12,
                "no training tokens: the uniform distribution");
    }

    /**
     * The whole Time Machine (170,580 letters) read as 16 streams in step gives the perplexity one stream from the
     * start gives, for a model trained a little (a GRU and a 2-layer LSTM): to 3e-11 at every width, so to 1e-9 here,
     * which the last stream's tail read with any other state than its own misses (4e-7 and 9e-9).
     */
    @Test
    void manyStreamsGiveTheOneStreamPerplexity() {
        org.rnn4j.text.TestCorpus book = org.rnn4j.text.TestCorpus.load(null, null, org.rnn4j.text.Preprocessing.LETTERS, 0);
        org.rnn4j.text.Vocab vocab = org.rnn4j.text.Vocab.build(book.tokens(), 1);
        TokenIds ids = TokenIds.of(vocab.encode(book.tokens()));
        for (ModelConfig shape : new ModelConfig[] {new ModelConfig(CellType.GRU, 48, 1, 0, Init.UNIFORM),
                new ModelConfig(CellType.LSTM, 32, 2, 0, Init.UNIFORM)}) {
            Kernels k = Kernels.best();
            LanguageModel model = shape.build(vocab.size(), new Rng(5), k);
            TrainConfig config = new TrainConfig(32, 35, 1, org.rnn4j.optim.Optimizer.Kind.ADAM, 0.01, 1,
                    org.rnn4j.data.Sampler.Kind.RANDOM, false, 0);
            new Trainer(model, ids.slice(0, 30_000), config, new Rng(1), new Rng(2), k).run(r -> { });
            double one = Evaluation.perplexity(model, ids, 35, 1);
            double many = Evaluation.perplexity(model, ids, 35);
            assertEquals(one, many, 1e-9 * one, shape.toString());
            assertTrue(one < 20, "trained a little: " + one);
        }
    }
}
