package org.rnn4j.nn;

import java.util.Arrays;

/**
 * The recurrent state of a batch of sequences: h of every layer, and c of every layer for an LSTM,
 * each (B, H). A forward pass reads it and leaves the state after its last step in it, so carrying
 * a state from one minibatch to the next is passing the same object again.
 * <p>
 * Backward passes stop at the start of their minibatch (truncated BPTT): a carried state is always
 * treated as a constant, which is what the seeds' {@code state.detach_()} asks for, so there is no
 * graph to detach it from.
 */
public final class State {
    final int batch;
    final float[][] h;
    final float[][] c;

    State(int layers, int batch, int hidden, boolean withCell) {
        this.batch = batch;
        h = new float[layers][batch * hidden];
        c = withCell ? new float[layers][batch * hidden] : null;
    }

    private State(State other) {
        batch = other.batch;
        h = deepCopy(other.h);
        c = other.c == null ? null : deepCopy(other.c);
    }

    /** Sequences in the batch. */
    /** The layers it holds a state of. */
    public int layers() {
        return h.length;
    }

    public int batch() {
        return batch;
    }

    /** h of layer {@code layer} (0 = the lowest), (B, H) row-major; live, not a copy. */
    public float[] h(int layer) {
        return h[layer];
    }

    /** c of layer {@code layer} for an LSTM, live; {@code null} for other cells. */
    public float[] c(int layer) {
        return c == null ? null : c[layer];
    }

    /** Back to zero, the state at the start of a sequence. */
    public void reset() {
        for (float[] x : h) {
            Arrays.fill(x, 0f);
        }
        if (c != null) {
            for (float[] x : c) {
                Arrays.fill(x, 0f);
            }
        }
    }

    /** Sets sequence {@code row} of this state to sequence {@code fromRow} of {@code other} (of the same model). */
    public void copyRow(int row, State other, int fromRow) {
        for (int l = 0; l < h.length; l++) {
            int width = h[l].length / batch;
            System.arraycopy(other.h[l], fromRow * width, h[l], row * width, width);
            if (c != null) {
                System.arraycopy(other.c[l], fromRow * width, c[l], row * width, width);
            }
        }
    }

    /** An independent copy. */
    public State copy() {
        return new State(this);
    }

    private static float[][] deepCopy(float[][] x) {
        float[][] y = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
        }
        return y;
    }
}
