package org.rnn4j.io;

/**
 * IEEE 754 half precision (binary16, safetensors' {@code F16}): 1 sign bit, 5 exponent bits, 10 fraction bits, for
 * weights stored in half the bytes (a base model shipped in the jar). Written out because {@code Float.floatToFloat16}
 * came with Java 20.
 */
final class Half {
    private Half() {
    }

    /** The float a half's bits stand for, exactly (every half is a float). */
    static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1f, fraction = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN: the fraction kept in the float's top bits
            return Float.intBitsToFloat(sign | 0x7f800000 | fraction << 13);
        }
        if (exponent == 0) { // zero or subnormal: fraction × 2^−24
            float magnitude = fraction * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | fraction << 13);
    }

    /**
     * The half nearest {@code value}, ties to even (as the hardware and PyTorch round); beyond the largest half
     * (65,504) it is infinity, below the smallest subnormal's half it is zero, NaN stays NaN.
     */
    static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = (f >>> 23) & 0xff;
        int fraction = f & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (fraction != 0 ? 0x200 | fraction >>> 13 : 0));
        }
        int e = exponent - 112; // the half's exponent field
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) { // a subnormal half (or zero): the significand with its leading 1, shifted into place
            if (e < -10) {
                return (short) sign;
            }
            int significand = fraction | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(significand, shift));
        }
        // a carry out of the fraction rounds up into the exponent, and past the largest to infinity: both right
        return (short) (sign | ((e << 10) + roundShift(fraction, 13)));
    }

    /** {@code bits >>> shift}, rounded to nearest, ties to even. */
    private static int roundShift(int bits, int shift) {
        int kept = bits >>> shift, rest = bits & ((1 << shift) - 1), half = 1 << (shift - 1);
        return rest > half || rest == half && (kept & 1) == 1 ? kept + 1 : kept;
    }
}
