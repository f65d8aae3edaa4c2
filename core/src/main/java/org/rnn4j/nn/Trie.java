package org.rnn4j.nn;

import java.util.Arrays;

/**
 * Strings of tokens as a trie, the shape of an n-gram model's counts: node 0 is the empty string, a node's children
 * (linked siblings) the tokens seen after it. Its owner keeps what it counts of each node in arrays of its own, indexed
 * by node, grown to {@link #capacity()}.
 */
final class Trie {
    private int nodes = 1;
    private int[] token;
    private int[] firstChild;
    private int[] nextSibling;

    Trie(int capacity) {
        token = new int[capacity];
        firstChild = new int[capacity];
        nextSibling = new int[capacity];
        Arrays.fill(firstChild, -1);
        Arrays.fill(nextSibling, -1);
    }

    /** Its nodes, the root included. */
    int size() {
        return nodes;
    }

    /** The length of its arrays: an owner's arrays of node counts are at least as long. */
    int capacity() {
        return token.length;
    }

    int token(int node) {
        return token[node];
    }

    /** The first of {@code node}'s children, −1 for none (or for node −1); each next one by {@link #nextSibling}. */
    int firstChild(int node) {
        return node < 0 ? -1 : firstChild[node];
    }

    int nextSibling(int node) {
        return nextSibling[node];
    }

    /** The child of {@code node} for token {@code t}, or −1. */
    int child(int node, int t) {
        for (int c = firstChild(node); c >= 0; c = nextSibling[c]) {
            if (token[c] == t) {
                return c;
            }
        }
        return -1;
    }

    /** The node of the last {@code n} tokens before {@code end}, or −1 when it has not got them. */
    int context(int[] history, int end, int n) {
        int node = 0;
        for (int i = end - n; i < end && node >= 0; i++) {
            node = child(node, history[i]);
        }
        return node;
    }

    /** A new child of {@code parent} for token {@code t}: its node, which may be {@link #capacity()}'s old value. */
    int add(int parent, int t) {
        if (nodes == token.length) {
            int size = token.length * 2;
            token = Arrays.copyOf(token, size);
            firstChild = Arrays.copyOf(firstChild, size);
            nextSibling = Arrays.copyOf(nextSibling, size);
            Arrays.fill(firstChild, nodes, size, -1);
            Arrays.fill(nextSibling, nodes, size, -1);
        }
        int node = nodes++;
        token[node] = t;
        nextSibling[node] = firstChild[parent];
        firstChild[parent] = node;
        return node;
    }
}
