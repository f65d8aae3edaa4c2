package org.rnn4j.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.NgramReader;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Vocab;

/**
 * Continues a prefix, the seeds' {@code predict_rnn}: the prefix is fed one token at a time from a zero state (its
 * outputs ignored), then each chosen token is handed out and fed back. Several continuations step together as one
 * batch ({@link Stepper}).
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
        continuations(model, vocab, List.of(prefix), length, List.of(sampler), (stream, token) -> out.accept(token));
    }

    /** Receives stream {@code stream}'s next token (a vocabulary index). */
    @FunctionalInterface
    public interface StreamSink {
        void accept(int stream, int token);
    }

    /**
     * The samplers of {@code count} streams of one seed: stream i draws with the i-th split of {@code new Rng(seed)},
     * so that the first of several samples is the one a single continuation of that seed gives, and each the same
     * whatever others it is generated with.
     */
    public static List<TokenSampler> samplers(Decoding decoding, long seed, int count, int vocab) {
        Rng rng = new Rng(seed);
        List<TokenSampler> samplers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samplers.add(new TokenSampler(decoding, rng.split(), vocab));
        }
        return samplers;
    }

    /**
     * Streams ready to step: stream b has {@code prefixes.get(b)} fed but its last token (a prefix the same as the one
     * before it is fed once and its state copied) and draws {@code length} tokens with {@code samplers.get(b)}.
     *
     * @param one a {@link LanguageModel#generationWorkspace} of batch 1 for the prefixes
     */
    public static List<Stream> streams(LanguageModel model, LanguageModel.Workspace one, Vocab vocab,
                                       List<String> prefixes, List<TokenSampler> samplers, int length) {
        return streams(model, one, vocab, prefixes, samplers, length, null);
    }

    /**
     * {@link #streams(LanguageModel, LanguageModel.Workspace, Vocab, List, List, int)}, each prefix read from the
     * state of its longest prefix in {@code cache} (null: none) and its own state kept there: the same streams,
     * the same text, less reading.
     */
    public static List<Stream> streams(LanguageModel model, LanguageModel.Workspace one, Vocab vocab,
                                       List<String> prefixes, List<TokenSampler> samplers, int length,
                                       StateCache cache) {
        if (samplers.size() != prefixes.size()) {
            throw new IllegalArgumentException(prefixes.size() + " prefixes but " + samplers.size() + " samplers");
        }
        List<Stream> streams = new ArrayList<>(prefixes.size());
        for (int b = 0; b < prefixes.size(); b++) {
            Stream previous = b > 0 && prefixes.get(b).equals(prefixes.get(b - 1)) ? streams.get(b - 1) : null;
            String[] read = Reading.split(vocab, prefixes.get(b));
            State state;
            int first;
            int[] ids;
            NgramReader reader;
            if (previous != null) {
                state = previous.state.copy();
                first = previous.token;
                ids = previous.history();
                reader = previous.reader();
            } else {
                ids = vocab.encode(read[0]);
                StateCache.Hit hit = cache != null && ids.length > 1 ? cache.longest(ids, ids.length - 1) : null;
                state = hit != null ? hit.state() : model.newState(1);
                first = prime(model, one, ids, hit != null ? hit.length() : 0, state);
                if (cache != null) {
                    cache.put(ids, ids.length - 1, state);
                }
                reader = model.memory() != null ? NgramReader.after(model.memory().ngram(), ids) : null;
            }
            streams.add(new Stream(state, first, samplers.get(b), length, vocab, read[1], model.memory(), reader, ids));
        }
        return streams;
    }

    /** Steps the streams together until every one is done, handing each step's tokens to {@code out}, stream by stream. */
    public static void run(LanguageModel model, List<Stream> streams, StreamSink out) {
        Stepper stepper = new Stepper(model, streams.size());
        List<Stream> open = new ArrayList<>(streams.size());
        List<Integer> index = new ArrayList<>(streams.size()); // each open stream's place in streams
        for (int b = 0; b < streams.size(); b++) {
            if (!streams.get(b).done()) {
                open.add(streams.get(b));
                index.add(b);
            }
        }
        while (!open.isEmpty()) {
            stepper.step(open);
            for (int i = 0; i < open.size(); i++) {
                out.accept(index.get(i), open.get(i).token);
            }
            for (int i = open.size() - 1; i >= 0; i--) {
                if (open.get(i).done()) {
                    open.remove(i);
                    index.remove(i);
                }
            }
        }
    }

    /**
     * Continues several prefixes at once, stream b from {@code prefixes.get(b)} drawing with {@code samplers.get(b)}:
     * each prefix but its last token is fed on its own, then the streams step together, one row each of a batch. Each
     * stream's tokens are those it would give alone (tested), handed to {@code out} step by step, stream by stream.
     */
    public static void continuations(LanguageModel model, Vocab vocab, List<String> prefixes, int length,
                                     List<TokenSampler> samplers, StreamSink out) {
        run(model, streams(model, model.generationWorkspace(1), vocab, prefixes, samplers, length), out);
    }

    /**
     * Feeds all of a prefix but its last token into {@code state} (one sequence), token by token through {@code one}
     * (a {@link LanguageModel#generationWorkspace} of batch 1), outputs ignored. Returns the last token, the first
     * input of the continuation's first step ({@link LanguageModel#NO_INPUT} for an empty prefix).
     */
    public static int prime(LanguageModel model, LanguageModel.Workspace one, int[] prefix, State state) {
        return prime(model, one, prefix, 0, state);
    }

    /** {@link #prime(LanguageModel, LanguageModel.Workspace, int[], State)} with {@code state} after {@code from} of its tokens. */
    static int prime(LanguageModel model, LanguageModel.Workspace one, int[] prefix, int from, State state) {
        int[] token = new int[1];
        for (int t = from; t + 1 < prefix.length; t++) {
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
        List<Stream> one = streams(model, model.generationWorkspace(1), vocab, List.of(prefix), List.of(sampler), length);
        run(model, one, (stream, token) -> sb.append(one.get(stream).text()));
        return sb.toString();
    }
}
