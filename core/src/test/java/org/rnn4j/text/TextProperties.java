package org.rnn4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.From;
import net.jqwik.api.constraints.Size;
import org.rnn4j.InputException;

/** Properties of the corpus loader and the vocabulary over random and hostile inputs. */
class TextProperties {
    /** Any Unicode scalar value: the BMP without surrogates, and the supplementary planes. */
    @Provide
    Arbitrary<Integer> codePoint() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 0xD7FF), Arbitraries.integers().between(0xE000, 0xFFFF),
                Arbitraries.integers().between(0x10000, 0x10FFFF), Arbitraries.of((int) 'a', (int) 'b', (int) ' ', 0x60F3));
    }

    @Property(tries = 300)
    void theVocabularyRoundTripsAnyText(@ForAll @Size(max = 300) List<@From("codePoint") Integer> text) {
        int[] cps = text.stream().mapToInt(Integer::intValue).toArray();
        Vocab v = Vocab.build(cps, 1);
        assertEquals(new String(cps, 0, cps.length), v.decode(v.encode(cps)));
        assertArrayEquals(v.tokens(), Vocab.of(v.tokens()).tokens());
        assertEquals(cps.length == 0 ? 1 : (int) text.stream().distinct().count() + 1, v.size());
    }

    /** Reading a file straight into ids gives the vocabulary and ids of building them from its code points. */
    @Property(tries = 100)
    void streamingEncodingEqualsBuildingFromCodePoints(@ForAll @Size(max = 300) List<@From("codePoint") Integer> text,
                                                       @ForAll("minFreq") int minFreq) throws IOException {
        int[] cps = text.stream().mapToInt(Integer::intValue).toArray();
        Path f = Files.createTempFile("rnn4j", ".txt");
        try {
            Files.writeString(f, new String(cps, 0, cps.length), StandardCharsets.UTF_8);
            Encoded e = Encoded.build(new Encoded.Source(f.toString(), null, Preprocessing.RAW, 0, false), minFreq);
            Vocab v = Vocab.build(cps, minFreq);
            assertArrayEquals(v.tokens(), e.vocab().tokens());
            int[] ids = v.encode(cps);
            assertArrayEquals(ids, e.ids().toArray());
            assertEquals(java.util.Arrays.stream(ids).filter(i -> i == Vocab.UNK).count(), e.unknown());
        } finally {
            Files.delete(f);
        }
    }

    @Provide
    Arbitrary<Integer> minFreq() {
        return Arbitraries.integers().between(1, 3);
    }

    /**
     * Any bytes: the loader gives exactly the JDK's strict UTF-8 decoding, or an {@link InputException}
     * naming the offset the JDK's decoder stops at; never another exception.
     */
    @Property(tries = 300)
    void anyBytesLoadAsStrictUtf8OrFailWithTheirOffset(@ForAll @Size(max = 200) byte[] bytes) throws IOException {
        Path f = Files.createTempFile("rnn4j", ".txt");
        try {
            Files.write(f, bytes);
            String expected = null;
            long badAt = -1;
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            try {
                expected = decoder.decode(in).toString();
            } catch (CharacterCodingException e) {
                badAt = in.position();
            }
            try {
                TestCorpus c = TestCorpus.load(f.toString(), null, Preprocessing.RAW, 0);
                assertEquals(expected, c.text());
            } catch (InputException e) {
                assertTrue(expected == null, "valid UTF-8 was refused: " + e.getMessage());
                assertTrue(e.getMessage().contains("is not valid UTF-8 at byte " + badAt), e.getMessage() + " vs " + badAt);
            }
            StringBuilder replaced = new StringBuilder();
            Corpus.read(f.toString(), null, Preprocessing.RAW, 0, true, replaced::appendCodePoint);
            assertEquals(new String(bytes, StandardCharsets.UTF_8), replaced.toString(), "--replace-invalid is the JDK's replacement");
        } finally {
            Files.delete(f);
        }
    }
}
