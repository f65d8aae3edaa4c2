package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.rnn4j.data.TokenIds;
import org.rnn4j.text.Vocab;

/** The run's pieces that depend on the text alone. */
class TrainingRunTest {
    /** Without epochs set, a run trains on about 10 million tokens: 1 to 50 epochs, by the text's size. */
    @Test
    void theEpochsFollowTheTextsSize() {
        assertEquals(50, Training.epochsFor(23_286), "a small text: at most 50");
        assertEquals(15, Training.epochsFor(666_667));
        assertEquals(10, Training.epochsFor(1_000_000));
        assertEquals(1, Training.epochsFor(30_000_000), "a large one: at least 1");
    }

    /**
     * The opening: up to 24 characters cut after a space, up to the first line's end; whitespace and document
     * separators before it skipped.
     */
    @Test
    void theOpeningIsTheFirstWords() {
        String text = "\n\nChapter one of a long tale, told\nmore";
        Vocab v = Vocab.build(text.codePoints().toArray(), 1);
        assertEquals("Chapter one of a long ", TrainingRun.opening(TokenIds.of(v.encode(text)), v));
        String shortLine = "Hi\nthere";
        Vocab w = Vocab.build(shortLine.codePoints().toArray(), 1);
        assertEquals("Hi", TrainingRun.opening(TokenIds.of(w.encode(shortLine)), w));
        String licence = "\u001c                    GNU GENERAL PUBLIC LICENSE\n       Version 3";
        Vocab g = Vocab.build(licence.codePoints().toArray(), 1);
        assertEquals("GNU GENERAL PUBLIC ", TrainingRun.opening(TokenIds.of(g.encode(licence)), g));
        String blank = " \t\n ";
        Vocab b = Vocab.build(blank.codePoints().toArray(), 1);
        assertEquals("\n", TrainingRun.opening(TokenIds.of(b.encode(blank)), b), "no words: a new line");
    }
}
