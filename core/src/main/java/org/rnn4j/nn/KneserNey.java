package org.rnn4j.nn;

import java.util.Arrays;

/**
 * An interpolated Kneser–Ney n-gram model of a token sequence (Chen and Goodman, "An Empirical Study of Smoothing
 * Techniques for Language Modeling", 1998; one absolute discount {@value #DISCOUNT} at every order): the probability of
 * a token after the {@code order − 1} before it is its discounted count after them, plus the discounted mass times the
 * same estimate after one token fewer; lower orders count a token's distinct left neighbours (its continuations) rather
 * than its occurrences, and the lowest backs off to the uniform distribution over the vocabulary, so that every token
 * has a probability above zero.
 * <p>
 * Every substring of up to {@code order} tokens is a node of a trie, with its occurrences and its continuations; a
 * node's children (linked siblings) are the tokens seen after it. Built once, read by any number of threads, each
 * through its own {@link NgramReader}, which adds the counts of the text that reader has read.
 */
public final class KneserNey {
    /** The absolute discount of every count (Kneser and Ney's; Chen and Goodman's single-discount variant). */
    public static final double DISCOUNT = 0.75;

    private final int order;
    private final int vocab;
    private final int[] text;
    private final Trie trie = new Trie(1024);
    private int[] count = new int[1024];
    private int[] continuation = new int[1024];
    /** Per node as a context: its children's occurrences, continuations, and how many of each are above zero. */
    private final int[] childCount;
    private final int[] childContinuation;
    private final int[] typesCount;
    private final int[] typesContinuation;

    /**
     * Counts {@code text}, token indices below {@code vocab}, as substrings of up to {@code order} tokens (at least 1).
     */
    public KneserNey(int[] text, int order, int vocab) {
        if (order < 1) {
            throw new IllegalArgumentException("an n-gram model's order is at least 1, not " + order);
        }
        this.order = order;
        this.vocab = vocab;
        this.text = text.clone();
        int[] path = new int[order + 1];
        boolean[] created = new boolean[order + 1], createdBefore = new boolean[order + 1];
        for (int i = 0; i < text.length; i++) {
            if (text[i] < 0 || text[i] >= vocab) {
                throw new IllegalArgumentException("token " + text[i] + " at " + i + " is outside a vocabulary of "
                        + vocab);
            }
            int deepest = Math.min(order, text.length - i), node = 0;
            for (int d = 1; d <= deepest; d++) {
                int child = trie.child(node, text[i + d - 1]);
                created[d] = child < 0;
                node = child >= 0 ? child : add(node, text[i + d - 1]);
                count[node]++;
                path[d] = node;
            }
            // the string of depth d that began one token earlier, seen for the first time, is one more distinct
            // left neighbour of its suffix: this position's node of depth d − 1
            for (int d = 2; i > 0 && d <= Math.min(order, text.length - i + 1); d++) {
                if (createdBefore[d]) {
                    continuation[path[d - 1]]++;
                }
            }
            boolean[] swap = createdBefore;
            createdBefore = created;
            created = swap;
            Arrays.fill(created, false);
        }
        int nodes = trie.size();
        childCount = new int[nodes];
        childContinuation = new int[nodes];
        typesCount = new int[nodes];
        typesContinuation = new int[nodes];
        for (int node = 0; node < nodes; node++) {
            for (int c = trie.firstChild(node); c >= 0; c = trie.nextSibling(c)) {
                childCount[node] += count[c];
                typesCount[node]++;
                childContinuation[node] += continuation[c];
                typesContinuation[node] += continuation[c] > 0 ? 1 : 0;
            }
        }
    }

    /** The tokens before the next one that it reads: {@code order − 1}. */
    public int context() {
        return order - 1;
    }

    public int order() {
        return order;
    }

    public int vocab() {
        return vocab;
    }

    /** The sequence it counted. */
    public int[] text() {
        return text.clone();
    }

    /** Its substrings of up to {@link #order} tokens, distinct: the size of what it holds. */
    public int nodes() {
        return trie.size() - 1;
    }

    /**
     * What a context of {@code n} tokens counts after it, in all: at the top order the occurrences of what follows it,
     * below it their continuations; 0 for a context the text never had (node −1) or never followed.
     */
    int total(int node, int n) {
        return node < 0 ? 0 : n == order - 1 ? childCount[node] : childContinuation[node];
    }

    /** The distinct tokens a context of {@code n} tokens counts after it (−1: none). */
    int types(int node, int n) {
        return node < 0 ? 0 : n == order - 1 ? typesCount[node] : typesContinuation[node];
    }

    /** A node's count as the token after a context of {@code n} tokens: occurrences at the top order, else continuations. */
    int value(int node, int n) {
        return node < 0 ? 0 : n == order - 1 ? count[node] : continuation[node];
    }

    /** A node's continuations: its string's distinct left neighbours (−1: none). */
    int continuation(int node) {
        return node < 0 ? 0 : continuation[node];
    }

    /** Adds each token's discounted count after a context of {@code n} tokens (−1: none), over {@code total}. */
    void addDiscounted(int node, int n, int total, double[] out) {
        for (int c = trie.firstChild(node); c >= 0; c = trie.nextSibling(c)) {
            out[trie.token(c)] += Math.max(value(c, n) - DISCOUNT, 0) / total;
        }
    }

    /** The node of the last {@code n} tokens before {@code end}, or −1 when the text never had them. */
    int context(int[] history, int end, int n) {
        return trie.context(history, end, n);
    }

    /** The child of {@code node} for token {@code t}, or −1. */
    int child(int node, int t) {
        return trie.child(node, t);
    }

    private int add(int parent, int t) {
        int node = trie.add(parent, t);
        if (trie.capacity() > count.length) {
            count = Arrays.copyOf(count, trie.capacity());
            continuation = Arrays.copyOf(continuation, trie.capacity());
        }
        return node;
    }
}
