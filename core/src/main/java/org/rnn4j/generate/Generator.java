package org.rnn4j.generate;

import java.util.function.IntConsumer;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Vocab;

/**
 * Continues a prefix, spec §6: the prefix is fed one token at a time from a zero state (its outputs
 * ignored), then each chosen token is handed out and fed back.
 */
public final class Generator {
    private Generator() {
    }

    /**
     * Feeds {@code prefix} (characters outside the vocabulary read as {@code <unk>}; an empty prefix
     * is one step of no input, so the first token comes from the model's distribution for the start
     * of a text: zero state, zero input), then hands
     * {@code length} chosen tokens to {@code out} (vocabulary indices), one at a time as they are chosen.
     */
    public static void continuation(LanguageModel model, Vocab vocab, String prefix, int length, TokenSampler sampler,
                                    IntConsumer out) {
        int[] given = vocab.encode(prefix);
        int fed = Math.max(1, given.length); // an empty prefix is one step of no input
        LanguageModel.Workspace ws = model.generationWorkspace(1);
        State state = model.newState(1);
        int[] token = {given.length > 0 ? given[0] : LanguageModel.NO_INPUT};
        for (int t = 1; t < fed + length; t++) {
            model.forward(ws, token, state, null);
            if (t < fed) {
                token[0] = given[t];
            } else {
                token[0] = sampler.next(ws.outputs(), 0);
                out.accept(token[0]);
            }
        }
    }

    /**
     * {@link #continuation} collected as a reader sees it: the prefix followed by the {@code length} chosen tokens,
     * a document separator shown as ␜ ({@link Vocab#shown}).
     */
    public static String text(LanguageModel model, Vocab vocab, String prefix, int length, TokenSampler sampler) {
        StringBuilder sb = new StringBuilder(Corpus.shown(prefix));
        continuation(model, vocab, prefix, length, sampler, id -> sb.append(vocab.shown(id)));
        return sb.toString();
    }
}
