package org.rnn4j.cli;

import org.rnn4j.InputException;

/** Range checks of flag values, before any work starts; the message names the flag and the range. */
final class Flags {
    private Flags() {
    }

    static int positive(String flag, int value) {
        if (value <= 0) {
            throw new InputException(flag + " must be a positive whole number, got " + value);
        }
        return value;
    }

    static double positive(String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InputException(flag + " must be a positive finite number, got " + value);
        }
        return value;
    }

    static int atLeast(String flag, int value, int min) {
        if (value < min) {
            throw new InputException(flag + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A probability in [0, 1). */
    static double fraction(String flag, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new InputException(flag + " must be in [0, 1), got " + value);
        }
        return value;
    }

    /** A factor in (0, 1). */
    static double open(String flag, double value) {
        if (!(value > 0 && value < 1)) {
            throw new InputException(flag + " must be in (0, 1), got " + value);
        }
        return value;
    }

    /** A number in [min, max]. */
    static double range(String flag, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new InputException(flag + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }
}
