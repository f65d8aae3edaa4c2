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

    /** More distinct tokens than the counter's first arrays hold (256), in and beyond the BMP; contains tells them. */
    @Test
    void manyDistinctTokensAndContains() {
        int[] text = java.util.stream.IntStream.concat(java.util.stream.IntStream.range(0x4E00, 0x4E00 + 300),
                java.util.stream.IntStream.of(0x1F600, 0x1F600, 'a')).toArray();
        Vocab v = Vocab.build(text, 1);
        assertEquals(1 + 302, v.size());
        assertEquals(0x1F600, v.token(1), "the most frequent first");
        assertEquals(0x4E00, v.token(2), "then by first appearance");
        assertEquals('a', v.token(302));
        assertEquals(true, v.contains(0x4E00 + 299));
        assertEquals(true, v.contains(0x1F600));
        assertEquals(false, v.contains('b'));
        assertEquals(false, v.contains(-1));
    }

    /** A text read with a trained model's vocabulary: unknown characters become <unk> and are counted. */
    @Test
    void encodedWithAVocabularyCountsTheUnknown() throws java.io.IOException {
        Vocab v = Vocab.build("abc".codePoints().toArray(), 1);
        java.nio.file.Path f = java.nio.file.Files.createTempFile("rnn4j", ".txt");
        try {
            java.nio.file.Files.writeString(f, "abxcay");
            Encoded e = Encoded.with(new Encoded.Source(f.toString(), null, Preprocessing.RAW, 0, false), v);
            assertEquals(f.toString(), e.name());
            assertEquals(2, e.unknown());
            assertArrayEquals(new int[] {v.index('a'), v.index('b'), Vocab.UNK, v.index('c'), v.index('a'), Vocab.UNK},
                    e.ids().toArray());
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    /**
     * Fine-tuning reads its text once against the model's vocabulary: 300 tokens of the model (ids past a byte), the
     * text's new token after them (its own first-appearance numbering fitted a byte, so the ids move to wider storage),
     * a model token rare in the text keeps its id, a new rare one is <unk>.
     */
    @Test
    void aTextReadForFineTuningExtendsTheModelsVocabulary() throws java.io.IOException {
        int[] tokens = java.util.stream.IntStream.range(0, 300).map(i -> 0x4E00 + i).toArray();
        Vocab base = Vocab.of(tokens);
        java.nio.file.Path f = java.nio.file.Files.createTempFile("rnn4j", ".txt");
        try {
            String known = Character.toString(0x4E00 + 299);
            java.nio.file.Files.writeString(f, known + "zz" + "\u4E00" + "q");
            Encoded e = Encoded.build(new Encoded.Source(f.toString(), null, Preprocessing.RAW, 0, false), 2, base);
            assertEquals(301, e.vocab().size() - 1, "the model's 300 and z");
            assertArrayEquals(tokens, java.util.Arrays.copyOf(e.vocab().tokens(), 300));
            assertArrayEquals(new int[] {300, 301, 301, 1, Vocab.UNK}, e.ids().toArray());
            assertEquals(2, e.ids().bytesPerToken());
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    /** Extending a vocabulary keeps every index and appends the other's missing tokens in its order. */
    @Test
    void anExtendedVocabularyKeepsItsIndices() {
        Vocab old = Vocab.build("abcab".codePoints().toArray(), 1);
        Vocab text = Vocab.build("zzzbyyx".codePoints().toArray(), 1);
        Vocab both = old.extendedWith(text);
        assertEquals("<unk>abczyx", both.decode(java.util.stream.IntStream.range(0, both.size()).toArray()));
        for (int i = 1; i < old.size(); i++) {
            assertEquals(old.token(i), both.token(i));
        }
        assertEquals(old.size(), old.extendedWith(old).size());
    }

    @Test
    void timeMachineHas28Tokens() {
        TestCorpus c = TestCorpus.load(Corpus.BUILT_IN, null, Preprocessing.LETTERS, 10_000);
        Vocab v = Vocab.build(c.tokens(), 1);
        assertEquals(28, v.size());
        assertEquals(' ', v.token(1));
        assertEquals('e', v.token(2));
    }
}
