package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent cells' element-wise work with the Vector API: tanh (and σ through it) and the LSTM and GRU steps,
 * forward and backward, on a range of rows; their reference twins are {@link Kernels#tanh} and {@link PlainCells}
 * (which the equations are in {@link Kernels#lstmCell}, {@link Kernels#lstmCellBackward}, {@link Kernels#gruCell} and
 * {@link Kernels#gruCellBackward}), whose backward loops also run the tails of the backward passes here.
 */
final class VectorCells {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int L = Simd.L;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private VectorCells() {
    }

    // tanh as Eigen's rational approximation (odd degree 13 over even degree 6): a few ulp on
    // [-7.9, 7.9], where float tanh is ±1 beyond; fused multiply-adds only, no exponential.
    private static final float TANH_CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f,
            A5 = 1.48572235717979e-05f, A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f,
            A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f,
            B4 = 1.18534705686654e-04f, B6 = 1.19825839466702e-06f;

    private static float tanh(float x) {
        float v = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float x2 = v * v;
        float p = Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, A13, A11), A9), A7),
                A5), A3), A1) * v;
        float q = Math.fma(x2, Math.fma(x2, Math.fma(x2, B6, B4), B2), B0);
        return p / q;
    }

    private static final FloatVector VA1 = FloatVector.broadcast(S, A1), VA3 = FloatVector.broadcast(S, A3),
            VA5 = FloatVector.broadcast(S, A5), VA7 = FloatVector.broadcast(S, A7), VA9 = FloatVector.broadcast(S, A9),
            VA11 = FloatVector.broadcast(S, A11), VA13 = FloatVector.broadcast(S, A13),
            VB0 = FloatVector.broadcast(S, B0), VB2 = FloatVector.broadcast(S, B2), VB4 = FloatVector.broadcast(S, B4),
            VB6 = FloatVector.broadcast(S, B6), CLAMP_HI = FloatVector.broadcast(S, TANH_CLAMP),
            CLAMP_LO = FloatVector.broadcast(S, -TANH_CLAMP);

    private static FloatVector tanh(FloatVector x) {
        FloatVector v = x.max(CLAMP_LO).min(CLAMP_HI);
        FloatVector x2 = v.mul(v);
        FloatVector p = x2.fma(VA13, VA11).fma(x2, VA9).fma(x2, VA7).fma(x2, VA5).fma(x2, VA3).fma(x2, VA1).mul(v);
        FloatVector q = x2.fma(VB6, VB4).fma(x2, VB2).fma(x2, VB0);
        return p.div(q);
    }

    /**
     * {@code x = s · tanh(s · (x + y)) + (1 − s)} over {@code len} elements ({@code y} null: x alone):
     * tanh with s = 1, and σ with s = ½, as σ(u) = ½ tanh(u / 2) + ½. One expansion of the vector
     * tanh serves every gate: with one per gate in the same method, C2 hit its node-count limit,
     * stopped inlining, and fell back to the allocating Java versions of the vector operations.
     */
    static void activate(float[] x, int xOff, float[] y, int yOff, int len, float s) {
        final float shift = 1f - s;
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector u = FloatVector.fromArray(S, x, xOff + i);
            if (y != null) {
                u = u.add(FloatVector.fromArray(S, y, yOff + i));
            }
            tanh(u.mul(s)).mul(s).add(shift).intoArray(x, xOff + i);
        }
        for (; i < len; i++) {
            float u = y == null ? x[xOff + i] : x[xOff + i] + y[yOff + i];
            x[xOff + i] = Math.fma(s, tanh(s * u), shift);
        }
    }

    static void lstmRows(int r0, int r1, int hidden, float[] gates, int gOff, float[] cPrev, int cpOff,
                                 float[] c, int cOff, float[] h, int hOff) {
        final int H = hidden;
        for (int r = r0; r < r1; r++) {
            int g = gOff + r * 4 * H, s = r * H, j = 0;
            for (int block = 0; block < 4; block++) { // σ for i, f and o, tanh for g
                activate(gates, g + block * H, null, 0, H, block == 2 ? 1f : 0.5f);
            }
            for (; j + L <= H; j += L) {
                FloatVector i = FloatVector.fromArray(S, gates, g + j);
                FloatVector f = FloatVector.fromArray(S, gates, g + H + j);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * H + j);
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * H + j);
                FloatVector ct = f.fma(FloatVector.fromArray(S, cPrev, cpOff + s + j), i.mul(gg));
                ct.intoArray(c, cOff + s + j);
                o.mul(tanh(ct)).intoArray(h, hOff + s + j);
            }
            for (; j < H; j++) { // the gates are activated already
                float ct = gates[g + H + j] * cPrev[cpOff + s + j] + gates[g + j] * gates[g + 2 * H + j];
                c[cOff + s + j] = ct;
                h[hOff + s + j] = gates[g + 3 * H + j] * tanh(ct);
            }
        }
    }

    static void lstmBackwardRows(int r0, int r1, int hidden, float[] gates, int gOff, float[] cPrev,
                                         int cpOff, float[] c, int cOff, float[] dh, int dhOff, float[] dhNext,
                                         float[] dc) {
        final int H = hidden;
        for (int r = r0; r < r1; r++) {
            int g = gOff + r * 4 * H, s = r * H, j = 0;
            // two passes, so that neither loop body is too long for C2 to intrinsify: first dc
            // (held in dc) and do, then the other gates
            for (; j + L <= H; j += L) {
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * H + j);
                FloatVector dhT = FloatVector.fromArray(S, dh, dhOff + s + j).add(FloatVector.fromArray(S, dhNext, s + j));
                FloatVector tc = tanh(FloatVector.fromArray(S, c, cOff + s + j));
                dhT.mul(o).mul(ONE.sub(tc.mul(tc))).add(FloatVector.fromArray(S, dc, s + j)).intoArray(dc, s + j);
                dhT.mul(tc).mul(o).mul(ONE.sub(o)).intoArray(gates, g + 3 * H + j);
            }
            for (j = 0; j + L <= H; j += L) {
                FloatVector i = FloatVector.fromArray(S, gates, g + j);
                FloatVector f = FloatVector.fromArray(S, gates, g + H + j);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * H + j);
                FloatVector dct = FloatVector.fromArray(S, dc, s + j);
                dct.mul(gg).mul(i).mul(ONE.sub(i)).intoArray(gates, g + j);
                dct.mul(FloatVector.fromArray(S, cPrev, cpOff + s + j)).mul(f).mul(ONE.sub(f)).intoArray(gates, g + H + j);
                dct.mul(i).mul(ONE.sub(gg.mul(gg))).intoArray(gates, g + 2 * H + j);
                dct.mul(f).intoArray(dc, s + j);
            }
            PlainCells.lstmCellBackward(r, r + 1, j, H, gates, gOff, cPrev, cpOff, c, cOff, dh, dhOff, dhNext, dc);
        }
    }

    static void gruRows(int r0, int r1, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                                float[] hPrev, int hpOff, float[] h, int hOff) {
        final int H = hidden;
        for (int row = r0; row < r1; row++) {
            int x = gxOff + row * 3 * H, q = ghOff + row * 3 * H, s = row * H, j = 0;
            activate(gx, x, gh, q, 2 * H, 0.5f); // r, z
            for (; j + L <= H; j += L) {
                FloatVector r = FloatVector.fromArray(S, gx, x + j);
                FloatVector z = FloatVector.fromArray(S, gx, x + H + j);
                FloatVector n = tanh(r.fma(FloatVector.fromArray(S, gh, q + 2 * H + j),
                        FloatVector.fromArray(S, gx, x + 2 * H + j)));
                n.intoArray(gx, x + 2 * H + j);
                z.fma(FloatVector.fromArray(S, hPrev, hpOff + s + j).sub(n), n).intoArray(h, hOff + s + j);
            }
            for (; j < H; j++) { // r and z are activated already
                float n = tanh(gx[x + 2 * H + j] + gx[x + j] * gh[q + 2 * H + j]);
                gx[x + 2 * H + j] = n;
                h[hOff + s + j] = n + gx[x + H + j] * (hPrev[hpOff + s + j] - n);
            }
        }
    }

    static void gruBackwardRows(int r0, int r1, int hidden, float[] gx, int gxOff, float[] gh, int ghOff,
                                        float[] hPrev, int hpOff, float[] dh, int dhOff, float[] dhNext) {
        final int H = hidden;
        for (int row = r0; row < r1; row++) {
            int x = gxOff + row * 3 * H, q = ghOff + row * 3 * H, s = row * H, j = 0;
            for (; j + L <= H; j += L) {
                FloatVector r = FloatVector.fromArray(S, gx, x + j);
                FloatVector z = FloatVector.fromArray(S, gx, x + H + j);
                FloatVector n = FloatVector.fromArray(S, gx, x + 2 * H + j);
                FloatVector dhT = FloatVector.fromArray(S, dh, dhOff + s + j).add(FloatVector.fromArray(S, dhNext, s + j));
                FloatVector dan = dhT.mul(ONE.sub(z)).mul(ONE.sub(n.mul(n)));
                FloatVector dar = dan.mul(FloatVector.fromArray(S, gh, q + 2 * H + j)).mul(r).mul(ONE.sub(r));
                FloatVector daz = dhT.mul(FloatVector.fromArray(S, hPrev, hpOff + s + j).sub(n)).mul(z).mul(ONE.sub(z));
                dar.intoArray(gx, x + j);
                daz.intoArray(gx, x + H + j);
                dan.intoArray(gx, x + 2 * H + j);
                dar.intoArray(gh, q + j);
                daz.intoArray(gh, q + H + j);
                dan.mul(r).intoArray(gh, q + 2 * H + j);
                dhT.mul(z).intoArray(dhNext, s + j);
            }
            PlainCells.gruCellBackward(row, row + 1, j, H, gx, gxOff, gh, ghOff, hPrev, hpOff, dh, dhOff, dhNext);
        }
    }
}
