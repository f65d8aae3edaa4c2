package org.rnn4j.data;

/**
 * One minibatch: inputs {@code x} and labels {@code y} (x shifted by one token), both (B, T) stored
 * row-major, {@code x[b * T + t]}. Filled in place by a sampler, so a training loop reuses one.
 */
public final class Batch {
    public final int batch;
    public final int steps;
    public final int[] x;
    public final int[] y;

    public Batch(int batch, int steps) {
        this.batch = batch;
        this.steps = steps;
        this.x = new int[batch * steps];
        this.y = new int[batch * steps];
    }

    /** Row {@code b} of X and Y is the window of {@code steps} tokens starting at {@code start}. */
    void fillRow(int b, TokenIds corpus, int start) {
        corpus.copyTo(start, x, b * steps, steps);
        corpus.copyTo(start + 1, y, b * steps, steps);
    }
}
