package org.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Rng;

/** The samplers against the examples the seeds print for the sequence 0..29, batch 2, steps 6 (data_iter_random and data_iter_consecutive). */
class SamplerTest {
    private static final int[] SEQ = IntStream.range(0, 30).toArray();

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }

    @Test
    void consecutiveReproducesTheSeed() {
        ConsecutiveSampler s = new ConsecutiveSampler(TokenIds.of(SEQ), 2, 6, false);
        assertEquals(2, s.batchesPerEpoch());
        s.startEpoch(new Rng(1));
        Batch b = new Batch(2, 6);
        assertTrue(s.next(b));
        assertArrayEquals(concat(range(0, 6), range(15, 21)), b.x);
        assertArrayEquals(concat(range(1, 7), range(16, 22)), b.y);
        assertTrue(s.next(b));
        assertArrayEquals(concat(range(6, 12), range(21, 27)), b.x);
        assertArrayEquals(concat(range(7, 13), range(22, 28)), b.y);
        assertFalse(s.next(b));
    }

    @Test
    void randomReproducesTheSeedForItsShuffle() {
        // the seed's shuffle put the windows in the order 0, 1, 3, 2 (windows start at 0, 6, 12, 18)
        RandomSampler s = new RandomSampler(TokenIds.of(SEQ), 2, 6, false);
        assertEquals(2, s.batchesPerEpoch());
        s.startEpoch(new int[] {0, 1, 3, 2}, 0);
        Batch b = new Batch(2, 6);
        assertTrue(s.next(b));
        assertArrayEquals(concat(range(0, 6), range(6, 12)), b.x);
        assertArrayEquals(concat(range(1, 7), range(7, 13)), b.y);
        assertTrue(s.next(b));
        assertArrayEquals(concat(range(18, 24), range(12, 18)), b.x);
        assertArrayEquals(concat(range(19, 25), range(13, 19)), b.y);
        assertFalse(s.next(b));
    }

    @Test
    void randomVisitsEveryWindowOnceInASeededOrder() {
        int[] corpus = range(0, 1000);
        RandomSampler s = new RandomSampler(TokenIds.of(corpus), 4, 7, false);
        int[] first = windowStarts(s, new Rng(42));
        assertArrayEquals(first, windowStarts(s, new Rng(42)), "same seed, same order");
        assertFalse(java.util.Arrays.equals(first, windowStarts(s, new Rng(43))), "another seed, another order");
        Set<Integer> seen = new HashSet<>();
        for (int start : first) {
            assertEquals(0, start % 7);
            assertTrue(seen.add(start), "window " + start + " twice");
        }
        assertEquals((999 / 7) / 4 * 4, seen.size());
    }

    private static int[] windowStarts(RandomSampler s, Rng rng) {
        s.startEpoch(rng);
        Batch b = new Batch(4, 7);
        IntStream.Builder starts = IntStream.builder();
        while (s.next(b)) {
            for (int r = 0; r < 4; r++) {
                starts.add(b.x[r * 7]);
                for (int t = 0; t < 7; t++) {
                    assertEquals(b.x[r * 7 + t] + 1, b.y[r * 7 + t], "Y is X shifted by one");
                }
            }
        }
        return starts.build().toArray();
    }

    /**
     * With a random offset the consecutive sampler drops the first o ∈ [0, T] tokens and lays the rest out as B rows of
     * ⌊(len − o) / B⌋ tokens: row b starts at o + b·⌊(len − o) / B⌋ and continues itself minibatch after minibatch. The
     * random sampler's windows all start at o + k·T for one o ∈ [0, T) per epoch.
     */
    @Test
    void randomOffsetsStayInRangeAndKeepRowsContiguous() {
        int[] corpus = range(0, 500);
        Rng rng = new Rng(7);
        Set<Integer> offsets = new HashSet<>(), randomOffsets = new HashSet<>();
        ConsecutiveSampler c = new ConsecutiveSampler(TokenIds.of(corpus), 3, 5, true);
        RandomSampler r = new RandomSampler(TokenIds.of(corpus), 3, 5, true);
        Batch b = new Batch(3, 5);
        for (int epoch = 0; epoch < 200; epoch++) {
            c.startEpoch(rng);
            assertTrue(c.next(b));
            int offset = b.x[0];
            assertTrue(offset >= 0 && offset <= 5, "offset " + offset);
            offsets.add(offset);
            for (int row = 0; row < 3; row++) {
                assertEquals(offset + row * ((500 - offset) / 3), b.x[row * 5], "row " + row + " at offset " + offset);
            }
            int[] previous = b.x.clone();
            int batches = 1;
            while (c.next(b)) {
                batches++;
                for (int row = 0; row < 3; row++) {
                    assertEquals(previous[row * 5 + 4] + 1, b.x[row * 5], "row " + row + " continues");
                }
                System.arraycopy(b.x, 0, previous, 0, b.x.length);
            }
            assertEquals(((500 - offset) / 3 - 1) / 5, batches, "offset " + offset);
            r.startEpoch(rng);
            int randomOffset = -1;
            while (r.next(b)) {
                for (int row = 0; row < 3; row++) {
                    int start = b.x[row * 5];
                    randomOffset = randomOffset < 0 ? start % 5 : randomOffset;
                    assertEquals(randomOffset, start % 5, "every window of an epoch starts at its offset");
                    assertTrue(b.y[row * 5 + 4] < 500);
                }
            }
            randomOffsets.add(randomOffset);
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), offsets, "every consecutive offset in [0, T] occurs");
        assertEquals(Set.of(0, 1, 2, 3, 4), randomOffsets, "every random offset in [0, T) occurs");
    }

    @Test
    void tooShortCorporaGiveNoMinibatch() {
        int needed = Sampler.minimumTokens(2, 6);
        assertEquals(1, new ConsecutiveSampler(TokenIds.of(range(0, needed)), 2, 6, false).batchesPerEpoch());
        assertEquals(0, new ConsecutiveSampler(TokenIds.of(range(0, needed - 1)), 2, 6, false).batchesPerEpoch());
        assertTrue(new RandomSampler(TokenIds.of(range(0, needed)), 2, 6, false).batchesPerEpoch() >= 1);
        // random windows need T + 1 tokens each: B·T + 1 give one minibatch, B·T none
        assertEquals(1, new RandomSampler(TokenIds.of(range(0, 13)), 2, 6, false).batchesPerEpoch());
        assertEquals(0, new RandomSampler(TokenIds.of(range(0, 12)), 2, 6, false).batchesPerEpoch());
    }

    /** A corpus two tokens longer than one minibatch needs: the consecutive offset stays in [0, 2], so it always fits. */
    @Test
    void theOffsetOfAShortCorpusLeavesRoomForAMinibatch() {
        int length = Sampler.minimumTokens(2, 6) + 2;
        ConsecutiveSampler c = new ConsecutiveSampler(TokenIds.of(range(0, length)), 2, 6, true);
        Rng rng = new Rng(3);
        Set<Integer> offsets = new HashSet<>();
        Batch b = new Batch(2, 6);
        for (int epoch = 0; epoch < 100; epoch++) {
            c.startEpoch(rng);
            assertTrue(c.next(b), "epoch " + epoch);
            offsets.add(b.x[0]);
        }
        assertEquals(Set.of(0, 1, 2), offsets);
    }

    @Test
    void eachKindMakesItsSampler() {
        TokenIds ids = TokenIds.of(SEQ);
        Sampler random = Sampler.Kind.RANDOM.create(ids, 2, 6, false);
        Sampler consecutive = Sampler.Kind.CONSECUTIVE.create(ids, 2, 6, false);
        assertTrue(random instanceof RandomSampler && consecutive instanceof ConsecutiveSampler);
        assertEquals(Sampler.Kind.RANDOM, random.kind());
        assertEquals(Sampler.Kind.CONSECUTIVE, consecutive.kind());
    }
}
