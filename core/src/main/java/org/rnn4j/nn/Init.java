package org.rnn4j.nn;

/** How weights start. */
public enum Init {
    /** The from-scratch seeds: matrices from N(0, 0.01²), biases zero. */
    NORMAL,
    /** PyTorch's recurrent and linear layers, as in the concise seeds: every tensor from U(−1/√fan, 1/√fan). */
    UNIFORM
}
