package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.NgramReader;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

class EvaluationTest {
    /** Perplexity against its definition ({@link #oneTokenAtATime}): 47 tokens in windows of 10 leave a tail of 6. */
    @Test
    void perplexityIsTheExpOfTheMeanNegativeLogLikelihood() {
        int V = 7;
        LanguageModel model = new ModelConfig(CellType.GRU, 12, 2, 0, Init.UNIFORM).build(V, new Rng(4), Kernels.reference());
        Rng rng = new Rng(9);
        int[] text = new int[47];
        for (int i = 0; i < text.length; i++) {
            text[i] = rng.nextInt(V);
        }
        double expected = oneTokenAtATime(model, text);
        for (int steps : new int[] {10, 46, 100}) {
            assertEquals(expected, Evaluation.perplexity(model, TokenIds.of(text), steps), 1e-5 * expected, "steps " + steps);
        }
        assertThrows(IllegalArgumentException.class, () -> Evaluation.perplexity(model, TokenIds.of(new int[] {1}), 10));
        double two = Evaluation.perplexity(model, TokenIds.of(new int[] {text[0], text[1]}), 10); // one prediction
        assertTrue(two > 1 && Double.isFinite(two), "two tokens are one prediction: " + two);
    }

    /**
     * The network's own probabilities multiply to its perplexity (the kernels' path); a model with a memory is read as
     * its mixture, each token's probability {@code weight · network + (1 − weight) · n-gram}, the n-gram counting the
     * text too as it reads it.
     */
    @Test
    void aModelWithAMemoryIsReadAsItsMixture() {
        int V = 7;
        LanguageModel model = new ModelConfig(CellType.GRU, 12, 2, 0, Init.UNIFORM).build(V, new Rng(4), Kernels.reference());
        Rng rng = new Rng(10);
        int[] text = new int[300];
        for (int i = 0; i < text.length; i++) {
            text[i] = i % 5 == 0 ? rng.nextInt(V) : 1 + i % 4;
        }
        TokenIds ids = TokenIds.of(text);
        double[] network = Evaluation.networkProbabilities(model, ids, 50);
        assertEquals(text.length - 1, network.length);
        double own = 0;
        for (double p : network) {
            own -= Math.log(p);
        }
        double alone = Evaluation.perplexity(model, ids, 50);
        assertEquals(alone, Math.exp(own / network.length), 1e-5 * alone);
        Memory memory = new Memory(new KneserNey(java.util.Arrays.copyOf(text, 200), 3, V), 0.4);
        double mixed = 0;
        NgramReader reader = new NgramReader(memory.ngram()); // counting the text as it reads it
        reader.read(text[0]);
        for (int i = 0; i + 1 < text.length; i++) {
            mixed -= Math.log(0.4 * network[i] + 0.6 * reader.probability(text, i + 1, text[i + 1]));
            reader.read(text[i + 1]);
        }
        double expected = Math.exp(mixed / network.length);
        assertEquals(expected, Evaluation.perplexity(model.withMemory(memory), ids, 50), 1e-9 * expected);
        assertTrue(expected < alone, "the memory helps a text of repeats: " + expected + " against " + alone);
        assertEquals(null, model.memory(), "a view has it, the model not");
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
     * A model that never forgets: a one-unit RNN whose state latches the text's first token (a → +1, b → −1, with
     * W_hh 10 every other token keeps its sign) and which predicts a or b by that sign. The text is "a", then 150,000
     * tokens of c and d, long enough that reading it as 16 streams from burnt-in states (the evaluation before this
     * one) would start 15 of them from a state near 0 and score 5.24 where the one stream scores 10.52. The perplexity
     * equals the one stream's, stepped here one token at a time, to 1e-6 relative.
     */
    @Test
    void aModelThatRemembersIsScoredAsOneStream() {
        int V = 5; // <unk>, a, b, c, d
        LanguageModel model = new ModelConfig(CellType.RNN, 1, 1, 0, Init.NORMAL).build(V, new Rng(1), Kernels.best());
        java.util.Map<String, org.rnn4j.nn.Parameters.View> views = new java.util.HashMap<>();
        model.params.views().forEach(v -> views.put(v.name(), v));
        float[] w = model.params.data;
        java.util.Arrays.fill(w, 0);
        w[views.get("W_xh").offset() + 1] = 5;   // a pushes the state to +1
        w[views.get("W_xh").offset() + 2] = -5;  // b to −1
        w[views.get("W_hh").offset()] = 10;      // and every token after keeps it
        int whq = views.get("W_hq").offset();
        w[whq + 1] = 2;                          // +1 favours a, −1 favours b
        w[whq + 2] = -2;
        Rng rng = new Rng(3);
        int[] text = new int[150_001];
        text[0] = 1;
        for (int i = 1; i < text.length; i++) {
            text[i] = 3 + rng.nextInt(2);
        }
        double expected = oneTokenAtATime(model, text);
        assertEquals(expected, Evaluation.perplexity(model, TokenIds.of(text), 35), 1e-6 * expected);
        int[] opening = java.util.Arrays.copyOf(text, 200);
        double expectedOpening = oneTokenAtATime(model, opening);
        assertEquals(expectedOpening, Evaluation.perplexity(model, TokenIds.of(opening), 35), 1e-6 * expectedOpening,
                "a text shorter than a window");
    }

    /**
     * Perplexity as its definition reads: one token at a time from a zero state, exp of the mean of −log p(next) over
     * the n − 1 predictions, the softmax written out here in double.
     */
    private static double oneTokenAtATime(LanguageModel model, int[] text) {
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
        return Math.exp(nll / (text.length - 1));
    }
}
