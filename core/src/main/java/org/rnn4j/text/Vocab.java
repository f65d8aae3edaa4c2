package org.rnn4j.text;

import java.util.HashMap;
import java.util.Map;

/**
 * Token ↔ index. Index 0 is {@code <unk>}; then the tokens by descending frequency, ties broken by
 * first appearance in the corpus, so the same text always gives the same vocabulary. Tokens seen
 * fewer than {@code minFreq} times are left out and map to {@code <unk>}.
 */
public final class Vocab {
    public static final int UNK = 0;
    public static final String UNK_TEXT = "<unk>";

    private final int[] idxToToken; // code points; idxToToken[UNK] is unused
    private final Map<Integer, Integer> tokenToIdx;

    private Vocab(int[] idxToToken) {
        this.idxToToken = idxToToken;
        this.tokenToIdx = new HashMap<>(idxToToken.length * 2);
        for (int i = 1; i < idxToToken.length; i++) {
            tokenToIdx.put(idxToToken[i], i);
        }
    }

    /** Builds the vocabulary of a token sequence. */
    public static Vocab build(int[] tokens, int minFreq) {
        TokenCounts seen = new TokenCounts();
        for (int t : tokens) {
            seen.add(t);
        }
        return fromCounts(seen.tokens(), seen.counts(), minFreq);
    }

    /**
     * The vocabulary of tokens listed in order of first appearance, with their counts: by descending
     * count, ties by first appearance, those counted fewer than {@code minFreq} times left out.
     */
    public static Vocab fromCounts(int[] tokensByFirstAppearance, long[] counts, int minFreq) {
        Integer[] ranks = new Integer[tokensByFirstAppearance.length];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = i;
        }
        java.util.Arrays.sort(ranks, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a])
                : Integer.compare(a, b));
        int[] idxToToken = java.util.Arrays.stream(ranks).filter(r -> counts[r] >= minFreq)
                .mapToInt(r -> tokensByFirstAppearance[r]).toArray();
        int[] withUnk = new int[idxToToken.length + 1];
        withUnk[UNK] = -1;
        System.arraycopy(idxToToken, 0, withUnk, 1, idxToToken.length);
        return new Vocab(withUnk);
    }

    /**
     * This vocabulary followed by the tokens of {@code other} that it lacks, in {@code other}'s order: every index
     * of this one keeps its token, so a model's rows for them stay valid.
     */
    public Vocab extendedWith(Vocab other) {
        int[] mine = tokens();
        int[] added = java.util.Arrays.stream(other.tokens()).filter(t -> !contains(t)).toArray();
        int[] all = java.util.Arrays.copyOf(mine, mine.length + added.length);
        System.arraycopy(added, 0, all, mine.length, added.length);
        return of(all);
    }

    /**
     * The vocabulary whose token {@code i} (i ≥ 1) is {@code tokens[i - 1]}: the inverse of
     * {@link #tokens()}, for loading a saved model.
     */
    public static Vocab of(int[] tokens) {
        int[] idxToToken = new int[tokens.length + 1];
        idxToToken[UNK] = -1;
        System.arraycopy(tokens, 0, idxToToken, 1, tokens.length);
        Vocab v = new Vocab(idxToToken);
        if (v.tokenToIdx.size() != tokens.length) {
            throw new IllegalArgumentException("a vocabulary lists each token once");
        }
        return v;
    }

    /** The code points of indices 1 … size − 1, in order (index 0 is {@code <unk>}). */
    public int[] tokens() {
        return java.util.Arrays.copyOfRange(idxToToken, 1, idxToToken.length);
    }

    public int size() {
        return idxToToken.length;
    }

    /** The index of a code point, {@link #UNK} when it is not in the vocabulary. */
    public int index(int token) {
        Integer i = tokenToIdx.get(token);
        return i == null ? UNK : i;
    }

    public boolean contains(int token) {
        return tokenToIdx.containsKey(token);
    }

    /** The code point at an index; {@code -1} for {@link #UNK}. */
    public int token(int index) {
        return idxToToken[index];
    }

    public int[] encode(int[] tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = index(tokens[i]);
        }
        return ids;
    }

    /** The indices of a string's code points. */
    public int[] encode(String text) {
        return encode(text.codePoints().toArray());
    }

    public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            sb.append(text(ids[i]));
        }
        return sb.toString();
    }

    /** The text of one index: its code point, or {@code <unk>}. */
    public String text(int index) {
        return index == UNK ? UNK_TEXT : Character.toString(idxToToken[index]);
    }

    /**
     * The text of one index as shown to a reader: as {@link #text}, but the document separator as its control picture
     * ␜ ({@link Corpus#SEPARATOR_SHOWN}), which a prefix reads back as the separator.
     */
    public String shown(int index) {
        return index != UNK && idxToToken[index] == Corpus.SEPARATOR ? Character.toString(Corpus.SEPARATOR_SHOWN)
                : text(index);
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }
}
