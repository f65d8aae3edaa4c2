package org.rnn4j.data;

import org.rnn4j.tensor.Rng;

/**
 * Consecutive sampling, the seeds' {@code data_iter_consecutive}: the first
 * {@code B * (len / B)} tokens are laid out as B rows, and minibatch i takes columns
 * {@code [i T, (i + 1) T)} of every row, so row b of one minibatch continues row b of the previous
 * one. With a random offset (the later edition), the corpus first loses a random number of leading
 * tokens in [0, T].
 */
public final class ConsecutiveSampler implements Sampler {
    private final TokenIds corpus;
    private final int batch;
    private final int steps;
    private final boolean randomOffset;
    private int offset;
    private int rowLength;
    private int batches;
    private int cursor;

    public ConsecutiveSampler(TokenIds corpus, int batch, int steps, boolean randomOffset) {
        this.corpus = corpus;
        this.batch = batch;
        this.steps = steps;
        this.randomOffset = randomOffset;
    }

    @Override
    public Kind kind() {
        return Kind.CONSECUTIVE;
    }

    @Override
    public int batchesPerEpoch() {
        return batchesAt(0);
    }

    private int batchesAt(int start) {
        int len = (corpus.length() - start) / batch;
        return len < 1 ? 0 : (len - 1) / steps;
    }

    @Override
    public void startEpoch(Rng rng) {
        int maxOffset = Math.min(steps, corpus.length() - Sampler.minimumTokens(batch, steps));
        offset = randomOffset && maxOffset > 0 ? rng.nextInt(maxOffset + 1) : 0;
        rowLength = (corpus.length() - offset) / batch;
        batches = batchesAt(offset);
        cursor = 0;
    }

    @Override
    public boolean next(Batch out) {
        if (cursor >= batches) {
            return false;
        }
        for (int b = 0; b < batch; b++) {
            out.fillRow(b, corpus, offset + b * rowLength + cursor * steps);
        }
        cursor++;
        return true;
    }
}
