package org.rnn4j.tensor;

/**
 * The recurrent cells in plain Java, on a range of rows and hidden units: the reference twins of {@link VectorCells},
 * whose backward passes run these for their tails; {@link Kernels}' cell methods, where the equations are, call them
 * over every row.
 */
final class PlainCells {
    private PlainCells() {
    }

    /** {@link Kernels#lstmCell} on rows [r0, r1) and hidden units [j0, H). */
    static void lstmCell(int r0, int r1, int j0, int hidden, float[] gates, int gOff, float[] cPrev,
                                   int cpOff, float[] c, int cOff, float[] h, int hOff) {
        final int H = hidden;
        for (int r = r0; r < r1; r++) {
            int g = gOff + r * 4 * H, s = r * H;
            for (int j = j0; j < H; j++) {
                float i = sigmoid(gates[g + j]), f = sigmoid(gates[g + H + j]);
                float gg = (float) Math.tanh(gates[g + 2 * H + j]), o = sigmoid(gates[g + 3 * H + j]);
                gates[g + j] = i;
                gates[g + H + j] = f;
                gates[g + 2 * H + j] = gg;
                gates[g + 3 * H + j] = o;
                float ct = f * cPrev[cpOff + s + j] + i * gg;
                c[cOff + s + j] = ct;
                h[hOff + s + j] = o * (float) Math.tanh(ct);
            }
        }
    }

    /** {@link Kernels#lstmCellBackward} on rows [r0, r1) and hidden units [j0, H). */
    static void lstmCellBackward(int r0, int r1, int j0, int hidden, float[] gates, int gOff, float[] cPrev,
                                           int cpOff, float[] c, int cOff, float[] dh, int dhOff, float[] dhNext,
                                           float[] dc) {
        final int H = hidden;
        for (int r = r0; r < r1; r++) {
            int g = gOff + r * 4 * H, s = r * H;
            for (int j = j0; j < H; j++) {
                float i = gates[g + j], f = gates[g + H + j], gg = gates[g + 2 * H + j], o = gates[g + 3 * H + j];
                float dhT = dh[dhOff + s + j] + dhNext[s + j];
                float tc = (float) Math.tanh(c[cOff + s + j]);
                float dct = dc[s + j] + dhT * o * (1f - tc * tc);
                gates[g + j] = dct * gg * i * (1f - i);
                gates[g + H + j] = dct * cPrev[cpOff + s + j] * f * (1f - f);
                gates[g + 2 * H + j] = dct * i * (1f - gg * gg);
                gates[g + 3 * H + j] = dhT * tc * o * (1f - o);
                dc[s + j] = dct * f;
            }
        }
    }

    /** {@link Kernels#gruCell} on rows [r0, r1) and hidden units [j0, H). */
    static void gruCell(int r0, int r1, int j0, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                                  float[] hPrev, int hpOff, float[] h, int hOff) {
        final int H = hidden;
        for (int row = r0; row < r1; row++) {
            int x = gxOff + row * 3 * H, q = ghOff + row * 3 * H, s = row * H;
            for (int j = j0; j < H; j++) {
                float r = sigmoid(gx[x + j] + gh[q + j]), z = sigmoid(gx[x + H + j] + gh[q + H + j]);
                float n = (float) Math.tanh(gx[x + 2 * H + j] + r * gh[q + 2 * H + j]);
                gx[x + j] = r;
                gx[x + H + j] = z;
                gx[x + 2 * H + j] = n;
                h[hOff + s + j] = n + z * (hPrev[hpOff + s + j] - n);
            }
        }
    }

    /** {@link Kernels#gruCellBackward} on rows [r0, r1) and hidden units [j0, H). */
    static void gruCellBackward(int r0, int r1, int j0, int hidden, float[] gx, int gxOff, float[] gh,
                                          int ghOff, float[] hPrev, int hpOff, float[] dh, int dhOff, float[] dhNext) {
        final int H = hidden;
        for (int row = r0; row < r1; row++) {
            int x = gxOff + row * 3 * H, q = ghOff + row * 3 * H, s = row * H;
            for (int j = j0; j < H; j++) {
                float r = gx[x + j], z = gx[x + H + j], n = gx[x + 2 * H + j];
                float dhT = dh[dhOff + s + j] + dhNext[s + j];
                float dan = dhT * (1f - z) * (1f - n * n);
                float dar = dan * gh[q + 2 * H + j] * r * (1f - r);
                float daz = dhT * (hPrev[hpOff + s + j] - n) * z * (1f - z);
                gx[x + j] = dar;
                gx[x + H + j] = daz;
                gx[x + 2 * H + j] = dan;
                gh[q + j] = dar;
                gh[q + H + j] = daz;
                gh[q + 2 * H + j] = dan * r;
                dhNext[s + j] = dhT * z;
            }
        }
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
