package org.rnn4j.nn;

import java.util.Arrays;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/**
 * A stack of L recurrent layers of one cell type, the seeds' {@code nn.RNN / nn.GRU / nn.LSTM(input,
 * hidden, num_layers, dropout)}. Layer l reads the outputs of layer l−1 (the first reads one-hot
 * tokens, so its input projection is a gather of rows of W_xh, or, after an embedding, dense vectors that its owner
 * writes into {@link Buffers#dense}), with inverted dropout between layers
 * while training, and variational ("locked") dropout on the stack's one-hot inputs and on every layer's outputs, the
 * stack's included: one mask per sequence and minibatch, the same at every time step (Gal and Ghahramani; AWD-LSTM's
 * LockedDropout; on one-hot inputs a mask per sequence and vocabulary entry, which drops a token's row of W_xh for
 * the whole sequence, as AWD-LSTM's embedding dropout does), and weight
 * dropout on each recurrent matrix: W_hh with one mask per minibatch, for every step (DropConnect; AWD-LSTM's
 * WeightDrop). Per layer, with G gate blocks packed side by side:
 * <pre>
 *   W_xh (D, G·H)   W_hh (H, G·H)   b_h (G·H)   and for the GRU b_hh (G·H), added to H_{t-1} W_hh
 * </pre>
 * named {@code W_xh, W_hh, b_h} for the first layer and {@code l2.W_xh, …} for the second and above.
 * <p>
 * Everything that does not depend on the recurrence runs over all T·B rows at once (the input
 * projection forward, the weight gradients and the input gradient backward); each time step is one
 * product with W_hh, packed once per minibatch, and the cell's element-wise kernel.
 */
public final class RecurrentLayer {
    public final CellType cell;
    /** D of the first layer: the vocabulary size when its inputs are one-hot, the embedding's width when dense. */
    public final int inputSize;
    /** Whether the first layer reads dense vectors (an embedding's) rather than one-hot tokens. */
    public final boolean denseInput;
    public final int hidden;
    public final int layers;
    /** Probability of zeroing an output of every layer but the last, while training, drawn for each element. */
    public final double dropout;
    /**
     * Probability of zeroing an input token or an output unit of every layer for a whole sequence, while training
     * (locked).
     */
    public final double variational;
    /** Probability of zeroing a weight of W_hh for a whole minibatch, while training. */
    public final double weightDrop;
    private Parameters.View[] wx, wh, b, bh;

    public RecurrentLayer(CellType cell, int inputSize, int hidden, int layers, double dropout) {
        this(cell, inputSize, hidden, layers, dropout, 0);
    }

    public RecurrentLayer(CellType cell, int inputSize, int hidden, int layers, double dropout, double variational) {
        this(cell, inputSize, hidden, layers, dropout, variational, 0);
    }

    public RecurrentLayer(CellType cell, int inputSize, int hidden, int layers, double dropout, double variational,
                          double weightDrop) {
        this(cell, inputSize, hidden, layers, dropout, variational, weightDrop, false);
    }

    /** With {@code denseInput}, the first layer reads vectors of {@code inputSize} (an embedding's), not tokens. */
    public RecurrentLayer(CellType cell, int inputSize, int hidden, int layers, double dropout, double variational,
                          double weightDrop, boolean denseInput) {
        if (inputSize < 1 || hidden < 1 || layers < 1) {
            throw new IllegalArgumentException("sizes must be positive: input " + inputSize + ", hidden " + hidden
                    + ", layers " + layers);
        }
        if (!(dropout >= 0 && dropout < 1) || !(variational >= 0 && variational < 1)
                || !(weightDrop >= 0 && weightDrop < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout + ", " + variational + ", "
                    + weightDrop);
        }
        this.cell = cell;
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.layers = layers;
        this.dropout = dropout;
        this.variational = variational;
        this.weightDrop = weightDrop;
        this.denseInput = denseInput;
    }

    /** One layer, no dropout. */
    public RecurrentLayer(CellType cell, int inputSize, int hidden) {
        this(cell, inputSize, hidden, 1, 0);
    }

    private int width() {
        return cell.gates * hidden;
    }

    /** Lays out this stack's tensors; a layer belongs to one model. */
    void declare(Parameters.Builder p) {
        if (wx != null) {
            throw new IllegalStateException("this recurrent layer already belongs to a model");
        }
        wx = new Parameters.View[layers];
        wh = new Parameters.View[layers];
        b = new Parameters.View[layers];
        bh = new Parameters.View[layers];
        for (int l = 0; l < layers; l++) {
            String pre = l == 0 ? "" : "l" + (l + 1) + ".";
            wx[l] = p.add(pre + "W_xh", l == 0 ? inputSize : hidden, width());
            wh[l] = p.add(pre + "W_hh", hidden, width());
            b[l] = p.add(pre + "b_h", 1, width());
            if (cell == CellType.GRU) {
                bh[l] = p.add(pre + "b_hh", 1, width());
            }
        }
    }

    void init(Parameters p, Init init, Rng rng) {
        for (int l = 0; l < layers; l++) {
            if (init == Init.NORMAL) {
                p.initNormal(wx[l], 0.01, rng);
                p.initNormal(wh[l], 0.01, rng);
            } else {
                double bound = 1 / Math.sqrt(hidden);
                for (Parameters.View v : new Parameters.View[] {wx[l], wh[l], b[l], bh[l]}) {
                    if (v != null) {
                        p.initUniform(v, bound, rng);
                    }
                }
            }
        }
    }

    /**
     * Floating-point operations per token: per layer the recurrent product (2·H·GH forward, twice that
     * backward), and the same for the input projection of every layer above the first.
     */
    double flopsPerToken() {
        return (2.0 * layers - 1) * 6.0 * hidden * width() + (denseInput ? 6.0 * inputSize * width() : 0);
    }

    /** Activations and scratch for one (B, T) shape, allocated once. */
    final class Buffers {
        final int batch, steps;
        /**
         * Weights read as packed once at the first forward pass and never again, and no room for a
         * backward pass: for evaluation and generation.
         */
        final boolean frozen;
        boolean packed;
        /** Per layer, H_0 … H_T, each (B, H): H_{t-1} of all steps is rows [0, T·B), H_t rows [B, (T+1)·B). */
        final float[][] hs;
        /** Per layer, C_0 … C_T for an LSTM. */
        final float[][] cs;
        /** Per layer, (T·B, G·H): pre-activations, then activations, then their gradients (not for the RNN). */
        final float[][] gates;
        /** Per layer, (T·B, G·H) for the GRU: H_{t-1} W_hh + b_hh, then its gradient. */
        final float[][] gh;
        /**
         * Per layer, the dropout mask of its outputs (0 or the inverse of the keep probabilities) and the masked
         * outputs, (T·B, H); null for a layer whose outputs no dropout touches.
         */
        final float[][] masks, dropped;
        /** Whether the last forward pass applied dropout. */
        boolean droppedOut;
        /** Per layer, with weight dropout, the mask of W_hh (0 or 1/(1−p)) and W_hh masked, (H, G·H); else null. */
        final float[][] whMask, whDropped;
        /** With variational dropout, the mask of the one-hot inputs, (B, D): one factor per sequence and token. */
        final float[] inputMask;
        /** Dense inputs: the first layer's (T·B, D), written by the owner; while training, their gradient. */
        final float[] dense, dDense;
        final float[][] whPacked;
        final float[] wTPacked;
        final float[] dzPacked;
        /** dL/dH_t of the layer being differentiated, (T·B, H); the spare receives the layer below's. */
        float[] dh, dhSpare;
        final float[] dhNext, dc;
        final int[] inputs;

        Buffers(int batch, int steps, boolean frozen, Kernels kernels) {
            this.batch = batch;
            this.steps = steps;
            this.frozen = frozen;
            final int H = hidden, N = batch * steps, GH = width();
            hs = new float[layers][(steps + 1) * batch * H];
            cs = cell == CellType.LSTM ? new float[layers][(steps + 1) * batch * H] : null;
            gates = cell == CellType.RNN ? null : new float[layers][N * GH];
            gh = cell == CellType.GRU ? new float[layers][N * GH] : null;
            masks = new float[layers][];
            dropped = new float[layers][];
            for (int l = 0; l < layers && !frozen; l++) {
                if (variational > 0 || dropout > 0 && l < layers - 1) {
                    masks[l] = new float[N * H];
                    dropped[l] = new float[N * H];
                }
            }
            inputMask = variational > 0 && !frozen && !denseInput ? new float[batch * inputSize] : null;
            dense = denseInput ? new float[N * inputSize] : null;
            dDense = denseInput && !frozen ? new float[N * inputSize] : null;
            boolean dropsWeights = weightDrop > 0 && !frozen;
            whMask = dropsWeights ? new float[layers][H * GH] : null;
            whDropped = dropsWeights ? new float[layers][H * GH] : null;
            whPacked = new float[layers][kernels.packedSize(H, GH)];
            wTPacked = frozen ? null : new float[kernels.packedSize(GH, denseInput ? Math.max(H, inputSize) : H)];
            dzPacked = frozen ? null : new float[kernels.packedSize(N, GH)];
            dh = frozen ? null : new float[N * H];
            dhSpare = frozen ? null : new float[N * H];
            dhNext = frozen ? null : new float[batch * H];
            dc = frozen || cell != CellType.LSTM ? null : new float[batch * H];
            inputs = new int[N];
        }

        /** Whether the next forward pass packs the weights: every pass while training, the first one when frozen. */
        boolean repacks() {
            return !(frozen && packed);
        }

        /** The outputs H_1 … H_T of the top layer, (T·B, H) from {@link #outputOffset()}, masked if dropout ran. */
        float[] output() {
            return input(layers);
        }

        int outputOffset() {
            return inputOffset(layers);
        }

        /** Whether the last forward pass masked the inputs. */
        boolean inputsMasked() {
            return droppedOut && inputMask != null;
        }

        /** The factor of the input in row {@code row} (time-major) of the last forward pass. */
        float inputFactor(int row) {
            return inputsMasked() ? inputMask[(row % batch) * inputSize + inputs[row]] : 1f;
        }

        /** Whether the last forward pass dropped weights of W_hh. */
        boolean weightsDropped() {
            return droppedOut && whMask != null;
        }

        /** Whether the last forward pass masked the outputs of layer l. */
        boolean masked(int l) {
            return droppedOut && masks[l] != null;
        }

        /** The input of layer l ≥ 1 (l = L: of the output layer): the outputs of layer l−1, masked if dropout ran. */
        float[] input(int l) {
            return masked(l - 1) ? dropped[l - 1] : hs[l - 1];
        }

        int inputOffset(int l) {
            return masked(l - 1) ? 0 : batch * hidden;
        }
    }

    /** Buffers for (B, T) minibatches; the packed weights are laid out for {@code kernels}, which must run them. */
    Buffers buffers(int batch, int steps, boolean frozen, Kernels kernels) {
        return new Buffers(batch, steps, frozen, kernels);
    }

    State newState(int batch) {
        return new State(layers, batch, hidden, cell == CellType.LSTM);
    }

    /**
     * Forward through all layers over the time-major tokens in {@code ws.inputs}, from {@code state},
     * which receives the state after the last step. {@code dropoutRng} null: no dropout (evaluation).
     */
    void forward(Parameters p, Buffers ws, State state, Rng dropoutRng, Kernels k) {
        final int B = ws.batch, T = ws.steps, H = hidden, GH = width(), N = T * B, BH = B * H;
        final float[] w = p.data;
        boolean repack = ws.repacks();
        ws.droppedOut = dropoutRng != null;
        for (int l = 0; l < layers; l++) {
            float[] hs = ws.hs[l];
            System.arraycopy(state.h[l], 0, hs, 0, BH);
            if (ws.weightsDropped()) { // the step's product reads W_hh masked, the same mask at every step
                float[] mask = ws.whMask[l], dropped = ws.whDropped[l];
                DropoutMask.draw(mask, H * GH, weightDrop, dropoutRng);
                System.arraycopy(w, wh[l].offset(), dropped, 0, H * GH);
                k.multiply(dropped, 0, mask, 0, H * GH);
                k.pack(H, GH, dropped, 0, GH, false, ws.whPacked[l]);
            } else if (repack) {
                k.pack(H, GH, w, wh[l].offset(), GH, false, ws.whPacked[l]);
            }
            // X W_xh + b_h for all steps at once; the RNN's goes straight where H_t will be
            float[] proj = cell == CellType.RNN ? hs : ws.gates[l];
            int projOff = cell == CellType.RNN ? BH : 0;
            if (l == 0 && denseInput) {
                k.matmul(N, GH, inputSize, ws.dense, 0, inputSize, w, wx[0].offset(), GH, proj, projOff, GH, false);
                k.addRowVector(proj, projOff, N, GH, w, b[0].offset());
            } else if (l == 0) {
                k.gatherRowsAddBias(w, wx[0].offset(), GH, ws.inputs, N, w, b[0].offset(), proj, projOff);
                if (ws.inputsMasked()) { // a row of W_xh scaled by its token's factor in the sequence: s·W_xh[x] + b_h
                    DropoutMask.draw(ws.inputMask, B * inputSize, variational, dropoutRng);
                    for (int row = 0; row < N; row++) {
                        float s = ws.inputFactor(row);
                        k.scale(s, proj, projOff + row * GH, GH);
                        k.axpy(1 - s, w, b[0].offset(), proj, projOff + row * GH, GH);
                    }
                }
            } else {
                k.matmul(N, GH, H, ws.input(l), ws.inputOffset(l), H, w, wx[l].offset(), GH, proj, projOff, GH, false);
                k.addRowVector(proj, projOff, N, GH, w, b[l].offset());
            }
            switch (cell) {
                case RNN -> {
                    k.tanhRecurrence(T, B, H, hs, 0, ws.whPacked[l]);
                }
                case LSTM -> {
                    float[] cs = ws.cs[l], g = ws.gates[l];
                    System.arraycopy(state.c[l], 0, cs, 0, BH);
                    for (int t = 0; t < T; t++) {
                        k.matmulPacked(B, GH, H, hs, t * BH, H, ws.whPacked[l], g, t * B * GH, GH, true);
                        k.lstmCell(B, H, g, t * B * GH, cs, t * BH, cs, (t + 1) * BH, hs, (t + 1) * BH);
                    }
                    System.arraycopy(cs, T * BH, state.c[l], 0, BH);
                }
                case GRU -> {
                    float[] gx = ws.gates[l], gh = ws.gh[l];
                    for (int r = 0; r < N; r++) {
                        System.arraycopy(w, bh[l].offset(), gh, r * GH, GH);
                    }
                    for (int t = 0; t < T; t++) {
                        k.matmulPacked(B, GH, H, hs, t * BH, H, ws.whPacked[l], gh, t * B * GH, GH, true);
                        k.gruCell(B, H, gx, t * B * GH, gh, t * B * GH, hs, t * BH, hs, (t + 1) * BH);
                    }
                }
            }
            System.arraycopy(hs, T * BH, state.h[l], 0, BH);
            if (ws.masked(l)) {
                drawMask(ws.masks[l], l, B, T, dropoutRng);
                System.arraycopy(hs, BH, ws.dropped[l], 0, N * H);
                k.multiply(ws.dropped[l], 0, ws.masks[l], 0, N * H);
            }
        }
        ws.packed = true;
    }

    /**
     * The mask of layer l's outputs, (T·B, H): for each element, 0 with probability {@code dropout} (layers below the
     * top), else 1/(1 − dropout); times, with {@code variational} above 0, one draw per sequence and unit for all T
     * steps, 0 or 1/(1 − variational). Drawn in that order, so that a model without variational dropout draws what it
     * drew before it existed.
     */
    private void drawMask(float[] mask, int l, int B, int T, Rng rng) {
        final int H = hidden, BH = B * H, N = T * B;
        if (dropout > 0 && l < layers - 1) {
            DropoutMask.draw(mask, N * H, dropout, rng);
        } else {
            Arrays.fill(mask, 0, N * H, 1f);
        }
        if (variational > 0) {
            DropoutMask.lock(mask, BH, T, variational, rng);
        }
    }

    /**
     * Backward through time and through the layers, after {@link #forward}, with dL/dH_t of the top
     * layer in {@code ws.dh} (of its masked outputs when dropout ran): writes the gradients of this stack's tensors
     * into {@code p.grad}.
     */
    void backward(Parameters p, Buffers ws, Kernels k) {
        final int B = ws.batch, T = ws.steps, H = hidden, GH = width(), N = T * B, BH = B * H;
        final float[] w = p.data, grad = p.grad;
        if (ws.masked(layers - 1)) {
            k.multiply(ws.dh, 0, ws.masks[layers - 1], 0, N * H);
        }
        for (int l = layers - 1; l >= 0; l--) {
            float[] hs = ws.hs[l], dh = ws.dh;
            Arrays.fill(ws.dhNext, 0f);
            if (ws.weightsDropped()) {
                k.pack(GH, H, ws.whDropped[l], 0, GH, true, ws.wTPacked);
            } else {
                k.pack(GH, H, w, wh[l].offset(), GH, true, ws.wTPacked);
            }
            // from the last step back; dhNext carries dL/dH_{t-1} through W_hhᵀ
            float[] dzx, dzh;
            switch (cell) {
                case RNN -> { // dZ_t = (dH_t + dZ_{t+1} W_hhᵀ) ⊙ (1 − H_t²), in place of dH_t
                    k.tanhBackward(dh, (T - 1) * BH, ws.dhNext, 0, hs, T * BH, BH);
                    k.tanhRecurrenceBackward(T, B, H, dh, 0, hs, 0, ws.wTPacked, ws.dhNext);
                    dzx = dzh = dh;
                }
                case LSTM -> {
                    float[] cs = ws.cs[l], g = ws.gates[l];
                    Arrays.fill(ws.dc, 0f);
                    for (int t = T - 1; t >= 0; t--) {
                        k.lstmCellBackward(B, H, g, t * B * GH, cs, t * BH, cs, (t + 1) * BH, dh, t * BH,
                                ws.dhNext, ws.dc);
                        if (t > 0) {
                            k.matmulPacked(B, H, GH, g, t * B * GH, GH, ws.wTPacked, ws.dhNext, 0, H, false);
                        }
                    }
                    dzx = dzh = g;
                }
                case GRU -> {
                    float[] gx = ws.gates[l], gh = ws.gh[l];
                    for (int t = T - 1; t >= 0; t--) {
                        k.gruCellBackward(B, H, gx, t * B * GH, gh, t * B * GH, hs, t * BH, dh, t * BH, ws.dhNext);
                        if (t > 0) {
                            k.matmulPacked(B, H, GH, gh, t * B * GH, GH, ws.wTPacked, ws.dhNext, 0, H, true);
                        }
                    }
                    dzx = gx;
                    dzh = gh;
                }
                default -> throw new AssertionError(cell);
            }
            // dW_hh = Σ_t H_{t-1}ᵀ dZh_t in one product; db = Σ_rows dZ
            k.pack(N, GH, dzh, 0, GH, false, ws.dzPacked);
            k.matmulTNPacked(H, GH, N, hs, 0, H, ws.dzPacked, grad, wh[l].offset(), GH, false);
            if (ws.weightsDropped()) { // dL/dW_hh = dL/d(W_hh ⊙ M) ⊙ M
                k.multiply(grad, wh[l].offset(), ws.whMask[l], 0, H * GH);
            }
            k.columnSums(dzx, 0, N, GH, grad, b[l].offset(), false);
            if (cell == CellType.GRU) {
                k.columnSums(dzh, 0, N, GH, grad, bh[l].offset(), false);
            }
            if (l == 0 && denseInput) { // dW_xh = Xᵀ dZx; dX = dZx W_xhᵀ, for the owner of the inputs
                final int D = inputSize;
                if (dzh != dzx) {
                    k.pack(N, GH, dzx, 0, GH, false, ws.dzPacked);
                }
                k.matmulTNPacked(D, GH, N, ws.dense, 0, D, ws.dzPacked, grad, wx[0].offset(), GH, false);
                k.pack(GH, D, w, wx[0].offset(), GH, true, ws.wTPacked);
                k.matmulPacked(N, D, GH, dzx, 0, GH, ws.wTPacked, ws.dDense, 0, D, false);
            } else if (l == 0) { // one-hot inputs: dW_xh[x] += dZ row
                int off = wx[0].offset();
                Arrays.fill(grad, off, off + wx[0].size(), 0f);
                for (int row = 0; row < N; row++) {
                    k.axpy(ws.inputFactor(row), dzx, row * GH, grad, off + ws.inputs[row] * GH, GH);
                }
            } else { // dW_xh = Xᵀ dZx; dX = dZx W_xhᵀ is dL/dH of the layer below
                if (dzh != dzx) {
                    k.pack(N, GH, dzx, 0, GH, false, ws.dzPacked);
                }
                k.matmulTNPacked(H, GH, N, ws.input(l), ws.inputOffset(l), H, ws.dzPacked, grad, wx[l].offset(),
                        GH, false);
                k.pack(GH, H, w, wx[l].offset(), GH, true, ws.wTPacked);
                float[] lower = ws.dhSpare;
                k.matmulPacked(N, H, GH, dzx, 0, GH, ws.wTPacked, lower, 0, H, false);
                if (ws.masked(l - 1)) {
                    k.multiply(lower, 0, ws.masks[l - 1], 0, N * H);
                }
                ws.dhSpare = dh;
                ws.dh = lower;
            }
        }
    }
}
