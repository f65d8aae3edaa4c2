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
        Map<Integer, int[]> stats = new HashMap<>(); // token -> {count, first position}
        for (int i = 0; i < tokens.length; i++) {
            int[] s = stats.computeIfAbsent(tokens[i], k -> new int[] {0, 0});
            if (s[0]++ == 0) {
                s[1] = i;
            }
        }
        int[] kept = stats.entrySet().stream()
                .filter(e -> e.getValue()[0] >= minFreq)
                .sorted((a, b) -> a.getValue()[0] != b.getValue()[0]
                        ? Integer.compare(b.getValue()[0], a.getValue()[0])
                        : Integer.compare(a.getValue()[1], b.getValue()[1]))
                .mapToInt(Map.Entry::getKey)
                .toArray();
        int[] idxToToken = new int[kept.length + 1];
        idxToToken[UNK] = -1;
        System.arraycopy(kept, 0, idxToToken, 1, kept.length);
        return new Vocab(idxToToken);
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
            if (ids[i] == UNK) {
                sb.append(UNK_TEXT);
            } else {
                sb.appendCodePoint(idxToToken[ids[i]]);
            }
        }
        return sb.toString();
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }
}
