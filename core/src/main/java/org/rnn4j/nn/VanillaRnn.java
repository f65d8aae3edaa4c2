package org.rnn4j.nn;

import java.util.Arrays;
import org.rnn4j.data.Batch;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/**
 * The character RNN of spec §4, from scratch:
 * <pre>
 *   H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)      W_xh (V, H), W_hh (H, H), b_h (H)
 *   O_t = H_t W_hq + b_q                            W_hq (H, V), b_q (V)
 * </pre>
 * X_t is one-hot, so {@code X_t W_xh} is a gather of rows of W_xh. Outputs are stacked time-major:
 * row {@code t * B + b} of the (T·B, V) output belongs to step t of sequence b.
 */
public final class VanillaRnn {
    public final int vocab;
    public final int hidden;
    public final Parameters params;
    public final Parameters.View wxh;
    public final Parameters.View whh;
    public final Parameters.View bh;
    public final Parameters.View whq;
    public final Parameters.View bq;
    private final Kernels k;

    /** A model with matrices drawn from N(0, 0.01²) in the order W_xh, W_hh, W_hq, and zero biases. */
    public VanillaRnn(int vocab, int hidden, Rng rng, Kernels kernels) {
        this.vocab = vocab;
        this.hidden = hidden;
        this.k = kernels;
        Parameters.Builder p = new Parameters.Builder();
        wxh = p.add("W_xh", vocab, hidden);
        whh = p.add("W_hh", hidden, hidden);
        bh = p.add("b_h", 1, hidden);
        whq = p.add("W_hq", hidden, vocab);
        bq = p.add("b_q", 1, vocab);
        params = p.build();
        params.initNormal(wxh, 0.01, rng);
        params.initNormal(whh, 0.01, rng);
        params.initNormal(whq, 0.01, rng);
    }

    /** Activations and scratch for one (B, T) shape, allocated once and reused every minibatch. */
    public final class Workspace {
        final int batch;
        final int steps;
        /** H_0 … H_T, each (B, H): H_{t-1} of all steps is rows [0, T·B), H_t rows [B, (T+1)·B). */
        final float[] hs;
        /** The outputs (T·B, V); after {@link #forward} the gradient of the loss with respect to them. */
        final float[] logits;
        /** dL/dH_t, then dL/d(pre-activation), (T·B, H). */
        final float[] dh;
        final float[] dhNext;
        final int[] labels;
        /** The input tokens, time-major like the outputs. */
        final int[] inputs;
        /** W_hh packed for the forward steps, and W_hhᵀ packed for the backward steps. */
        final float[] whhPacked;
        final float[] whhTPacked;
        final float[] whqT;
        /** dZ of all steps packed as the B of dW_hh = H_prevᵀ dZ. */
        final float[] dzPacked;

        Workspace(int batch, int steps) {
            this.batch = batch;
            this.steps = steps;
            hs = new float[(steps + 1) * batch * hidden];
            logits = new float[steps * batch * vocab];
            dh = new float[steps * batch * hidden];
            dhNext = new float[batch * hidden];
            labels = new int[steps * batch];
            inputs = new int[steps * batch];
            whhPacked = new float[Kernels.packedSize(hidden, hidden)];
            whhTPacked = new float[Kernels.packedSize(hidden, hidden)];
            whqT = new float[vocab * hidden];
            dzPacked = new float[Kernels.packedSize(steps * batch, hidden)];
        }

        /** The outputs O of the last forward pass, (T·B, V) time-major; valid until {@link #backward}. */
        public float[] outputs() {
            return logits;
        }
    }

    public Workspace workspace(int batch, int steps) {
        return new Workspace(batch, steps);
    }

    /** A zero state, (B, H). */
    public float[] newState(int batch) {
        return new float[batch * hidden];
    }

    /**
     * Forward pass of a minibatch from the state (B, H), which is updated to H_T. Leaves the outputs O
     * in {@link Workspace#outputs()}.
     */
    public void forward(Workspace ws, int[] x, float[] state) {
        final int B = ws.batch, T = ws.steps, H = hidden, V = vocab;
        float[] w = params.data;
        System.arraycopy(state, 0, ws.hs, 0, B * H);
        k.pack(H, H, w, whh.offset(), H, false, ws.whhPacked);
        // X_t W_xh + b_h for every step at once, time-major: a gather of rows of W_xh
        timeMajor(x, B, T, ws.inputs);
        k.gatherRowsAddBias(w, wxh.offset(), H, ws.inputs, T * B, w, bh.offset(), ws.hs, B * H);
        for (int t = 0; t < T; t++) {
            int prev = t * B * H, cur = prev + B * H;
            k.matmulPackedAddTanh(B, H, H, ws.hs, prev, H, ws.whhPacked, ws.hs, cur, H);
        }
        // the output layer does not depend on the recurrence: one (T·B, H)·(H, V) product
        k.matmul(T * B, V, H, ws.hs, B * H, H, w, whq.offset(), V, ws.logits, 0, V, false);
        k.addRowVector(ws.logits, 0, T * B, V, w, bq.offset());
        System.arraycopy(ws.hs, T * B * H, state, 0, B * H);
    }

    /**
     * Mean softmax cross-entropy of the outputs of the last {@link #forward} against the labels
     * (B, T); replaces the outputs by their gradient. Returns the summed loss over T·B predictions.
     */
    public double loss(Workspace ws, int[] y) {
        timeMajor(y, ws.batch, ws.steps, ws.labels);
        return k.softmaxCrossEntropy(ws.logits, 0, ws.steps * ws.batch, vocab, ws.labels);
    }

    /**
     * Backward through time after {@link #forward} and {@link #loss}: writes the gradient of the
     * mean loss into {@code params.grad} (overwriting it). The state entering the minibatch is a
     * constant (detached).
     */
    public void backward(Workspace ws) {
        final int B = ws.batch, T = ws.steps, H = hidden, V = vocab, N = T * B;
        float[] w = params.data, g = params.grad;
        float[] dO = ws.logits;
        // O = H W_hq + b_q  →  dW_hq = Hᵀ dO,  db_q = Σ_rows dO,  dH = dO W_hqᵀ
        // (dW_hq is computed as its transpose dOᵀ H, (V, H): wide rows suit the kernels when V is small)
        k.matmulTN(V, H, N, dO, 0, V, ws.hs, B * H, H, ws.whqT, 0, H, false);
        k.transpose(V, H, ws.whqT, 0, g, whq.offset());
        k.columnSums(dO, 0, N, V, g, bq.offset(), false);
        k.transpose(H, V, w, whq.offset(), ws.whqT, 0);
        k.matmul(N, H, V, dO, 0, V, ws.whqT, 0, H, ws.dh, 0, H, false);
        // H_t = tanh(Z_t), Z_t = X_t W_xh + H_{t-1} W_hh + b_h, from the last step back:
        //   dZ_t = (dH_t + dZ_{t+1} W_hhᵀ) ⊙ (1 − H_t²)
        k.pack(H, H, w, whh.offset(), H, true, ws.whhTPacked);
        Arrays.fill(ws.dhNext, 0f);
        for (int t = T - 1; t >= 0; t--) {
            int cur = t * B * H;
            k.tanhBackward(ws.dh, cur, ws.dhNext, 0, ws.hs, cur + B * H, B * H);
            if (t > 0) {
                k.matmulPacked(B, H, H, ws.dh, cur, H, ws.whhTPacked, ws.dhNext, 0, H, false);
            }
        }
        // dW_hh = Σ_t H_{t-1}ᵀ dZ_t (one product over all steps), db_h = Σ dZ, dW_xh[x] += dZ rows
        k.pack(N, H, ws.dh, 0, H, false, ws.dzPacked);
        k.matmulTNPacked(H, H, N, ws.hs, 0, H, ws.dzPacked, g, whh.offset(), H, false);
        k.columnSums(ws.dh, 0, N, H, g, bh.offset(), false);
        Arrays.fill(g, wxh.offset(), wxh.offset() + wxh.size(), 0f);
        for (int row = 0; row < N; row++) {
            k.axpy(1f, ws.dh, row * H, g, wxh.offset() + ws.inputs[row] * H, H);
        }
    }

    /** A (B, T) row-major array of tokens as (T, B): the order of the stacked outputs. */
    private static void timeMajor(int[] bt, int batch, int steps, int[] out) {
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                out[t * batch + b] = bt[b * steps + t];
            }
        }
    }

    /**
     * Floating-point operations of one training token: the products H_{t-1} W_hh and H_t W_hq
     * forward (2H² + 2HV), and twice that backward (input gradients and weight gradients).
     */
    public double flopsPerToken() {
        return 6.0 * hidden * hidden + 6.0 * hidden * vocab;
    }

    /** Forward, loss and backward of one minibatch; returns the summed loss. */
    public double trainStep(Workspace ws, Batch batch, float[] state) {
        forward(ws, batch.x, state);
        double loss = loss(ws, batch.y);
        backward(ws);
        return loss;
    }

    /**
     * One step of one sequence, for generation: {@code h} (H) is updated in place, {@code logits} (V)
     * receives O_t. {@code scratch} holds H floats.
     */
    public void step(int token, float[] h, float[] scratch, float[] logits) {
        float[] w = params.data;
        int src = wxh.offset() + token * hidden;
        for (int j = 0; j < hidden; j++) {
            scratch[j] = w[src + j] + w[bh.offset() + j];
        }
        k.matmul(1, hidden, hidden, h, 0, hidden, w, whh.offset(), hidden, scratch, 0, hidden, true);
        k.tanh(scratch, 0, hidden);
        System.arraycopy(scratch, 0, h, 0, hidden);
        k.matmul(1, vocab, hidden, h, 0, hidden, w, whq.offset(), vocab, logits, 0, vocab, false);
        k.addRowVector(logits, 0, 1, vocab, w, bq.offset());
    }
}
