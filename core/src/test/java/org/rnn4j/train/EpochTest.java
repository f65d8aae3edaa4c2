package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bits per character: nats per character over ln 2, from the perplexity per character. */
class EpochTest {
    @Test
    void bitsPerCharacterAreLog2OfThePerplexity() {
        Epoch e = new Epoch(3, 2, Math.E, 0.1, 1, 100);
        assertEquals(1, e.bitsPerCharacter(), 1e-12, "perplexity 2: one bit a character");
        assertEquals(1 / Math.log(2), e.validationBitsPerCharacter(), 1e-12, "one nat a character");
        assertEquals(4.807354922057604, Epoch.bits(28), 1e-12, "uniform over 28 tokens: log2 28");
        assertTrue(Double.isNaN(new Epoch(1, 2, Double.NaN, 0.1, 1, 100).validationBitsPerCharacter()));
    }

    /**
     * A mixture's validation figure keeps the network's own beside it, both per character for subword tokens of 2
     * characters; a network without a memory has none.
     */
    @Test
    void aMixtureKeepsTheNetworksOwnFigure() {
        Epoch e = new Epoch(3, 4, Double.NaN, 0.1, 1, 100).validated(4, 16).perCharacter(2, 2);
        assertEquals(1, e.validationBitsPerCharacter(), 1e-12, "perplexity 4 a token of 2 characters");
        assertEquals(2, e.networkValidationBitsPerCharacter(), 1e-12);
        assertTrue(Double.isNaN(new Epoch(3, 4, Double.NaN, 0.1, 1, 100).validated(4).networkValidationPerplexity()));
    }
}
