package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
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

    /**
     * One's own text sized: the held-out share is 50,000 characters' worth within [2 %, 10 %]; a small text gets a
     * smaller model, smaller batches, dropout, more epochs and more patience, a middling one less dropout, a large one
     * none; the epochs are about 10 million tokens' worth within each one's cap.
     */
    @Test
    void theTextsSizeDecidesWhatIsLeftOpen() {
        assertEquals(new Sizing(0.1, 128, 16, 200, 0.2, 0.3, 8, 6, "a small text", "a smaller model", "dropout that "
                + "keeps it from learning the text by heart"), Sizing.of(30_000));
        Set<String> all = Set.copyOf(Sizing.OPTIONS);
        assertEquals("30,000 characters, a small text: a smaller model, dropout that keeps it from learning the text by "
                + "heart, and a memory of its exact strings", Sizing.of(30_000).why(30_000, all));
        assertEquals("30,000 characters, a small text: a smaller model", Sizing.of(30_000).why(30_000,
                Set.of("hidden", "batch", "epochs")), "nothing of the dropout or memory a flag gave");
        assertEquals("30,000 characters, a small text", Sizing.of(30_000).why(30_000, Set.of("batch")));
        assertEquals("10,000,001 characters, a large text: no dropout, which would slow it more than help it, and no "
                + "memory, which would make the model file as large as it", Sizing.of(10_000_001).why(10_000_001, all));
        assertEquals("300,000 characters, fine-tuning: no dropout, the model's knowledge holds it back, and a memory of "
                + "its exact strings", Sizing.fineTuning(300_000).why(300_000, all));
        assertEquals(List.of(0.1, 256.0, 32.0, 0.1, 0.2, 3.0, 6.0), figures(Sizing.of(300_000)));
        assertEquals(List.of(0.05, 256.0, 32.0, 0.1, 0.2, 3.0, 6.0), figures(Sizing.of(999_999)));
        assertEquals(List.of(0.05, 256.0, 32.0, 0.0, 0.0, 3.0, 6.0), figures(Sizing.of(1_000_000)),
                "a large text: no dropout, but a memory");
        assertEquals(List.of(0.02, 256.0, 32.0, 0.0, 0.0, 3.0, 6.0), figures(Sizing.of(10_000_000)));
        assertEquals(List.of(0.02, 256.0, 32.0, 0.0, 0.0, 3.0, 0.0), figures(Sizing.of(10_000_001)),
                "at least 2 %, and no memory above 10 million");
        assertEquals(List.of(0.1, 128.0, 16.0, 0.2, 0.3, 8.0, 6.0), figures(Sizing.of(99_999)));
        assertEquals(200, Sizing.of(30_000).epochs(27_000), "a small text: up to 200");
        assertEquals(37, Sizing.of(30_000).epochs(270_000));
        assertEquals(50, Sizing.of(300_000).epochs(180_000), "a middling one: up to 50");
        assertEquals(1, Sizing.of(20_000_000).epochs(19_600_000), "a large one: at least 1");
        assertEquals(new Sizing(0.1, 128, 16, 200, 0, 0, 8, 6, "fine-tuning", null, "no dropout, the model's "
                + "knowledge holds it back"), Sizing.fineTuning(30_000), "fine-tuning a small text: no dropout");
        assertEquals(List.of(0.1, 256.0, 32.0, 0.0, 0.0, 3.0, 6.0), figures(Sizing.fineTuning(300_000)),
                "nor a middling one");
    }

    /**
     * The defaults leave the sized options open and a run fills them from its text; one set by hand stays as set, and
     * a run with none open says nothing of sizing.
     */
    @Test
    void aRunSizesWhatItsSettingsLeaveOpen() {
        String text = "Sizing by the text, one small text. ".repeat(100);
        assertEquals(Sizing.OPTIONS, Training.defaults().sized());
        Training t = start(text, Training.defaults().layers(1).steps(10));
        assertEquals(List.of(0.1, 128.0, 16.0, 200.0, 0.2, 0.3, 8.0, 6.0), List.of(t.validationFraction(),
                (double) t.hidden(), (double) t.batch(), (double) t.epochs(), t.variationalDropout(),
                t.weightDropout(), (double) t.earlyStop(), (double) t.memory()));
        assertTrue(t.sizing().startsWith("3,600 characters, a small text"), t.sizing());
        Training set = start(text, Training.defaults().hidden(8).layers(1).batch(4).steps(10).epochs(1)
                .weightDropout(0).validationFraction(0.2));
        assertEquals(List.of(0.2, 8.0, 4.0, 1.0, 0.2, 0.0), List.of(set.validationFraction(), (double) set.hidden(),
                (double) set.batch(), (double) set.epochs(), set.variationalDropout(), set.weightDropout()));
        assertEquals(List.of("variationalDropout", "earlyStop", "memory"), set.sized());
        Training none = start(text, Training.defaults().hidden(8).layers(1).batch(4).steps(10).epochs(1)
                .weightDropout(0).variationalDropout(0).validationFraction(0.2).earlyStop(0).memory(0));
        assertEquals(null, none.sizing());
    }

    private static List<Double> figures(Sizing s) {
        return List.of(s.validationFraction(), (double) s.hidden(), (double) s.batch(), s.variationalDropout(),
                s.weightDropout(), (double) s.earlyStop(), (double) s.memory());
    }

    /** The settings a run on {@code text} takes, as its listener hears them. */
    private static Training start(String text, Training options) {
        Training[] taken = new Training[1];
        TextModel.train(text, options.listener(new TrainingListener() {
            @Override
            public void started(Start s) {
                taken[0] = s.settings();
            }

            @Override
            public void epoch(org.rnn4j.train.Epoch epoch, TextModel model) {
            }
        }));
        return taken[0];
    }
}
