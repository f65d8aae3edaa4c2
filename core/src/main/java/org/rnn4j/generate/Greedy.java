package org.rnn4j.generate;

import org.rnn4j.nn.LanguageModel;
import org.rnn4j.text.Vocab;

/** Greedy continuation, the seeds' {@code predict_rnn}: the most likely token each time. */
public final class Greedy {
    private Greedy() {
    }

    /** The prefix followed by {@code length} tokens, each the most likely one. */
    public static String continuation(LanguageModel model, Vocab vocab, String prefix, int length) {
        return Generator.text(model, vocab, prefix, length, new TokenSampler(Decoding.GREEDY, null, model.vocab));
    }
}
