package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Rng;

class KneserNeyTest {
    /**
     * By hand: "a b a b c" (1 2 1 2 3, V 4 with {@code <unk>}), order 2. Continuations: a after {b}, b after {a}, c
     * after {b}: 1 each, 3 in all, 3 types, so p₁(x) = 0.25 / 3 + 0.75 · 3 / 3 · ¼ = 0.270833… for a, b, c and 0.1875
     * for {@code <unk>}. After b: a once, c once (2 in all, 2 types): p(a | b) = 0.25 / 2 + 0.75 · p₁(a) = 0.328125,
     * p(b | b) = 0.75 · p₁(b) = 0.203125, p(unk | b) = 0.140625. After c (the text's end, nothing follows it) and at
     * the start (no context): p₁.
     */
    @Test
    void probabilitiesByHand() {
        NgramReader kn = new NgramReader(new KneserNey(new int[] {1, 2, 1, 2, 3}, 2, 4));
        double p1 = 0.25 / 3 + 0.75 / 4;
        int[] b = {2}, c = {3};
        assertEquals(0.328125, kn.probability(b, 1, 1), 1e-15);
        assertEquals(0.328125, kn.probability(b, 1, 3), 1e-15);
        assertEquals(0.75 * p1, kn.probability(b, 1, 2), 1e-15);
        assertEquals(0.140625, kn.probability(b, 1, 0), 1e-15);
        assertEquals(p1, kn.probability(c, 1, 1), 1e-15, "a context never followed backs off");
        assertEquals(p1, kn.probability(new int[0], 0, 2), 1e-15, "no context: the lowest order");
        assertEquals(0.1875, kn.probability(new int[0], 0, 0), 1e-15);
        assertEquals(1, kn.model().context());
        assertEquals(6, kn.model().nodes(), "a, b, c, ab, ba, bc");
    }

    /**
     * Against a plain reference that counts by scanning the text for every query: random texts over a few tokens
     * (many repeats, many contexts), orders 1 to 5, every context of the text and some never seen.
     */
    @Test
    void probabilityMatchesCountingByScanning() {
        Rng rng = new Rng(3);
        for (int order = 1; order <= 5; order++) {
            int vocab = 5;
            int[] text = new int[400];
            for (int i = 0; i < text.length; i++) {
                text[i] = 1 + rng.nextInt(i % 7 == 0 ? vocab - 1 : 2); // skewed: contexts of very different counts
            }
            assertReadsAsScanned(new NgramReader(new KneserNey(text, order, vocab)), rng, order, vocab, text);
        }
    }

    /**
     * A reader that has read a second text reads as the model of both texts, each its own document (no string spans
     * the two), counted by scanning: its strings' occurrences added, a left neighbour new to both counted once. The
     * second text shares some strings with the first, has others of its own, and uses a token the first never had.
     */
    @Test
    void aReaderCountsWhatItReadsAsASecondDocument() {
        Rng rng = new Rng(5);
        for (int order = 1; order <= 5; order++) {
            int vocab = 6;
            int[] text = new int[300], read = new int[150];
            for (int i = 0; i < text.length; i++) {
                text[i] = 1 + rng.nextInt(i % 7 == 0 ? vocab - 2 : 2);
            }
            KneserNey kn = new KneserNey(text, order, vocab);
            NgramReader reader = new NgramReader(kn);
            for (int i = 0; i < read.length; i++) {
                read[i] = i % 5 == 0 ? 5 : 1 + rng.nextInt(i % 3 == 0 ? 4 : 2);
                reader.read(read[i]);
                if (i % 50 == 7 || i == read.length - 1) {
                    assertReadsAsScanned(reader, rng, order, vocab, text, java.util.Arrays.copyOf(read, i + 1));
                }
            }
            assertEquals(read.length, reader.length());
            assertReadsAsScanned(new NgramReader(kn), rng, order, vocab, text);
        }
    }

    /** Its probabilities and distributions after histories of the documents' strings and of random tokens. */
    private static void assertReadsAsScanned(NgramReader reader, Rng rng, int order, int vocab, int[]... documents) {
        double[] all = new double[vocab];
        int[] last = documents[documents.length - 1];
        for (int q = 0; q < 60; q++) {
            int[] history = new int[1 + rng.nextInt(6)];
            for (int i = 0; i < history.length; i++) {
                history[i] = q % 3 == 0 ? rng.nextInt(vocab) : last[(q * 5 + i) % last.length];
            }
            int end = rng.nextInt(history.length + 1);
            reader.distribution(history, end, all);
            double sum = 0;
            for (int next = 0; next < vocab; next++) {
                double expected = scanned(documents, order, vocab, history, end, next);
                assertEquals(expected, reader.probability(history, end, next), 1e-12, "order " + order);
                assertEquals(expected, all[next], 1e-12, "the distribution is each token's probability");
                sum += all[next];
            }
            assertEquals(1, sum, 1e-12, "a distribution");
        }
    }

    @Test
    void refusesWhatItCannotCount() {
        assertThrows(IllegalArgumentException.class, () -> new KneserNey(new int[] {1, 4}, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> new KneserNey(new int[] {1, -1}, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> new KneserNey(new int[] {1, 2}, 0, 4));
    }

    /** Interpolated Kneser–Ney, each count found by scanning the whole of every document. */
    private static double scanned(int[][] documents, int order, int vocab, int[] history, int end, int next) {
        double p = 1.0 / vocab;
        for (int n = 0; n < order && n <= end; n++) {
            int[] context = java.util.Arrays.copyOfRange(history, end - n, end);
            boolean top = n == order - 1;
            double total = 0, types = 0, own = 0;
            for (int w = 0; w < vocab; w++) {
                int c = 0;
                Set<Integer> left = new HashSet<>();
                for (int[] text : documents) {
                    c += top ? occurrences(text, context, w) : 0;
                    left.addAll(leftNeighbours(text, context, w));
                }
                c += top ? 0 : left.size();
                total += c;
                types += c > 0 ? 1 : 0;
                if (w == next) {
                    own = c;
                }
            }
            if (total == 0) {
                break;
            }
            p = Math.max(own - KneserNey.DISCOUNT, 0) / total + KneserNey.DISCOUNT * types / total * p;
        }
        return p;
    }

    private static int occurrences(int[] text, int[] context, int w) {
        int n = 0;
        for (int i = 0; i + context.length < text.length; i++) {
            n += matches(text, i, context, w) ? 1 : 0;
        }
        return n;
    }

    private static Set<Integer> leftNeighbours(int[] text, int[] context, int w) {
        Set<Integer> left = new HashSet<>();
        for (int i = 1; i + context.length < text.length; i++) {
            if (matches(text, i, context, w)) {
                left.add(text[i - 1]);
            }
        }
        return left;
    }

    private static boolean matches(int[] text, int at, int[] context, int w) {
        for (int j = 0; j < context.length; j++) {
            if (text[at + j] != context[j]) {
                return false;
            }
        }
        return text[at + context.length] == w;
    }
}
