package org.rnn4j.generate;

import java.util.function.IntConsumer;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.WorkerTeam;
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
        continuations(model, vocab, java.util.List.of(prefix), length, java.util.List.of(sampler),
                (stream, token) -> out.accept(token));
    }

    /** Receives stream {@code stream}'s next token (a vocabulary index). */
    @FunctionalInterface
    public interface StreamSink {
        void accept(int stream, int token);
    }

    /**
     * Continues several prefixes at once, stream b from {@code prefixes.get(b)} drawing with {@code samplers.get(b)}:
     * each prefix but its last token is fed on its own, token by token at batch 1 (outputs ignored), then the streams
     * step together from their last prefix tokens, one row each of
     * a batch, so that each step is one matrix product for all of them. Each stream's tokens are those
     * it would give alone (tested), handed to {@code out} step by step, stream by stream.
     */
    public static void continuations(LanguageModel model, Vocab vocab, java.util.List<String> prefixes, int length,
                                     java.util.List<TokenSampler> samplers, StreamSink out) {
        int streams = prefixes.size();
        if (samplers.size() != streams) {
            throw new IllegalArgumentException(streams + " prefixes but " + samplers.size() + " samplers");
        }
        if (streams == 0 || length == 0) {
            return;
        }
        State batch = model.newState(streams);
        int[] tokens = new int[streams];
        LanguageModel.Workspace one = model.generationWorkspace(1);
        for (int b = 0; b < streams; b++) {
            State state = model.newState(1);
            tokens[b] = prime(model, one, vocab.encode(prefixes.get(b)), state);
            batch.copyRow(b, state, 0);
        }
        LanguageModel.Workspace ws = streams == 1 ? one : model.generationWorkspace(streams);
        WorkerTeam.Job draw = b -> tokens[b] = samplers.get(b).next(ws.outputs(), b * model.vocab);
        for (int t = 0; t < length; t++) {
            model.forward(ws, tokens, batch, null);
            TokenSampler.drawEach(model, streams, draw);
            for (int b = 0; b < streams; b++) {
                out.accept(b, tokens[b]);
            }
        }
    }

    /**
     * Feeds all of a prefix but its last token into {@code state} (one sequence), token by token through {@code one}
     * (a {@link LanguageModel#generationWorkspace} of batch 1), outputs ignored. Returns the last token, the first
     * input of the continuation's first step ({@link LanguageModel#NO_INPUT} for an empty prefix).
     */
    public static int prime(LanguageModel model, LanguageModel.Workspace one, int[] prefix, State state) {
        int[] token = new int[1];
        for (int t = 0; t + 1 < prefix.length; t++) {
            token[0] = prefix[t];
            model.forward(one, token, state, null);
        }
        return prefix.length > 0 ? prefix[prefix.length - 1] : LanguageModel.NO_INPUT;
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
