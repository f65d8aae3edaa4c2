package org.rnn4j.nn;

import java.util.Arrays;

/**
 * A {@link KneserNey} model read by one reader: its probabilities of the next token, from the counts of the text it
 * was built on together with those of the text this reader has read so far ({@link #read}), as if that were a second
 * document of it. A text repeats itself (a name, a phrase, a format), and what it has said so far is a good guide to
 * what it says next, as a cache model (Kuhn and De Mori, 1990) and every compressor know. The counts read are this
 * reader's own: the model stays shared, unchanged, by any number of readers and threads.
 * <p>
 * The text read is counted in a {@link Trie} of its own, each node linked to the model's node of the same string (if any), so
 * that each count is the model's plus the reader's: occurrences, and continuations (distinct left neighbours) counted
 * only where the string is new to both.
 */
public final class NgramReader {
    private final KneserNey model;
    private final int order;
    /** The reader's strings; per node its parent and the model's node of the same string (or −1). */
    private final Trie trie = new Trie(64);
    private int[] parent = new int[64];
    private int[] shared = new int[64];
    /** The reader's counts: occurrences and continuations of each node, and over each node's children. */
    private int[] count = new int[64];
    private int[] continuation = new int[64];
    private int[] childCount = new int[64];
    private int[] childContinuation = new int[64];
    /** Per node: its children whose occurrences, or continuations, the model does not have (new types). */
    private int[] newTypesCount = new int[64];
    private int[] newTypesContinuation = new int[64];
    /** The nodes of the strings of 0 … order − 1 tokens that end with the last token read; {@code ends[0]} the root. */
    private final int[] ends;
    private final int[] path;
    private int read;

    /** A reader of {@code model} that has read nothing: its probabilities are the model's own. */
    public NgramReader(KneserNey model) {
        this.model = model;
        this.order = model.order();
        this.ends = new int[order];
        this.path = new int[order + 1];
        shared[0] = 0;
        parent[0] = -1;
    }

    /** A reader of {@code model} that has read {@code text}. */
    public static NgramReader after(KneserNey model, int[] text) {
        NgramReader reader = new NgramReader(model);
        for (int t : text) {
            reader.read(t);
        }
        return reader;
    }

    public KneserNey model() {
        return model;
    }

    /** The tokens read so far. */
    public int length() {
        return read;
    }

    /**
     * Counts the next token of the text read: every string of up to {@code order} tokens that ends with it, and, for
     * each of those new to the model and to the text read so far, one more left neighbour of its suffix.
     */
    public void read(int t) {
        if (t < 0 || t >= model.vocab()) {
            throw new IllegalArgumentException("token " + t + " is outside a vocabulary of " + model.vocab());
        }
        int deepest = Math.min(order, read + 1);
        path[0] = 0;
        for (int d = 1; d <= deepest; d++) {
            int p = ends[d - 1], node = trie.child(p, t);
            boolean isNew = node < 0;
            if (isNew) {
                node = add(p, t);
            }
            count[node]++;
            childCount[p]++;
            if (isNew && shared[node] < 0) { // new to the model too: a new type after p, and its suffix's continuation
                newTypesCount[p]++;
                if (d >= 2) {
                    continued(path[d - 1]);
                }
            }
            path[d] = node;
        }
        for (int d = 1; d < order; d++) {
            ends[d] = d <= deepest ? path[d] : 0;
        }
        read++;
    }

    /** One more distinct left neighbour of {@code node}'s string. */
    private void continued(int node) {
        int p = parent[node];
        boolean first = continuation[node] == 0 && model.continuation(shared[node]) == 0;
        continuation[node]++;
        childContinuation[p]++;
        if (first) {
            newTypesContinuation[p]++;
        }
    }

    /** The probability of {@code next} after {@code history[0 … end)} (of which it reads the last {@code order − 1}). */
    public double probability(int[] history, int end, int next) {
        double p = 1.0 / model.vocab();
        for (int n = 0; n < order && n <= end; n++) {
            int node = model.context(history, end, n), own = trie.context(history, end, n);
            int total = model.total(node, n) + total(own, n);
            if (total == 0) {
                break;
            }
            int c = trie.child(own, next);
            double value = model.value(node >= 0 ? model.child(node, next) : -1, n) + value(c, n);
            p = Math.max(value - KneserNey.DISCOUNT, 0) / total + backoff(node, own, n, total) * p;
        }
        return p;
    }

    /** {@link #probability} of every token, into {@code out[0 … vocab)}. */
    public void distribution(int[] history, int end, double[] out) {
        int vocab = model.vocab();
        Arrays.fill(out, 0, vocab, 1.0 / vocab);
        for (int n = 0; n < order && n <= end; n++) {
            int node = model.context(history, end, n), own = trie.context(history, end, n);
            int total = model.total(node, n) + total(own, n);
            if (total == 0) {
                break;
            }
            double backoff = backoff(node, own, n, total);
            for (int v = 0; v < vocab; v++) {
                out[v] *= backoff;
            }
            model.addDiscounted(node, n, total, out);
            // a token the reader counted too: what its count adds to the model's discounted one
            for (int c = trie.firstChild(own); c >= 0; c = trie.nextSibling(c)) {
                double base = model.value(shared[c], n);
                out[trie.token(c)] += (Math.max(base + value(c, n) - KneserNey.DISCOUNT, 0)
                        - Math.max(base - KneserNey.DISCOUNT, 0)) / total;
            }
        }
    }

    /** The reader's count of a context of {@code n} tokens, as {@link KneserNey#total}; 0 for none (−1). */
    private int total(int node, int n) {
        return node < 0 ? 0 : n == order - 1 ? childCount[node] : childContinuation[node];
    }

    /** A reader's node's count at a context of {@code n} tokens; 0 for none (−1). */
    private int value(int node, int n) {
        return node < 0 ? 0 : n == order - 1 ? count[node] : continuation[node];
    }

    /** The mass the discounts free at a context of {@code n} tokens: the model's types and the reader's new ones. */
    private double backoff(int node, int own, int n, int total) {
        int types = model.types(node, n)
                + (own < 0 ? 0 : n == order - 1 ? newTypesCount[own] : newTypesContinuation[own]);
        return KneserNey.DISCOUNT * types / total;
    }

    private int add(int p, int t) {
        int node = trie.add(p, t);
        if (trie.capacity() > count.length) {
            int size = trie.capacity();
            parent = Arrays.copyOf(parent, size);
            shared = Arrays.copyOf(shared, size);
            count = Arrays.copyOf(count, size);
            continuation = Arrays.copyOf(continuation, size);
            childCount = Arrays.copyOf(childCount, size);
            childContinuation = Arrays.copyOf(childContinuation, size);
            newTypesCount = Arrays.copyOf(newTypesCount, size);
            newTypesContinuation = Arrays.copyOf(newTypesContinuation, size);
        }
        parent[node] = p;
        shared[node] = shared[p] >= 0 ? model.child(shared[p], t) : -1;
        return node;
    }
}
