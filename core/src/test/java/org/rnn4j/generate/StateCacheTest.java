package org.rnn4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Vocab;

/** Prompts read on from cached states: the same tokens as read from the start, and the bytes kept bounded. */
class StateCacheTest {
    private final Vocab vocab = Vocab.of("abcdefgh ".codePoints().toArray());
    private final LanguageModel model = new ModelConfig(CellType.LSTM, 12, 2, 0, Init.UNIFORM)
            .build(vocab.size(), new Rng(6), Kernels.best());

    /** The state each layer holds after the prompt, then the tokens drawn: both must be the uncached ones. */
    private List<Object> drawn(String prefix, StateCache cache) {
        List<Object> out = new ArrayList<>();
        TokenSampler sampler = new TokenSampler(new Decoding(0.9, 0, 1.0), new Rng(3), vocab.size());
        List<Stream> streams = Generator.streams(model, model.generationWorkspace(1), vocab, List.of(prefix),
                List.of(sampler), 15, cache);
        for (int l = 0; l < 2; l++) {
            out.add(java.util.Arrays.toString(streams.get(0).state.h(l)));
            out.add(java.util.Arrays.toString(streams.get(0).state.c(l)));
        }
        Generator.run(model, streams, (stream, token) -> out.add(token));
        return out;
    }

    /** Typing a text a character at a time, each prompt extending the last: every continuation is the uncached one. */
    @Test
    void aPromptReadOnFromACachedStateGivesTheSameTokens() {
        StateCache cache = new StateCache(1 << 20);
        String text = "a bad cafe fed a dead bee";
        for (int n = 1; n <= text.length(); n++) {
            assertEquals(drawn(text.substring(0, n), null), drawn(text.substring(0, n), cache), "after " + n);
        }
        assertEquals(text.length() - 2, cache.hits(), "each prompt from the third on extends the one before");
        assertTrue(cache.bytes() > 0);
    }

    @Test
    void theLongestCachedPrefixIsFoundAndTheBoundHolds() {
        StateCache cache = new StateCache(0);
        int[] ids = vocab.encode("abcabc");
        cache.put(ids, 4, model.newState(1));
        assertNull(cache.longest(ids, 6), "a cache of 0 bytes keeps nothing");
        assertEquals(1, cache.misses());

        StateCache small = new StateCache(3_000);
        small.put(ids, 2, model.newState(1));
        small.put(ids, 4, model.newState(1));
        assertEquals(4, small.longest(ids, 6).length(), "the longest of the prefixes kept");
        assertEquals(2, small.longest(ids, 3).length(), "no longer than asked");
        for (int i = 0; i < 200; i++) { // a flood of distinct prompts: the oldest go, the bytes stay under the bound
            small.put(vocab.encode("abcdefgh".repeat(1 + i % 5) + (char) ('a' + i % 8)), 5 + i % 30, model.newState(1));
            assertTrue(small.bytes() <= 3_000, small.bytes() + " bytes");
        }
        assertTrue(small.size() < 200);
    }
}
