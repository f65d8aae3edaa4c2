package org.rnn4j.text;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token ↔ index. Index 0 is {@code <unk>}; then the characters by descending frequency, ties broken by first
 * appearance in the corpus, so the same text always gives the same vocabulary. Characters seen fewer than
 * {@code minFreq} times are left out and map to {@code <unk>}. A vocabulary of words or subwords
 * ({@link #withSubwords}) has tokens of several characters after its characters, and reads a text by
 * {@link PreTokens} and its {@link Subwords}; a token that is one character is that character's in either.
 */
public final class Vocab {
    public static final int UNK = 0;
    public static final String UNK_TEXT = "<unk>";

    private final int[] idxToToken; // code points of one-character tokens, -1 for the others and for UNK
    private final String[] texts;   // every token's text; texts[UNK] is UNK_TEXT
    private final Map<Integer, Integer> tokenToIdx; // code point → index of its one-character token
    private final Subwords subwords; // null: a token is a character

    private Vocab(int[] idxToToken) {
        this(idxToToken, null, null);
    }

    private Vocab(int[] idxToToken, String[] texts, Subwords subwords) {
        this.idxToToken = idxToToken;
        this.subwords = subwords;
        this.tokenToIdx = new HashMap<>(idxToToken.length * 2);
        this.texts = texts != null ? texts : new String[idxToToken.length];
        for (int i = 1; i < idxToToken.length; i++) {
            if (idxToToken[i] >= 0) {
                tokenToIdx.put(idxToToken[i], i);
                this.texts[i] = Character.toString(idxToToken[i]);
            }
        }
        this.texts[UNK] = UNK_TEXT;
    }

    /**
     * The vocabulary of {@code alphabet}'s characters followed by {@code pieces}, tokens of several characters each
     * (ids from {@code alphabet.size()} on, in order), read with {@code subwords}.
     */
    static Vocab withSubwords(Vocab alphabet, List<String> pieces, Subwords subwords) {
        int size = alphabet.size() + pieces.size();
        int[] idx = Arrays.copyOf(alphabet.idxToToken, size);
        String[] texts = new String[size];
        for (int i = 0; i < pieces.size(); i++) {
            idx[alphabet.size() + i] = -1;
            texts[alphabet.size() + i] = pieces.get(i);
        }
        return new Vocab(idx, texts, subwords);
    }

    /**
     * The vocabulary whose token {@code i} (i ≥ 1) has the text {@code texts[i - 1]}, read as {@code kind} with
     * {@code merges} (BPE): the inverse of {@link #texts()} and {@link #merges()}, for loading a saved model.
     *
     * @throws IllegalArgumentException when a text is listed twice, a merge names an id out of range, or a
     *                                  character vocabulary has a token of several characters
     */
    public static Vocab of(Subwords.Kind kind, List<String> texts, int[][] merges) {
        if (kind == Subwords.Kind.CHAR) {
            int[] cps = new int[texts.size()];
            for (int i = 0; i < cps.length; i++) {
                if (texts.get(i).codePointCount(0, texts.get(i).length()) != 1) {
                    throw new IllegalArgumentException("a character vocabulary lists '" + texts.get(i) + "'");
                }
                cps[i] = texts.get(i).codePointAt(0);
            }
            return of(cps);
        }
        int size = texts.size() + 1;
        int[] idx = new int[size];
        String[] all = new String[size];
        Map<String, Integer> words = new HashMap<>();
        idx[UNK] = -1;
        for (int i = 1; i < size; i++) {
            String t = texts.get(i - 1);
            boolean single = t.codePointCount(0, t.length()) == 1;
            idx[i] = single ? t.codePointAt(0) : -1;
            all[i] = t;
            if (words.put(t, i) != null || t.isEmpty()) {
                throw new IllegalArgumentException("the vocabulary lists '" + t + "' twice");
            }
        }
        for (int[] m : merges) {
            for (int id : m) {
                if (id <= UNK || id >= size) {
                    throw new IllegalArgumentException("a merge names token " + id + " of " + size);
                }
            }
        }
        words.keySet().removeIf(t -> t.codePointCount(0, t.length()) == 1);
        return new Vocab(idx, all, kind == Subwords.Kind.WORD ? Subwords.words(words) : Subwords.merges(merges));
    }

    /** Characters, whole words or subwords. */
    public Subwords.Kind kind() {
        return subwords == null ? Subwords.Kind.CHAR : subwords.kind();
    }

    /** The texts of indices 1 … size − 1, in order. */
    public List<String> texts() {
        return List.of(texts).subList(1, texts.length);
    }

    /** The merges of a BPE vocabulary, each {left, right, into} (none for others). */
    public int[][] merges() {
        return subwords == null ? new int[0][] : subwords.mergeList();
    }

    /** How many characters a token stands for ({@code <unk>}: one, the character it replaced). */
    public int length(int index) {
        return index == UNK ? 1 : texts[index].codePointCount(0, texts[index].length());
    }

    /**
     * Learns the tokens of words or subwords beyond {@code alphabet}'s characters from a text's {@link PreTokens}
     * pieces and their counts (in order of first appearance):
     * words seen at least {@code minFreq} times (and twice), the most frequent first (ties: the first seen); or the
     * byte-pair merges of {@link Subwords#learnMerges}; in either case up to {@code tokens.vocabSize()} tokens in all.
     *
     * @throws org.rnn4j.InputException when the vocabulary size leaves no room beyond the characters
     */
    static Vocab learn(Tokenization tokens, Vocab alphabet, Map<String, long[]> pieces, int minFreq) {
        if (tokens.vocabSize() <= alphabet.size()) {
            throw new org.rnn4j.InputException("{Training.vocabSize} " + tokens.vocabSize() + " leaves no room for "
                    + tokens.kind().id() + " tokens: the text has " + (alphabet.size() - 1) + " distinct characters, which "
                    + "with <unk> are " + alphabet.size() + " tokens already; give more than " + alphabet.size());
        }
        List<String> texts = new java.util.ArrayList<>();
        if (tokens.kind() == Subwords.Kind.WORD) {
            int least = Math.max(2, minFreq);
            pieces.entrySet().stream()
                    .filter(e -> e.getValue()[0] >= least && e.getKey().codePointCount(0, e.getKey().length()) > 1)
                    .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .limit(tokens.vocabSize() - alphabet.size())
                    .forEach(e -> texts.add(e.getKey()));
            Map<String, Integer> words = new HashMap<>();
            for (int i = 0; i < texts.size(); i++) {
                words.put(texts.get(i), alphabet.size() + i);
            }
            return withSubwords(alphabet, texts, Subwords.words(words));
        }
        List<int[]> chars = new java.util.ArrayList<>(pieces.size());
        long[] counts = new long[pieces.size()];
        for (Map.Entry<String, long[]> e : pieces.entrySet()) {
            counts[chars.size()] = e.getValue()[0];
            chars.add(alphabet.encode(e.getKey().codePoints().toArray()));
        }
        List<String> all = new java.util.ArrayList<>(List.of(alphabet.texts));
        int[][] merges = Subwords.learnMerges(chars, counts, all, tokens.vocabSize());
        return withSubwords(alphabet, all.subList(alphabet.size(), all.size()), Subwords.merges(merges));
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
        Arrays.sort(ranks, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a])
                : Integer.compare(a, b));
        int[] idxToToken = Arrays.stream(ranks).filter(r -> counts[r] >= minFreq)
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
        int[] added = Arrays.stream(other.idxToToken).filter(t -> t >= 0 && !contains(t)).toArray();
        if (subwords == null) {
            int[] mine = tokens();
            int[] all = Arrays.copyOf(mine, mine.length + added.length);
            System.arraycopy(added, 0, all, mine.length, added.length);
            return of(all);
        }
        int[] idx = Arrays.copyOf(idxToToken, idxToToken.length + added.length);
        String[] all = Arrays.copyOf(texts, idx.length);
        System.arraycopy(added, 0, idx, idxToToken.length, added.length);
        return new Vocab(idx, all, subwords);
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

    /**
     * The code points of indices 1 … size − 1, in order (index 0 is {@code <unk>}), of a character vocabulary.
     *
     * @throws IllegalStateException for words or subwords: see {@link #texts()}
     */
    public int[] tokens() {
        if (subwords != null) {
            throw new IllegalStateException("a vocabulary of " + kind().id() + " tokens is listed by its texts");
        }
        return Arrays.copyOfRange(idxToToken, 1, idxToToken.length);
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

    /** The ids of a text: its characters', or, for words or subwords, those of each of its {@link PreTokens} pieces. */
    public int[] encode(String text) {
        if (subwords == null) {
            return encode(text.codePoints().toArray());
        }
        List<int[]> pieces = new java.util.ArrayList<>();
        PreTokens.split(text, piece -> pieces.add(encodePiece(piece)));
        return pieces.stream().flatMapToInt(Arrays::stream).toArray();
    }

    /** The ids of one {@link PreTokens} piece. */
    int[] encodePiece(String piece) {
        int[] chars = encode(piece.codePoints().toArray());
        return subwords == null ? chars : subwords.encode(piece, chars);
    }

    public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            sb.append(text(ids[i]));
        }
        return sb.toString();
    }

    /** The text of one index: its characters, or {@code <unk>}. */
    public String text(int index) {
        return texts[index];
    }

    /**
     * The text of one index as shown to a reader: as {@link #text}, but the document separator as its control picture
     * ␜ ({@link Corpus#SEPARATOR_SHOWN}), which a prefix reads back as the separator.
     */
    public String shown(int index) {
        return index != UNK && idxToToken[index] == Corpus.SEPARATOR ? Character.toString(Corpus.SEPARATOR_SHOWN)
                : texts[index];
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }
}
