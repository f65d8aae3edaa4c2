package org.rnn4j.tensor;

import java.lang.reflect.Field;

/**
 * Where the elements of a {@code float[]} meet a 64-byte cache line. A vector load that straddles two lines costs
 * two, and an array's first element lies 16 bytes (its header) past the array's start, which is only 8-byte
 * aligned: large arrays began on a line on the host measured, so their rows of 16 floats (512 bits) straddled a
 * line each, unless a packing starts its panels where a line does. Measured on an AVX-512 host, one thread,
 * (32 × 512)·(512 × 512) with B packed: 132–145 GFLOPS from panels on a line, 108–129 from panels off it (eight
 * placements, five arrays each).
 *
 * <p>Java has no address of an array; {@code sun.misc.Unsafe} reads the reference as the JVM stores it (a
 * compressed reference decoded as JOL does). Where that is unavailable, or would warn (JDK 24 on), the answer
 * is the index asked for: only speed depends on it, as a product reads a packed matrix where its packing wrote it.
 */
final class Alignment {
    /** Floats in a cache line. */
    static final int LINE = 16;

    private static final sun.misc.Unsafe UNSAFE = unsafe();
    /** Whether addresses are known here; when not, {@link #firstLine} answers the index it is asked from. */
    static final boolean KNOWN = UNSAFE != null;
    private static final long SLOT = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(Object[].class);
    private static final long FLOATS = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(float[].class);
    private static final boolean COMPRESSED = UNSAFE != null && UNSAFE.arrayIndexScale(Object[].class) == 4;
    /** How far a compressed reference is shifted: 0 on a heap below 4 GB, else log2 of the object alignment. */
    private static final int SHIFT = UNSAFE == null || !COMPRESSED ? 0 : shift();
    /** A slot per thread to read a reference from: a new one per question was garbage at every packing. */
    private static final ThreadLocal<Object[]> HOLDER = ThreadLocal.withInitial(() -> new Object[1]);

    private Alignment() {
    }

    /** The first index from {@code from} whose element starts a cache line; {@code from} when that is unknown. */
    static int firstLine(float[] a, int from) {
        if (!KNOWN) {
            return from;
        }
        long at = address(a) + FLOATS + 4L * from;
        return from + (int) (((64 - (at & 63)) & 63) >> 2);
    }

    private static long address(Object o) {
        Object[] holder = HOLDER.get();
        holder[0] = o;
        long at = COMPRESSED ? (UNSAFE.getInt(holder, SLOT) & 0xFFFF_FFFFL) << SHIFT : UNSAFE.getLong(holder, SLOT);
        holder[0] = null;
        return at;
    }

    /**
     * Objects are 8-byte aligned: unshifted references of fresh 24-byte objects are then all multiples of 8, where
     * shifted ones step by 3. (A heap's base, when it has one, lies on a page.)
     */
    private static int shift() {
        Object[] holder = new Object[1];
        for (int i = 0; i < 8; i++) {
            holder[0] = new long[1];
            if ((UNSAFE.getInt(holder, SLOT) & 7) != 0) {
                return 3;
            }
        }
        return 0;
    }

    private static sun.misc.Unsafe unsafe() {
        if (Runtime.version().feature() >= 24) {
            return null; // its memory access warns there, once per process, on standard error
        }
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
