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
                         boolean replaceInvalid, Tokenization tokens) {
        public Source {
            sources = List.copyOf(sources);
            members = List.copyOf(members);
        }

        /** Sources read as characters. */
        public Source(List<String> sources, List<String> members, Preprocessing mode, int maxTokens,
                      boolean replaceInvalid) {
            this(sources, members, mode, maxTokens, replaceInvalid, Tokenization.CHARS);
        }

        /** One source, and one zip member or null, read as characters. */
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
                s.tokens(), minFreq, base);
    }

    /** Characters, or words and subwords: {@code base}'s kind when fine-tuning, else {@code tokens}'. */
    private static Encoded build(java.util.function.Function<java.util.function.IntConsumer, String> reading,
                                 Tokenization tokens, int minFreq, Vocab base) {
        boolean subwords = base != null ? base.kind() != Subwords.Kind.CHAR : tokens.kind() != Subwords.Kind.CHAR;
        return subwords ? buildSubwords(reading, tokens, minFreq, base) : build(reading, minFreq, base);
    }

    /**
     * Words or subwords: the text is held (two bytes a character), its {@link PreTokens} pieces counted, the tokens
     * learnt from them (or {@code base}'s kept, extended by new characters), then each distinct piece encoded once.
     * {@code maxTokens} counts characters here, as it reads them.
     */
    private static Encoded buildSubwords(java.util.function.Function<java.util.function.IntConsumer, String> reading,
                                         Tokenization tokens, int minFreq, Vocab base) {
        TokenCounts seen = new TokenCounts();
        StringBuilder text = new StringBuilder();
        String name = reading.apply(cp -> {
            seen.add(cp);
            text.appendCodePoint(cp);
        });
        Vocab alphabet = Vocab.fromCounts(seen.tokens(), seen.counts(), 1);
        java.util.Map<String, long[]> pieces = pieces(text);
        Vocab vocab = base != null ? base.extendedWith(alphabet) : Vocab.learn(tokens, alphabet, pieces, minFreq);
        return encodeSubwords(name, text, vocab, pieces);
    }

    /** A text's distinct {@link PreTokens} pieces, in order of first appearance, each with its count. */
    private static java.util.Map<String, long[]> pieces(CharSequence text) {
        java.util.Map<String, long[]> pieces = new java.util.LinkedHashMap<>();
        PreTokens.split(text, piece -> pieces.computeIfAbsent(piece, p -> new long[1])[0]++);
        return pieces;
    }

    private static Encoded encodeSubwords(String name, CharSequence text, Vocab vocab,
                                          java.util.Map<String, long[]> pieces) {
        java.util.Map<String, int[]> ids = new java.util.HashMap<>(pieces.size() * 2);
        long unknown = 0;
        for (java.util.Map.Entry<String, long[]> e : pieces.entrySet()) {
            int[] piece = vocab.encodePiece(e.getKey());
            ids.put(e.getKey(), piece);
            for (int id : piece) {
                unknown += id == Vocab.UNK ? e.getValue()[0] : 0;
            }
        }
        TokenIds.Builder out = new TokenIds.Builder();
        PreTokens.split(text, piece -> {
            for (int id : ids.get(piece)) {
                out.add(id);
            }
        });
        return new Encoded(name, vocab, out.build(), unknown);
    }

    /**
     * Texts in memory or behind readers, as {@link Corpus#read(List, Preprocessing, int, IntConsumer)} reads them, with
     * the vocabulary {@code base} extended as {@link #build(Source, int, Vocab)} does (null: the text's own).
     */
    public static Encoded build(String name, List<? extends java.io.Reader> documents, Preprocessing mode,
                                int maxTokens, int minFreq, Vocab base) {
        return build(name, documents, mode, maxTokens, minFreq, base, Tokenization.CHARS);
    }

    /** As {@link #build(String, List, Preprocessing, int, int, Vocab)}, the tokens being {@code tokens} (or base's). */
    public static Encoded build(String name, List<? extends java.io.Reader> documents, Preprocessing mode,
                                int maxTokens, int minFreq, Vocab base, Tokenization tokens) {
        return build(sink -> {
            Corpus.read(documents, mode, maxTokens, sink);
            return name;
        }, tokens, minFreq, base);
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
        if (vocab.kind() != Subwords.Kind.CHAR) {
            StringBuilder text = new StringBuilder();
            String name = reading.apply(text::appendCodePoint);
            return encodeSubwords(name, text, vocab, pieces(text));
        }
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
