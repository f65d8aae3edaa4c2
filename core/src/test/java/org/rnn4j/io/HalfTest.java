package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Rng;

class HalfTest {
    /** Every half that is a number reads as a float and writes back to the same bits; NaNs stay NaN. */
    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = Half.toFloat((short) h);
            if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {
                assertTrue(Float.isNaN(f) && Float.isNaN(Half.toFloat(Half.fromFloat(f))), Integer.toHexString(h));
            } else {
                assertEquals(h, Half.fromFloat(f) & 0xffff, Integer.toHexString(h) + " reads as " + f);
            }
        }
        assertEquals(65504f, Half.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Half.toFloat((short) 1), "the smallest subnormal");
        assertEquals(-2f, Half.toFloat((short) 0xc000));
    }

    /**
     * A float becomes the nearest half, ties to even, as found here by search among all finite halves: at every
     * magnitude from below the subnormals to beyond the largest half, and at the midpoints between two halves.
     */
    @Test
    void aFloatBecomesTheNearestHalfTiesToEven() {
        float[] halves = new float[0x7c00]; // the non-negative finite halves, in order
        for (int h = 0; h < halves.length; h++) {
            halves[h] = Half.toFloat((short) h);
        }
        Rng rng = new Rng(1);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (Math.pow(2, -27 + 45 * rng.nextDouble()) * (rng.nextDouble() < 0.5 ? -1 : 1));
            check(halves, x);
        }
        for (int h = 0; h + 1 < halves.length; h += 7) {
            check(halves, (halves[h] + halves[h + 1]) / 2); // exact in float: a tie
        }
        assertEquals(0x7c00, Half.fromFloat(65520f), "half way past the largest half: infinity");
        assertEquals(0x7bff, Half.fromFloat(65519f));
        assertEquals((short) 0xfc00, Half.fromFloat(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x8000, Half.fromFloat(-0x1p-26f), "below half the smallest subnormal: −0");
    }

    private static void check(float[] halves, float x) {
        float a = Math.abs(x);
        int expected;
        if (a >= 65520f) {
            expected = 0x7c00;
        } else {
            int i = Arrays.binarySearch(halves, a);
            if (i >= 0) {
                expected = i;
            } else {
                int above = -i - 1, below = above - 1;
                double up = halves[Math.min(above, halves.length - 1)] - (double) a, down = a - (double) halves[below];
                expected = above == halves.length || down < up || down == up && below % 2 == 0 ? below : above;
            }
        }
        expected |= x < 0 ? 0x8000 : 0;
        assertEquals(expected, Half.fromFloat(x) & 0xffff, "for " + x);
    }
}
