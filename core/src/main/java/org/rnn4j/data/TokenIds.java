package org.rnn4j.data;

import java.util.Arrays;

/**
 * A sequence of token ids stored as compactly as the vocabulary allows: one byte per token up to
 * 256 ids, two up to 65,536, four beyond. A 200 MB letters corpus is then 200 MB of ids, not 800.
 * {@link #slice} views a part without copying.
 */
public final class TokenIds {
    private final byte[] bytes;
    private final char[] chars;
    private final int[] ints;
    private final int offset;
    private final int length;

    private TokenIds(byte[] bytes, char[] chars, int[] ints, int offset, int length) {
        this.bytes = bytes;
        this.chars = chars;
        this.ints = ints;
        this.offset = offset;
        this.length = length;
    }

    /** The ids of an int array (kept, not copied). */
    public static TokenIds of(int[] ids) {
        return new TokenIds(null, null, ids, 0, ids.length);
    }

    public int length() {
        return length;
    }

    public int get(int i) {
        int j = offset + i;
        return bytes != null ? bytes[j] & 0xFF : chars != null ? chars[j] : ints[j];
    }

    /** Tokens [from, to), sharing the storage. */
    public TokenIds slice(int from, int to) {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + length);
        }
        return new TokenIds(bytes, chars, ints, offset + from, to - from);
    }

    /** Copies tokens [from, from + len) into {@code dst} at {@code dstOff}. */
    public void copyTo(int from, int[] dst, int dstOff, int len) {
        int j = offset + from;
        if (ints != null) {
            System.arraycopy(ints, j, dst, dstOff, len);
        } else if (bytes != null) {
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] = bytes[j + i] & 0xFF;
            }
        } else {
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] = chars[j + i];
            }
        }
    }

    /** A copy as an int array. */
    public int[] toArray() {
        int[] out = new int[length];
        copyTo(0, out, 0, length);
        return out;
    }

    /** Bytes per token in storage: 1, 2 or 4. */
    public int bytesPerToken() {
        return bytes != null ? 1 : chars != null ? 2 : 4;
    }

    /**
     * Collects ids in the narrowest storage that holds every id seen so far, widening once when an
     * id outgrows it; {@link #map} renumbers in place. The arrays grow by half, and the result keeps
     * the spare room rather than copying it away.
     */
    public static final class Builder {
        private byte[] bytes = new byte[1 << 12];
        private char[] chars;
        private int[] ints;
        private int size;

        public int size() {
            return size;
        }

        public void add(int id) {
            if (id < 0) {
                throw new IllegalArgumentException("token ids are not negative: " + id);
            }
            widenFor(id);
            if (size == capacity()) {
                int grown = (int) Math.min(Integer.MAX_VALUE - 8, capacity() + (capacity() >> 1) + 16L);
                if (grown <= size) {
                    throw new IllegalStateException("more than " + size + " tokens: too many for one corpus");
                }
                if (bytes != null) {
                    bytes = Arrays.copyOf(bytes, grown);
                } else if (chars != null) {
                    chars = Arrays.copyOf(chars, grown);
                } else {
                    ints = Arrays.copyOf(ints, grown);
                }
            }
            if (bytes != null) {
                bytes[size++] = (byte) id;
            } else if (chars != null) {
                chars[size++] = (char) id;
            } else {
                ints[size++] = id;
            }
        }

        /** Moves the ids to wider storage when {@code id} does not fit the present one. */
        private void widenFor(int id) {
            if (bytes != null && id > 0xFF) {
                chars = new char[capacity()];
                for (int i = 0; i < size; i++) {
                    chars[i] = (char) (bytes[i] & 0xFF);
                }
                bytes = null;
            }
            if (chars != null && id > 0xFFFF) {
                ints = new int[capacity()];
                for (int i = 0; i < size; i++) {
                    ints[i] = chars[i];
                }
                chars = null;
            }
        }

        private int capacity() {
            return bytes != null ? bytes.length : chars != null ? chars.length : ints.length;
        }

        /** Replaces every id {@code i} by {@code map[i]}, in wider storage if a new id needs it. */
        public void map(int[] map) {
            widenFor(java.util.Arrays.stream(map).max().orElse(0));
            for (int i = 0; i < size; i++) {
                if (bytes != null) {
                    bytes[i] = (byte) map[bytes[i] & 0xFF];
                } else if (chars != null) {
                    chars[i] = (char) map[chars[i]];
                } else {
                    ints[i] = map[ints[i]];
                }
            }
        }

        public TokenIds build() {
            return new TokenIds(bytes, chars, ints, 0, size);
        }
    }
}
