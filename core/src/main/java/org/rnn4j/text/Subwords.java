package org.rnn4j.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * How a {@link PreTokens} piece becomes token ids once its characters have theirs: whole words, or byte-pair merges.
 * <ul>
 *   <li>{@link Kind#WORD}: a piece that is a token is that one id; any other falls back to its characters.</li>
 *   <li>{@link Kind#BPE}: the piece's characters, then the merges in the order they were learnt, each joining two
 *       neighbouring ids into one wherever they meet (the lowest-ranked merge first, leftmost first among equals: the
 *       Hugging Face library's order, so that both read a text alike).</li>
 * </ul>
 * A token id's text is its vocabulary's business ({@link Vocab#text}); here are only the ids.
 */
public final class Subwords {
    /** How text becomes tokens: characters (the seeds' tokens), whole words, or byte-pair merges. */
    public enum Kind {
        CHAR, WORD, BPE;

        /** The lower-case name, as on the command line and in a checkpoint. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kind of {@code name} (char, word or bpe). */
        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.id().equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown kind of token '" + name + "': char, word or bpe");
        }
    }

    private final Kind kind;
    private final Map<String, Integer> words; // WORD: each word token's id
    private final int[][] merges;             // BPE: merge k joins {left, right, into}
    private final Map<Long, Integer> rank;     // BPE: (left, right) → k

    private Subwords(Kind kind, Map<String, Integer> words, int[][] merges) {
        this.kind = kind;
        this.words = words;
        this.merges = merges;
        this.rank = new HashMap<>(merges.length * 2);
        for (int k = 0; k < merges.length; k++) {
            rank.put(pair(merges[k][0], merges[k][1]), k);
        }
    }

    /** Whole words: {@code words} maps each word token's text to its id. */
    static Subwords words(Map<String, Integer> words) {
        return new Subwords(Kind.WORD, Map.copyOf(words), new int[0][]);
    }

    /** Byte-pair merges: merge k joins ids {@code merges[k][0]} and {@code merges[k][1]} into {@code merges[k][2]}. */
    static Subwords merges(int[][] merges) {
        return new Subwords(Kind.BPE, Map.of(), merges.clone());
    }

    public Kind kind() {
        return kind;
    }

    /** The merges (BPE; none for words), each {left, right, into}. */
    int[][] mergeList() {
        return Arrays.stream(merges).map(int[]::clone).toArray(int[][]::new);
    }

    /** The ids of a piece whose characters have the ids {@code chars} (which it may change). */
    int[] encode(String piece, int[] chars) {
        if (kind == Kind.WORD) {
            Integer id = words.get(piece);
            return id != null ? new int[] {id} : chars;
        }
        return merge(chars);
    }

    private static long pair(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    /** Applies the merges to {@code ids}: lowest rank first, leftmost first among equals. */
    private int[] merge(int[] ids) {
        int n = ids.length;
        if (n < 2 || merges.length == 0) {
            return ids;
        }
        int[] next = new int[n], prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1])); // {rank, left position, right position}
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, ids, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int k = (int) top[0], at = (int) top[1], right = (int) top[2];
            if (ids[at] != merges[k][0] || next[at] != right || right >= n || ids[right] != merges[k][1]) {
                continue; // stale: a neighbour merged since
            }
            ids[at] = merges[k][2];
            ids[right] = -1;
            next[at] = next[right];
            if (next[at] < n) {
                prev[next[at]] = at;
            }
            if (prev[at] >= 0) {
                offer(queue, ids, prev[at], at);
            }
            if (next[at] < n) {
                offer(queue, ids, at, next[at]);
            }
        }
        int count = 0;
        for (int i = 0; i < n; i = next[i]) {
            ids[count++] = ids[i];
        }
        return Arrays.copyOf(ids, count);
    }

    private void offer(PriorityQueue<long[]> queue, int[] ids, int left, int right) {
        Integer k = rank.get(pair(ids[left], ids[right]));
        if (k != null) {
            queue.add(new long[] {k, left, right});
        }
    }

    /**
     * Learns merges from pieces and their counts until the vocabulary holds {@code vocabSize} tokens or no pair
     * occurs twice: each time the pair of neighbouring ids that occurs most often in the text (ties: the smaller
     * left id, then right) becomes one id: the next, or the id of a token of the same text that an earlier merge
     * made (two merges may spell one text, as "a"+"bc" and "ab"+"c"; as the Hugging Face trainer, the text keeps one
     * id). Counts are kept up to date as words change, so each merge touches only the pieces that hold its pair:
     * seconds for 10 MB.
     *
     * @param pieces the distinct pieces' character ids (changed in place)
     * @param counts how often each piece occurs
     * @param texts  the texts of the ids so far (the characters'), to which each new token's is added
     */
    static int[][] learnMerges(List<int[]> pieces, long[] counts, List<String> texts, int vocabSize) {
        Map<Long, long[]> pairCount = new HashMap<>(); // pair → {count}
        Map<Long, java.util.Set<Integer>> holders = new HashMap<>();
        int[][] words = pieces.toArray(new int[0][]);
        int[] lengths = new int[words.length];
        for (int w = 0; w < words.length; w++) {
            lengths[w] = words[w].length;
            for (int i = 0; i + 1 < lengths[w]; i++) {
                long p = pair(words[w][i], words[w][i + 1]);
                pairCount.computeIfAbsent(p, x -> new long[1])[0] += counts[w];
                holders.computeIfAbsent(p, x -> new java.util.HashSet<>()).add(w);
            }
        }
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0])
                : Long.compare(a[1], b[1])); // {count, pair}, most frequent first
        pairCount.forEach((p, c) -> queue.add(new long[] {c[0], p}));
        List<int[]> learnt = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 1; i < texts.size(); i++) { // not <unk>'s: a text that spells "<unk>" is never one token
            ids.put(texts.get(i), i);
        }
        while (texts.size() < vocabSize && !queue.isEmpty()) {
            long[] top = queue.poll();
            long[] now = pairCount.get(top[1]);
            if (now == null || now[0] != top[0]) {
                continue; // stale
            }
            if (top[0] < 2) {
                break;
            }
            int left = (int) (top[1] >> 32), right = (int) top[1];
            String text = texts.get(left) + texts.get(right);
            if (text.equals(texts.get(0))) {
                pairCount.remove(top[1]);
                continue;
            }
            int id = ids.computeIfAbsent(text, t -> {
                texts.add(t);
                return texts.size() - 1;
            });
            learnt.add(new int[] {left, right, id});
            java.util.Set<Long> touched = new java.util.HashSet<>();
            for (int w : holders.remove(top[1])) {
                int[] s = words[w];
                int n = lengths[w], out = 0;
                for (int i = 0; i + 1 < n; i++) { // the word's pairs leave the counts ...
                    add(pairCount, touched, pair(s[i], s[i + 1]), -counts[w]);
                }
                for (int i = 0; i < n; i++) {
                    if (i + 1 < n && s[i] == left && s[i + 1] == right) {
                        s[out++] = id;
                        i++;
                    } else {
                        s[out++] = s[i];
                    }
                }
                lengths[w] = out;
                for (int i = 0; i + 1 < out; i++) { // ... and come back as they are now
                    long p = pair(s[i], s[i + 1]);
                    add(pairCount, touched, p, counts[w]);
                    holders.computeIfAbsent(p, x -> new java.util.HashSet<>()).add(w);
                }
            }
            pairCount.remove(top[1]);
            for (long p : touched) {
                long[] c = pairCount.get(p);
                if (c != null && c[0] > 0) {
                    queue.add(new long[] {c[0], p});
                }
            }
        }
        return learnt.toArray(new int[0][]);
    }

    private static void add(Map<Long, long[]> pairCount, java.util.Set<Long> touched, long p, long by) {
        long[] c = pairCount.computeIfAbsent(p, x -> new long[1]);
        c[0] += by;
        touched.add(p);
        if (c[0] == 0) {
            pairCount.remove(p);
        }
    }
}
