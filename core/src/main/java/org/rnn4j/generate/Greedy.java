package org.rnn4j.generate;

import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.text.Vocab;

/**
 * Greedy continuation, {@code predict} of spec §6: the prefix is fed one token at a time from a
 * zero state (its outputs ignored), then the argmax of each output is appended and fed back.
 */
public final class Greedy {
    private Greedy() {
    }

    /** The prefix followed by {@code length} generated tokens. The prefix must not be empty. */
    public static String continuation(LanguageModel model, Vocab vocab, String prefix, int length) {
        int[] given = vocab.encode(prefix);
        if (given.length == 0) {
            throw new IllegalArgumentException("the prefix is empty");
        }
        int[] out = new int[given.length + length];
        System.arraycopy(given, 0, out, 0, given.length);
        LanguageModel.Workspace ws = model.generationWorkspace(1);
        State state = model.newState(1);
        int[] token = new int[1];
        for (int t = 0; t < out.length - 1; t++) {
            token[0] = out[t];
            model.forward(ws, token, state, null);
            if (t + 1 >= given.length) {
                out[t + 1] = argmax(ws.outputs());
            }
        }
        return vocab.decode(out);
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
