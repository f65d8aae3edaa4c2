package org.rnn4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Words and subwords over random texts: nothing is lost, and the merges read a text as their definition says. */
class SubwordsProperties {
    /** Texts of few letters, spaces, digits, signs and some of every plane, so that words repeat and pairs merge. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Integer> cp = Arbitraries.oneOf(Arbitraries.of((int) 'a', (int) 'b', (int) 'c', (int) ' ', (int) ' ',
                        (int) '\n', (int) '.', (int) '7', 0x1C, (int) 'é', 0x1F600, (int) '\t'),
                Arbitraries.integers().between(0x21, 0x7E), Arbitraries.integers().between(0x10000, 0x10FFFF));
        return cp.list().ofMaxSize(400).map(l -> new String(l.stream().mapToInt(Integer::intValue).toArray(), 0, l.size()));
    }

    private static Vocab learnt(String text, Subwords.Kind kind, int vocabSize) {
        return Encoded.build("t", List.of(new StringReader(text)), Preprocessing.RAW, 0, 1,
                null, new Tokenization(kind, vocabSize)).vocab();
    }

    @Property(tries = 200)
    void decodingGivesTheTextBack(@ForAll("texts") String training, @ForAll("texts") String other) {
        for (Subwords.Kind kind : new Subwords.Kind[] {Subwords.Kind.WORD, Subwords.Kind.BPE}) {
            Vocab v;
            try {
                v = learnt(training, kind, 80);
            } catch (org.rnn4j.InputException tooManyCharacters) {
                continue;
            }
            assertEquals(training, v.decode(v.encode(training)), kind + ": the training text itself");
            // another text: its characters the vocabulary lacks read as <unk>, the rest comes back
            String known = other.codePoints().filter(v::contains)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            assertEquals(known, v.decode(v.encode(known)), kind.id());
            Vocab loaded = Vocab.of(kind, v.texts(), v.merges());
            assertArrayEquals(v.encode(known), loaded.encode(known), kind + ": saved and loaded");
        }
    }

    @Property(tries = 200)
    void mergesApplyLowestRankFirstLeftmostFirst(@ForAll("texts") String training, @ForAll("texts") String other) {
        Vocab v;
        try {
            v = learnt(training, Subwords.Kind.BPE, 120);
        } catch (org.rnn4j.InputException tooManyCharacters) {
            return;
        }
        int[][] merges = v.merges();
        List<Integer> expected = new ArrayList<>();
        PreTokens.split(other, piece -> {
            // the definition: while some neighbouring pair has a merge, join every occurrence of the lowest-ranked
            // one, left to right
            List<Integer> ids = new ArrayList<>(Arrays.stream(v.encode(piece.codePoints().toArray())).boxed().toList());
            for (int[] m : merges) {
                for (int i = 0; i + 1 < ids.size(); i++) {
                    if (ids.get(i) == m[0] && ids.get(i + 1) == m[1]) {
                        ids.set(i, m[2]);
                        ids.remove(i + 1);
                    }
                }
            }
            expected.addAll(ids);
        });
        assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), v.encode(other));
    }

    @Example
    void aRunOfOneCharacterMergesFromTheLeft() {
        Vocab v = learnt("aa aa aa", Subwords.Kind.BPE, 4); // <unk>, a, space, then one merge: a + a
        assertEquals(List.of("a", " ", "aa"), v.texts());
        assertArrayEquals(new int[] {3, 3, 1}, v.encode("aaaaa"));
    }

    @Example
    void aRareWordFallsBackToItsCharacters() {
        Vocab v = learnt("the cat and the dog and the end", Subwords.Kind.WORD, 100); // words seen twice and more
        assertEquals(List.of(" and", " the"), v.texts().subList(v.texts().size() - 2, v.texts().size()));
        int[] ids = v.encode(" the cat");
        assertEquals(5, ids.length); // " the", then " cat" as its four characters
        assertEquals(" the", v.text(ids[0]));
    }

    @Property(tries = 100)
    void piecesCoverTheTextExactly(@ForAll("texts") String text) {
        StringBuilder joined = new StringBuilder();
        PreTokens.split(text, joined::append);
        assertEquals(text, joined.toString());
    }
}
