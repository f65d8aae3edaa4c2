package org.rnn4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Vocab;

/** Generation against the model stepped by hand: the prefix fed token by token, then the argmax of each step fed back. */
class GeneratorTest {
    private final Vocab vocab = Vocab.of("abcdef".codePoints().toArray());
    private final LanguageModel model = new ModelConfig(CellType.LSTM, 16, 1, 0, Init.UNIFORM)
            .build(vocab.size(), new Rng(2), Kernels.reference());

    /** The greedy continuation of {@code first} tokens fed from a zero state, computed step by step here. */
    private List<Integer> byHand(int[] first, int length) {
        LanguageModel.Workspace ws = model.generationWorkspace(1);
        State state = model.newState(1);
        for (int token : first) {
            model.forward(ws, new int[] {token}, state, null);
        }
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < length; n++) {
            float[] o = ws.outputs();
            int best = 1; // never <unk>
            for (int i = 2; i < o.length; i++) {
                best = o[i] > o[best] ? i : best;
            }
            out.add(best);
            if (n + 1 < length) {
                model.forward(ws, new int[] {best}, state, null);
            }
        }
        return out;
    }

    private List<Integer> generated(String prefix, int length) {
        List<Integer> out = new ArrayList<>();
        Generator.continuation(model, vocab, prefix, length, new TokenSampler(Decoding.GREEDY, null, vocab.size()), out::add);
        return out;
    }

    @Test
    void aPrefixIsFedThenEachChosenTokenIsFedBack() {
        assertEquals(byHand(vocab.encode("cab"), 12), generated("cab", 12));
        assertEquals(byHand(vocab.encode("f"), 5), generated("f", 5));
        assertEquals(List.of(), generated("cab", 0));
        StringBuilder text = new StringBuilder("cab");
        byHand(vocab.encode("cab"), 7).forEach(id -> text.append(vocab.text(id)));
        assertEquals(text.toString(), Greedy.continuation(model, vocab, "cab", 7));
    }

    /** An empty prefix is one step of no input from a zero state. */
    @Test
    void anEmptyPrefixStartsFromNoInput() {
        assertEquals(byHand(new int[] {LanguageModel.NO_INPUT}, 9), generated("", 9));
    }
}
