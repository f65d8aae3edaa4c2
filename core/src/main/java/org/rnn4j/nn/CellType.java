package org.rnn4j.nn;

/**
 * The recurrent cells, with the number of gate blocks whose weights are packed side by side
 * (columns [k·H, (k+1)·H) of W_xh, W_hh and b_h belong to gate k, in the order given).
 */
public enum CellType {
    /** {@code H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)}. */
    RNN(1),
    /** Gates [r z n], PyTorch's {@code nn.GRU} equations (see {@code Kernels.gruCell}). */
    GRU(3),
    /** Gates [i f g o], PyTorch's {@code nn.LSTM} equations (see {@code Kernels.lstmCell}). */
    LSTM(4);

    /** Gate blocks of H columns each. */
    public final int gates;

    CellType(int gates) {
        this.gates = gates;
    }
}
