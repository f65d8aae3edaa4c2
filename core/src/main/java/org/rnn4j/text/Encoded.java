package org.rnn4j.text;

import java.util.List;
import org.rnn4j.data.TokenIds;

/**
 * A corpus read straight into compact token ids: the text is streamed, never held as a String or
 * as code points, so a 200 MB corpus needs about 200 MB of ids with a small vocabulary.
 *
 * @param name    where the text came from, for messages
 * @param vocab   the vocabulary the ids index
 * @param ids     the token ids
 * @param unknown how many tokens are {@code <unk>}: rarer than the minimum frequency, or missing
 *                from a given vocabulary
 */
public record Encoded(String name, Vocab vocab, TokenIds ids, long unknown) {
    /** The sources of a corpus and how to read them; see {@link Corpus#read(List, List, Preprocessing, int, boolean,
     * java.util.function.IntConsumer)}. */
    public record Source(List<String> sources, List<String> members, Preprocessing mode, int maxTokens,
                         boolean replaceInvalid) {
        public Source {
            sources = List.copyOf(sources);
            members = List.copyOf(members);
        }

        /** One source, and one zip member or null. */
        public Source(String source, String member, Preprocessing mode, int maxTokens, boolean replaceInvalid) {
            this(List.of(source != null ? source : Corpus.BUILT_IN), member != null ? List.of(member) : List.of(), mode,
                    maxTokens, replaceInvalid);
        }
    }

    /**
     * Reads a corpus and builds its vocabulary on the way: ids are first numbered by first
     * appearance (1, 2, …, so the final numbering seldom needs wider storage), counted, then
     * renumbered in place by the vocabulary's order.
     */
    public static Encoded build(Source s, int minFreq) {
        return build(s, minFreq, null);
    }

    /**
     * Reads a corpus, in one pass, for fine-tuning a model whose vocabulary is {@code base}: the text's tokens seen
     * at least {@code minFreq} times that {@code base} lacks come after its own, whose indices stay; null: the text's
     * own vocabulary, as {@link #build(Source, int)}.
     */
    public static Encoded build(Source s, int minFreq, Vocab base) {
        return build(sink -> Corpus.read(s.sources(), s.members(), s.mode(), s.maxTokens(), s.replaceInvalid(), sink),
                minFreq, base);
    }

    /**
     * Texts in memory or behind readers, as {@link Corpus#read(List, Preprocessing, int, IntConsumer)} reads them, with
     * the vocabulary {@code base} extended as {@link #build(Source, int, Vocab)} does (null: the text's own).
     */
    public static Encoded build(String name, List<? extends java.io.Reader> documents, Preprocessing mode,
                                int maxTokens, int minFreq, Vocab base) {
        return build(sink -> {
            Corpus.read(documents, mode, maxTokens, sink);
            return name;
        }, minFreq, base);
    }

    private static Encoded build(java.util.function.Function<java.util.function.IntConsumer, String> reading,
                                 int minFreq, Vocab base) {
        TokenCounts seen = new TokenCounts();
        TokenIds.Builder ids = new TokenIds.Builder();
        String name = reading.apply(cp -> ids.add(seen.add(cp)));
        int[] tokens = seen.tokens();
        long[] counts = seen.counts();
        Vocab own = Vocab.fromCounts(tokens, counts, minFreq);
        Vocab vocab = base != null ? base.extendedWith(own) : own;
        int[] map = new int[tokens.length + 1];
        long unknown = 0;
        for (int r = 0; r < tokens.length; r++) {
            map[r + 1] = vocab.index(tokens[r]);
            if (map[r + 1] == Vocab.UNK) {
                unknown += counts[r];
            }
        }
        ids.map(map);
        return new Encoded(name, vocab, ids.build(), unknown);
    }

    /** Reads a corpus with a given vocabulary (a trained model's): unknown characters become {@code <unk>}. */
    public static Encoded with(Source s, Vocab vocab) {
        return with(sink -> Corpus.read(s.sources(), s.members(), s.mode(), s.maxTokens(), s.replaceInvalid(), sink),
                vocab);
    }

    /** Texts in memory or behind readers, read with a given vocabulary, as {@link #with(Source, Vocab)}. */
    public static Encoded with(String name, List<? extends java.io.Reader> documents, Preprocessing mode, Vocab vocab) {
        return with(sink -> {
            Corpus.read(documents, mode, 0, sink);
            return name;
        }, vocab);
    }

    private static Encoded with(java.util.function.Function<java.util.function.IntConsumer, String> reading, Vocab vocab) {
        TokenIds.Builder ids = new TokenIds.Builder();
        long[] unknown = {0};
        String name = reading.apply(cp -> {
            int id = vocab.index(cp);
            if (id == Vocab.UNK) {
                unknown[0]++;
            }
            ids.add(id);
        });
        return new Encoded(name, vocab, ids.build(), unknown[0]);
    }
}
