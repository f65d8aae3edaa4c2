package org.rnn4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VocabTest {
    @Test
    void unkFirstThenByFrequencyTiesByFirstAppearance() {
        Vocab v = Vocab.build("abracadabra!".codePoints().toArray(), 1);
        // a×5, b×2, r×2, c×1, d×1, !×1 ; b before r, c before d before ! by first appearance
        assertEquals("<unk>abrcd!", v.decode(java.util.stream.IntStream.range(0, v.size()).toArray()));
        assertEquals(Vocab.UNK, v.index('z'));
    }

    @Test
    void minFreqMapsRareTokensToUnk() {
        Vocab v = Vocab.build("abracadabra".codePoints().toArray(), 2);
        assertEquals(4, v.size()); // <unk>, a, b, r
        assertArrayEquals(new int[] {1, 2, 3, 1, 0, 1, 0, 1, 2, 3, 1}, v.encode("abracadabra"));
        assertEquals("abra<unk>a<unk>abra", v.decode(v.encode("abracadabra")));
    }

    @Test
    void tokensAreCodePointsNotChars() {
        String text = "a😀b😀"; // the emoji is two Java chars, one token
        Vocab v = Vocab.build(text.codePoints().toArray(), 1);
        assertEquals(4, v.size());
        assertEquals(1, v.index("😀".codePointAt(0)));
        assertEquals(text, v.decode(v.encode(text)));
    }

    @Test
    void timeMachineHas28Tokens() {
        Corpus c = Corpus.load(Corpus.BUILT_IN, null, Preprocessing.LETTERS, 10_000);
        Vocab v = Vocab.build(c.tokens(), 1);
        assertEquals(28, v.size());
        assertEquals(' ', v.token(1));
        assertEquals('e', v.token(2));
    }
}
