package org.rnn4j.generate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rnn4j.nn.State;

/**
 * The recurrent states that prompts reached, so that a prompt which extends one read before starts from its state and
 * reads only what is new: an autocomplete request per keystroke then costs the same on page one and page fifty. A
 * recurrent model needs one vector per layer for this, where a transformer needs a key–value cache of the whole text.
 * <p>
 * An entry is a prompt's token ids and the state after reading them all from a zero state; the same tokens fed one at
 * a time from it give the very floats that feeding them from the start gives, so a hit changes no text. Bounded in
 * bytes, least recently used out. Entries are found by the hash of each prefix of a prompt ({@link Arrays#hashCode}
 * of its first n ids, computed for every n in one pass), then compared id by id. Thread-safe.
 */
public final class StateCache {
    private static final int ENTRY_OVERHEAD = 96; // the entry, its arrays' headers and the maps' nodes, about

    private final long maxBytes;
    private final LinkedHashMap<Integer, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes, hits, misses;

    private record Entry(int[] ids, State state, long bytes) {
    }

    /** A cached state: it is after reading the first {@code length} ids of the prompt looked up. */
    public record Hit(int length, State state) {
    }

    /** A cache of at most {@code maxBytes} (0: nothing is kept, every lookup misses). */
    public StateCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("a cache of " + maxBytes + " bytes");
        }
        this.maxBytes = maxBytes;
    }

    /**
     * The longest cached prefix of {@code ids[0 … upTo)}, its state copied (the caller's to change); null when none.
     * Counts a hit or a miss.
     */
    public synchronized Hit longest(int[] ids, int upTo) {
        int[] hashes = new int[upTo + 1];
        int h = 1;
        hashes[0] = h;
        for (int i = 0; i < upTo; i++) {
            h = 31 * h + ids[i];
            hashes[i + 1] = h;
        }
        for (int n = upTo; n >= 1; n--) {
            Entry e = entries.get(hashes[n]);
            if (e != null && e.ids.length == n && Arrays.equals(e.ids, 0, n, ids, 0, n)) {
                hits++;
                return new Hit(n, e.state.copy());
            }
        }
        misses++;
        return null;
    }

    /** Keeps the state after reading {@code ids[0 … length)} (copied), dropping the least recently used to fit. */
    public synchronized void put(int[] ids, int length, State state) {
        if (length < 1) {
            return;
        }
        long size = ENTRY_OVERHEAD + 4L * length + stateBytes(state);
        if (size > maxBytes) {
            return;
        }
        int[] key = Arrays.copyOf(ids, length);
        Entry old = entries.put(Arrays.hashCode(key), new Entry(key, state.copy(), size));
        bytes += size - (old != null ? old.bytes : 0);
        for (Iterator<Map.Entry<Integer, Entry>> it = entries.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
            bytes -= it.next().getValue().bytes;
            it.remove();
        }
    }

    private static long stateBytes(State s) {
        long floats = 0;
        for (int l = 0; l < s.layers(); l++) {
            floats += s.h(l).length + (s.c(l) != null ? s.c(l).length : 0);
        }
        return 4 * floats;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    /** The bytes its entries hold, about: never above the bound. */
    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }
}
