package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent cells' element-wise work with the Vector API: tanh, σ and the LSTM and GRU steps,
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

    // e^x to about one ulp on [-87, 88] (Cephes' expf): x = n ln 2 + r with |r| ≤ ½ ln 2 (ln 2 in two parts, so
    // that n ln 2 is exact), e^r by a degree-7 polynomial, and 2^n written straight into the exponent bits.
    private static final float EXP_LO = -87f, EXP_HI = 88f, LOG2E = 1.44269504088896341f,
            LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f, P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f,
            P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    // Adding 1.5 · 2^23 rounds a float of magnitude below 2^22 to an integer n, held in the low bits: the sum's bits
    // are those of 1.5 · 2^23 plus n, so n + 127 (the biased exponent of 2^n) is the bits less BIAS_SHIFT.
    private static final float ROUNDER = 12582912f;
    private static final int BIAS_SHIFT = Float.floatToRawIntBits(ROUNDER) - 127;

    private static float exp(float x) {
        float v = Math.max(EXP_LO, Math.min(EXP_HI, x));
        float t = Math.fma(v, LOG2E, ROUNDER), n = t - ROUNDER;
        float r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, v));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p, r * r, r + 1f);
        return er * Float.intBitsToFloat((Float.floatToRawIntBits(t) - BIAS_SHIFT) << 23);
    }

    private static final FloatVector V_EXP_LO = FloatVector.broadcast(S, EXP_LO),
            V_EXP_HI = FloatVector.broadcast(S, EXP_HI), V_LOG2E = FloatVector.broadcast(S, LOG2E),
            V_ROUNDER = FloatVector.broadcast(S, ROUNDER), V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI),
            V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO), VP0 = FloatVector.broadcast(S, P0),
            VP1 = FloatVector.broadcast(S, P1), VP2 = FloatVector.broadcast(S, P2), VP3 = FloatVector.broadcast(S, P3),
            VP4 = FloatVector.broadcast(S, P4), VP5 = FloatVector.broadcast(S, P5);

    private static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(V_EXP_LO).min(V_EXP_HI);
        FloatVector t = v.fma(V_LOG2E, V_ROUNDER), n = t.sub(V_ROUNDER);
        FloatVector r = n.fma(V_NEG_LN2_LO, n.fma(V_NEG_LN2_HI, v));
        FloatVector p = VP0.fma(r, VP1).fma(r, VP2).fma(r, VP3).fma(r, VP4).fma(r, VP5);
        FloatVector er = p.fma(r.mul(r), r.add(ONE));
        return er.mul(t.reinterpretAsInts().sub(BIAS_SHIFT).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /**
     * {@code x = tanh(x + y)} over {@code len} elements ({@code y} null: tanh(x)). One call site per function in each
     * caller: with one expansion of the vector polynomial per gate in the same method, C2 hit its node-count limit,
     * stopped inlining, and fell back to the allocating Java versions of the vector operations.
     */
    static void tanh(float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector u = FloatVector.fromArray(S, x, xOff + i);
            if (y != null) {
                u = u.add(FloatVector.fromArray(S, y, yOff + i));
            }
            tanh(u).intoArray(x, xOff + i);
        }
        for (; i < len; i++) {
            x[xOff + i] = tanh(y == null ? x[xOff + i] : x[xOff + i] + y[yOff + i]);
        }
    }

    /**
     * {@code x = σ(x + y)} as 1 / (1 + e^−(x + y)), like {@link PlainCells}' and PyTorch's: a gate that saturates
     * is exactly 1 (where ½ tanh(u / 2) + ½ stopped at 1 − 1.2e-7, and a GRU unit holding its state through z ≈ 1
     * leaked by that much each step: 2.9e-5 of the Time Machine's one-stream perplexity).
     */
    static void sigmoid(float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector u = FloatVector.fromArray(S, x, xOff + i);
            if (y != null) {
                u = u.add(FloatVector.fromArray(S, y, yOff + i));
            }
            ONE.div(ONE.add(exp(u.neg()))).intoArray(x, xOff + i);
        }
        for (; i < len; i++) {
            x[xOff + i] = 1f / (1f + exp(-(y == null ? x[xOff + i] : x[xOff + i] + y[yOff + i])));
        }
    }

    static void lstmRows(int r0, int r1, int hidden, float[] gates, int gOff, float[] cPrev, int cpOff,
                                 float[] c, int cOff, float[] h, int hOff) {
        final int H = hidden;
        for (int r = r0; r < r1; r++) {
            int g = gOff + r * 4 * H, s = r * H, j = 0;
            for (int block = 0; block < 4; block++) { // σ for i, f and o, tanh for g
                if (block == 2) {
                    tanh(gates, g + block * H, null, 0, H);
                } else {
                    sigmoid(gates, g + block * H, null, 0, H);
                }
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
            sigmoid(gx, x, gh, q, 2 * H); // r, z
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
