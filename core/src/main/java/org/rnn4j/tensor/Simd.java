package org.rnn4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every Vector API kernel runs at, and the register tile of the products that fits the register
 * file of that width. The width is the machine's own unless {@code -Drnn4j.vector.bits=128|256|512} forces one, so
 * that every tile shape can be tested on one machine (a width above the hardware's runs, slowly, in Java).
 */
final class Simd {
    static final VectorSpecies<Float> S = species(Kernels.forcedVectorBits());
    static final int L = S.length();
    /**
     * Vector registers the JIT can allocate: 32 on AArch64 and with AVX-512 (which also gives 256- and 128-bit code
     * 32 registers), 16 on x86 without it. A forced width of 512 counts as AVX-512's, so that its tile is the one
     * tested; {@code -Drnn4j.vector.registers=16} takes AVX2's count on any host, so that its tiles are tested there.
     */
    static final int REGISTERS = Integer.getInteger("rnn4j.vector.registers",
            System.getProperty("os.arch").contains("aarch64")
            || Math.max(S.vectorBitSize(), FloatVector.SPECIES_PREFERRED.vectorBitSize()) >= 512 ? 32 : 16);
    /**
     * Vectors of B in a 4-row tile: 4 × 4 accumulators, 4 vectors of B and a broadcast fill 21 of 32 registers. In
     * 16, 4 × 4 spills, and so does 4 × 3: C2 (JDK 17) loads the four broadcasts before their multiply-adds, 12 + 3
     * + 4 live vectors, and two accumulators go to the stack, a store and a load in every step's chain (the RNN's
     * recurrent step (32 × 512)·(512 × 512) at 35 % of the FMA peak on JDK 17 and 25, measured at -XX:UseAVX=2 on an
     * AVX-512 host, one thread); 4 × 2 holds its 8 accumulators, 2 vectors of B and 4 broadcasts in 14 and ran it
     * at 70 % (JDK 25: 60 %).
     */
    static final int TILE_VECTORS = REGISTERS >= 32 ? 4 : 2;

    private Simd() {
    }

    private static VectorSpecies<Float> species(int bits) {
        switch (bits) {
            case 128: return FloatVector.SPECIES_128;
            case 256: return FloatVector.SPECIES_256;
            case 512: return FloatVector.SPECIES_512;
            default: return FloatVector.SPECIES_PREFERRED;
        }
    }
}
