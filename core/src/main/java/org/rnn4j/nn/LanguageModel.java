package org.rnn4j.nn;

import org.rnn4j.data.Batch;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.tensor.WorkerTeam;

/**
 * The seeds' {@code RNNModel(rnn_layer, vocab_size)}: one-hot tokens into a {@link RecurrentLayer},
 * its top outputs into a dense layer {@code O_t = H_t W_hq + b_q} (W_hq (H, V), b_q (V)). Outputs are
 * stacked time-major: row {@code t * B + b} of the (T·B, V) output belongs to step t of sequence b.
 * <p>
 * With a one-layer {@link CellType#RNN} this is the seeds' from-scratch model ({@code rnn} of "RNN from scratch"), tensor for tensor:
 * {@code W_xh, W_hh, b_h, W_hq, b_q}.
 * <p>
 * With an embedding, a token is first its row of {@code E (V, E)}, a dense vector the recurrent layer reads: fewer
 * weights than one-hot rows of W_xh when the vocabulary is large. Tied ({@code E} = H), the output layer reads
 * {@code E} too, as {@code W_hq = Eᵀ} (Press and Wolf; Inan et al.), and E's gradient is the sum of both uses.
 */
public final class LanguageModel {
    /**
     * A token id meaning "no token": its one-hot vector is all zeros, so the step sees only the
     * biases and the state. Generation starts an empty prefix with it.
     */
    public static final int NO_INPUT = -1;

    public final RecurrentLayer rnn;
    public final int vocab;
    public final int hidden;
    public final Parameters params;
    /** W_hq, or null when tied to the embedding. */
    public final Parameters.View whq;
    public final Parameters.View bq;
    /** The embedding E (V, E), or null for one-hot inputs. */
    public final Parameters.View embedding;
    private final Kernels k;
    /** The count model it is mixed with when it reads or generates, or null. */
    private final Memory memory;

    /**
     * Lays out and initialises the parameters: with {@link Init#NORMAL} the matrices in the order
     * W_xh, W_hh (layer by layer), W_hq, from N(0, 0.01²), biases zero.
     */
    public LanguageModel(RecurrentLayer rnn, int vocab, Init init, Rng rng, Kernels kernels) {
        this(rnn, vocab, false, init, rng, kernels);
    }

    /**
     * A model whose recurrent layer reads an embedding's vectors when it has {@link RecurrentLayer#denseInput}: the
     * embedding {@code E (V, rnn.inputSize)} comes first, from U(−0.1, 0.1) (AWD-LSTM's), or N(0, 0.01²) with
     * {@link Init#NORMAL}; {@code tie}: the output layer's weights are Eᵀ, which needs E as wide as the hidden state.
     */
    public LanguageModel(RecurrentLayer rnn, int vocab, boolean tie, Init init, Rng rng, Kernels kernels) {
        if (!rnn.denseInput && rnn.inputSize != vocab) {
            throw new IllegalArgumentException("the recurrent layer reads " + rnn.inputSize
                    + " inputs but the vocabulary has " + vocab + " tokens");
        }
        if (tie && (!rnn.denseInput || rnn.inputSize != rnn.hidden)) {
            throw new IllegalArgumentException("tying the output layer to the embedding needs an embedding as wide as "
                    + "the hidden state (" + rnn.hidden + ")");
        }
        this.rnn = rnn;
        this.vocab = vocab;
        this.hidden = rnn.hidden;
        this.k = kernels;
        this.memory = null;
        Parameters.Builder p = new Parameters.Builder();
        embedding = rnn.denseInput ? p.add("E", vocab, rnn.inputSize) : null;
        rnn.declare(p);
        whq = tie ? null : p.add("W_hq", hidden, vocab);
        bq = p.add("b_q", 1, vocab);
        params = p.build();
        if (embedding != null) {
            if (init == Init.NORMAL) {
                params.initNormal(embedding, 0.01, rng);
            } else {
                params.initUniform(embedding, 0.1, rng);
            }
        }
        rnn.init(params, init, rng);
        if (init == Init.NORMAL) {
            if (whq != null) {
                params.initNormal(whq, 0.01, rng);
            }
        } else {
            if (whq != null) {
                params.initUniform(whq, 1 / Math.sqrt(hidden), rng);
            }
            params.initUniform(bq, 1 / Math.sqrt(hidden), rng);
        }
    }

    /** Whether the output layer's weights are the embedding's, transposed. */
    public boolean tied() {
        return whq == null;
    }

    private LanguageModel(LanguageModel shared, Kernels kernels, Memory memory) {
        rnn = shared.rnn;
        vocab = shared.vocab;
        hidden = shared.hidden;
        params = shared.params;
        whq = shared.whq;
        bq = shared.bq;
        embedding = shared.embedding;
        k = kernels;
        this.memory = memory;
    }

    /**
     * This model, its very parameters shared (not copied), computing with other kernels: a kernel instance serves one
     * thread at a time, so each thread that runs the model at once needs its own view.
     */
    public LanguageModel withKernels(Kernels kernels) {
        return new LanguageModel(this, kernels, memory);
    }

    /**
     * This model, its very parameters shared, mixed with {@code memory} (null: none) wherever it reads a text or
     * generates: {@link org.rnn4j.train.Evaluation} and {@link org.rnn4j.generate.Stream} mix; training does not.
     */
    public LanguageModel withMemory(Memory memory) {
        if (memory != null && memory.ngram().vocab() != vocab) {
            throw new IllegalArgumentException("a memory of " + memory.ngram().vocab() + " tokens for a model of "
                    + vocab);
        }
        return new LanguageModel(this, k, memory);
    }

    /** The memory of the training text it is mixed with, or null. */
    public Memory memory() {
        return memory;
    }

    /** Activations and scratch for one (B, T) shape, allocated once and reused every minibatch. */
    public final class Workspace {
        final RecurrentLayer.Buffers rec;
        /** The outputs (T·B, V); after {@link #loss} the gradient of the loss with respect to them. */
        final float[] logits;
        /** W_hq packed; H_1 … H_T packed for dW_hq; W_hqᵀ packed for dH; dW_hqᵀ before it is transposed. */
        final float[] whqPacked, hsPacked, whqTPacked, whqT;
        final int[] labels;
        /** With an embedding and variational dropout, one factor per sequence and token, (B, V), while training. */
        final float[] embeddingMask;
        boolean embeddingMasked;

        Workspace(int batch, int steps, boolean frozen) {
            rec = rnn.buffers(batch, steps, frozen, k);
            logits = new float[steps * batch * vocab];
            whqPacked = new float[k.packedSize(hidden, vocab)];
            hsPacked = frozen ? null : new float[k.packedSize(steps * batch, hidden)];
            whqTPacked = frozen ? null : new float[k.packedSize(vocab, hidden)];
            whqT = frozen || tied() ? null : new float[vocab * hidden];
            labels = new int[steps * batch];
            embeddingMask = embedding != null && rnn.variational > 0 && !frozen ? new float[batch * vocab] : null;
        }

        /** The outputs O of the last forward pass, (T·B, V) time-major; valid until {@link #backward}. */
        public float[] outputs() {
            return logits;
        }
    }

    /** A workspace for training on (B, T) minibatches. */
    public Workspace workspace(int batch, int steps) {
        return new Workspace(batch, steps, false);
    }

    /**
     * A workspace for evaluation and generation (forward passes only): it reads the weights as they
     * are at its first use, packed once, and must not be used after they change.
     */
    public Workspace inferenceWorkspace(int batch, int steps) {
        return new Workspace(batch, steps, true);
    }

    /** An {@link #inferenceWorkspace} for generation, one token at a time for each of {@code batch} sequences. */
    public Workspace generationWorkspace(int batch) {
        return inferenceWorkspace(batch, 1);
    }

    /** {@link Kernels#parallel} on this model's kernels: independent work of each of n sequences, from its thread. */
    public void parallel(int n, WorkerTeam.Job job) {
        k.parallel(n, job);
    }

    /** A zero state for {@code batch} sequences. */
    public State newState(int batch) {
        return rnn.newState(batch);
    }

    /**
     * Forward pass of a minibatch of tokens x (B, T) from {@code state}, which is updated to the
     * state after step T. Leaves the outputs in {@link Workspace#outputs()}. {@code dropoutRng}
     * draws the dropout masks while training; null for evaluation.
     */
    public void forward(Workspace ws, int[] x, State state, Rng dropoutRng) {
        RecurrentLayer.Buffers rec = ws.rec;
        final int B = rec.batch, T = rec.steps, N = T * B, H = hidden, V = vocab;
        if (state.batch != B) {
            throw new IllegalArgumentException("the state holds " + state.batch + " sequences, the workspace " + B);
        }
        timeMajor(x, B, T, rec.inputs);
        float[] w = params.data;
        if (embedding != null) {
            embed(ws, dropoutRng);
        }
        boolean repack = rec.repacks(); // asked before the recurrent layer's pass, which marks the weights packed
        rnn.forward(params, rec, state, dropoutRng, k);
        // the output layer does not depend on the recurrence: one (T·B, H)·(H, V) product
        if (repack) { // W_hq, or Eᵀ read from E (V, H) when tied
            k.pack(H, V, w, tied() ? embedding.offset() : whq.offset(), tied() ? H : V, tied(), ws.whqPacked);
        }
        k.matmulPackedAddBias(N, V, H, rec.output(), rec.outputOffset(), H, ws.whqPacked, ws.logits, 0, V,
                w, bq.offset());
    }

    /**
     * Each token's row of E as the recurrent layer's input (no input: zeros); with variational dropout while training,
     * scaled by one factor per sequence and token, drawn for the minibatch: a token dropped is dropped all sequence
     * long (AWD-LSTM's embedding dropout).
     */
    private void embed(Workspace ws, Rng dropoutRng) {
        RecurrentLayer.Buffers rec = ws.rec;
        final int N = rec.steps * rec.batch, D = rnn.inputSize, B = rec.batch;
        float[] w = params.data;
        ws.embeddingMasked = dropoutRng != null && ws.embeddingMask != null;
        if (ws.embeddingMasked) {
            DropoutMask.draw(ws.embeddingMask, B * vocab, rnn.variational, dropoutRng);
        }
        for (int row = 0; row < N; row++) {
            int token = rec.inputs[row];
            if (token < 0) {
                java.util.Arrays.fill(rec.dense, row * D, (row + 1) * D, 0f);
                continue;
            }
            System.arraycopy(w, embedding.offset() + token * D, rec.dense, row * D, D);
            if (ws.embeddingMasked) {
                k.scale(ws.embeddingMask[(row % B) * vocab + token], rec.dense, row * D, D);
            }
        }
    }

    /**
     * Mean softmax cross-entropy of the outputs of the last {@link #forward} against the labels
     * (B, T); replaces the outputs by their gradient. Returns the summed loss over T·B predictions.
     */
    public double loss(Workspace ws, int[] y) {
        timeMajor(y, ws.rec.batch, ws.rec.steps, ws.labels);
        return k.softmaxCrossEntropy(ws.logits, 0, ws.rec.steps * ws.rec.batch, vocab, ws.labels);
    }

    /**
     * Backward through time after {@link #forward} and {@link #loss}: writes the gradient of the mean
     * loss into {@code params.grad} (overwriting it). The state entering the minibatch is a constant.
     */
    public void backward(Workspace ws) {
        RecurrentLayer.Buffers rec = ws.rec;
        final int N = rec.steps * rec.batch, H = hidden, V = vocab;
        float[] w = params.data, g = params.grad, dO = ws.logits;
        // O = H W_hq + b_q  →  dW_hq = Hᵀ dO,  db_q = Σ_rows dO,  dH = dO W_hqᵀ
        // (dW_hq is computed as its transpose dOᵀ H, (V, H): wide rows suit the kernels when V is small)
        // (tied: dW_hqᵀ is E's share from the output layer, (V, H) as E is, and W_hqᵀ is E itself)
        k.pack(N, H, rec.output(), rec.outputOffset(), H, false, ws.hsPacked);
        k.matmulTNPacked(V, H, N, dO, 0, V, ws.hsPacked, tied() ? g : ws.whqT, tied() ? embedding.offset() : 0, H, false);
        if (!tied()) {
            k.transpose(V, H, ws.whqT, 0, g, whq.offset());
        }
        k.columnSums(dO, 0, N, V, g, bq.offset(), false);
        if (tied()) {
            k.pack(V, H, w, embedding.offset(), H, false, ws.whqTPacked);
        } else {
            k.pack(V, H, w, whq.offset(), V, true, ws.whqTPacked);
        }
        k.matmulPacked(N, H, V, dO, 0, V, ws.whqTPacked, rec.dh, 0, H, false);
        rnn.backward(params, rec, k);
        if (embedding != null) { // dE[x] += s · dX row, the factor the row was scaled by
            final int D = rnn.inputSize, B = rec.batch;
            if (!tied()) {
                java.util.Arrays.fill(g, embedding.offset(), embedding.offset() + embedding.size(), 0f);
            }
            for (int row = 0; row < N; row++) {
                int token = rec.inputs[row];
                if (token >= 0) {
                    float s = ws.embeddingMasked ? ws.embeddingMask[(row % B) * vocab + token] : 1f;
                    k.axpy(s, rec.dDense, row * D, g, embedding.offset() + token * D, D);
                }
            }
        }
    }

    /** Forward, loss and backward of one minibatch; returns the summed loss. */
    public double trainStep(Workspace ws, Batch batch, State state, Rng dropoutRng) {
        forward(ws, batch.x, state, dropoutRng);
        double loss = loss(ws, batch.y);
        backward(ws);
        return loss;
    }

    /** Floating-point operations of one training token (forward and backward). */
    public double flopsPerToken() {
        return rnn.flopsPerToken() + 6.0 * hidden * vocab;
    }

    /** A (B, T) row-major array of tokens as (T, B): the order of the stacked outputs. */
    private static void timeMajor(int[] bt, int batch, int steps, int[] out) {
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                out[t * batch + b] = bt[b * steps + t];
            }
        }
    }
}
