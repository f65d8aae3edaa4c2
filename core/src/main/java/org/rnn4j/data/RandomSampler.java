package org.rnn4j.data;

import org.rnn4j.tensor.Rng;

/**
 * Random sampling, the seeds' {@code data_iter_random}: the corpus minus its last token is cut into
 * {@code (len - 1) / T} windows of T tokens, the window order is shuffled, and each minibatch takes
 * the next B windows. With a random offset (the later edition), the corpus first loses a random
 * number of leading tokens in [0, T).
 */
public final class RandomSampler implements Sampler {
    private final TokenIds corpus;
    private final int batch;
    private final int steps;
    private final boolean randomOffset;
    private final int[] order;
    private int windows;
    private int offset;
    private int cursor;

    public RandomSampler(TokenIds corpus, int batch, int steps, boolean randomOffset) {
        this.corpus = corpus;
        this.batch = batch;
        this.steps = steps;
        this.randomOffset = randomOffset;
        this.order = new int[Math.max(0, (corpus.length() - 1) / steps)];
    }

    @Override
    public Kind kind() {
        return Kind.RANDOM;
    }

    @Override
    public int batchesPerEpoch() {
        return Math.max(0, (corpus.length() - 1) / steps / batch);
    }

    @Override
    public void startEpoch(Rng rng) {
        offset = randomOffset ? rng.nextInt(steps) : 0;
        windows = (corpus.length() - offset - 1) / steps;
        for (int i = 0; i < windows; i++) {
            order[i] = i;
        }
        rng.shuffle(order, windows);
        startEpoch(order, offset);
    }

    /** Starts an epoch with a given window order, as the seed's shuffle happened to give it. */
    void startEpoch(int[] windowOrder, int startOffset) {
        if (windowOrder != order) {
            System.arraycopy(windowOrder, 0, order, 0, windowOrder.length);
            windows = windowOrder.length;
        }
        offset = startOffset;
        cursor = 0;
    }

    @Override
    public boolean next(Batch out) {
        if (cursor + batch > windows) {
            return false;
        }
        for (int b = 0; b < batch; b++) {
            out.fillRow(b, corpus, offset + order[cursor + b] * steps);
        }
        cursor += batch;
        return true;
    }
}
