package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.nn.CellType;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.TestCorpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.train.Epoch;

/** Continuing a run and fine-tuning a model through the front door, and a checkpoint from before it. */
class OneDoorTest {
    @TempDir
    Path dir;

    private static final String TEXT = TestCorpus.load(Corpus.BUILT_IN, null, Preprocessing.RAW, 6_000).text();

    private static Training small() {
        return Training.defaults().hidden(24).layers(2).dropout(0.2).variationalDropout(0.2).weightDropout(0.2)
                .weightDecay(0.1).batch(4).steps(20).seed(7).earlyStop(0);
    }

    /** Half a run saved, then resumed to its end: the weights and figures of the run done in one go. */
    @Test
    void aRunResumedIsTheRunUninterrupted() {
        Path file = dir.resolve("half.safetensors");
        TextModel whole = TextModel.train(TEXT, small().validationFraction(0).epochs(4));
        TextModel half = TextModel.train(TEXT, small().validationFraction(0).epochs(2).checkpoint(file, 1));
        assertEquals(2, half.history().size());
        assertTrue(Files.exists(file), "the checkpoint of the first half is written");
        Path book = writeText("book.txt", TEXT);
        TextModel resumed = TextModel.train(book, Training.defaults().resume(file).epochs(4));
        assertArrayEquals(whole.network().params.data, resumed.network().params.data);
        assertEquals(figures(whole.history()), figures(resumed.history()));
        assertEquals(whole.preset(), resumed.preset());
    }

    /** A resumed run keeps its checkpoint's settings: setting one is refused, naming it. */
    @Test
    void aResumedRunRefusesAChangedSetting() {
        Path file = dir.resolve("r.safetensors");
        TextModel.train(TEXT, small().epochs(1).checkpoint(file, 1));
        InputException e = assertThrows(InputException.class,
                () -> TextModel.train(TEXT, Training.defaults().resume(file).hidden(32)));
        assertTrue(e.getMessage().startsWith("Training.hidden: a resumed run keeps the settings it started with; drop "
                + "Training.hidden"), e.getMessage());
        e = assertThrows(InputException.class, () -> TextModel.train("other letters ".repeat(50),
                Training.defaults().resume(file)));
        assertTrue(e.getMessage().contains("another vocabulary than the one " + file + " was trained on"),
                e.getMessage());
    }

    /**
     * Fine-tuning: the start model's weights, shape and preprocessing; the text's new characters after its own
     * tokens, whose rows and columns start as the model's; a shape set besides is refused.
     */
    @Test
    void aModelFineTunedStartsFromItsWeights() {
        TextModel base = TextModel.train(TEXT, small().epochs(2).cell(CellType.LSTM));
        String other = "Zebras quizzed Xavier on jazz: why? ".repeat(40);
        TrainingListener.Start[] start = new TrainingListener.Start[1];
        float[][] first = new float[1][];
        int[] hh = new int[1];
        TextModel tuned = TextModel.train(other, Training.defaults().startFrom(base).batch(4).steps(20).epochs(1)
                .earlyStop(0).listener(new TrainingListener() {
                    @Override
                    public void started(Start s) {
                        start[0] = s;
                        first[0] = s.model().network().params.data.clone();
                        hh[0] = s.model().network().params.views().stream().filter(v -> v.name().equals("W_hh"))
                                .findFirst().orElseThrow().offset();
                    }

                    @Override
                    public void epoch(Epoch epoch, TextModel model) {
                    }
                }));
        assertEquals(List.of(base.shape().cell(), base.shape().hidden(), base.shape().layers(), base.shape().init(),
                base.shape().dropout()), List.of(tuned.shape().cell(), tuned.shape().hidden(), tuned.shape().layers(),
                tuned.shape().init(), tuned.shape().dropout()), "the model's shape");
        assertEquals(List.of(0.0, 0.0), List.of(tuned.shape().variationalDropout(), tuned.shape().weightDropout()),
                "sized to fine-tuning: none, where the model's own were 0.2 and 0.2");
        assertEquals(base.vocabulary().size(), start[0].inherited());
        int[] own = base.vocabulary().tokens(), wide = tuned.vocabulary().tokens();
        assertArrayEquals(own, Arrays.copyOf(wide, own.length), "the model's tokens keep their indices");
        assertTrue(wide.length > own.length && new String(wide, own.length, wide.length - own.length).contains("Z"));
        org.rnn4j.nn.Parameters.View ownHh = base.network().params.views().stream()
                .filter(v -> v.name().equals("W_hh")).findFirst().orElseThrow();
        assertArrayEquals(Arrays.copyOfRange(base.network().params.data, ownHh.offset(), ownHh.offset() + ownHh.size()),
                Arrays.copyOfRange(first[0], hh[0], hh[0] + ownHh.size()), "W_hh starts as the model's");
        InputException e = assertThrows(InputException.class,
                () -> TextModel.train(other, Training.defaults().startFrom(base).hidden(8)));
        assertEquals("Training.hidden: a model from Training.startFrom keeps its shape; drop Training.hidden",
                e.getMessage());
    }

    /**
     * A checkpoint written by rnn4j before the front door ran every training (commit 01292c0, reference kernels:
     * {@code train --cell gru --hidden 24 --layers 2 --dropout 0.1 --optimizer adam --lr 0.01 --init uniform
     * --epochs 3 --val-fraction 0.1 --max-tokens 4000 --batch 8 --steps 20 --random-offset --lr-decay 0.8 --seed 5})
     * loads, generates the text that rnn4j generated from it, and resumes to the figures that rnn4j printed.
     */
    @Test
    void aCheckpointFromBeforeTheOneDoorLoadsResumesAndGenerates() throws Exception {
        Path file = dir.resolve("before.safetensors");
        try (InputStream in = OneDoorTest.class.getResourceAsStream("before-one-door.safetensors")) {
            Files.copy(in, file);
        }
        String before = System.getProperty("rnn4j.kernels");
        System.setProperty("rnn4j.kernels", "reference");
        try {
            TextModel model = TextModel.load(file);
            assertEquals("time travellerinalnavs he he sc lerloge btheperatthis tamy thene aire pto ",
                    model.generate("Time Traveller", Sampling.temperature(0.8).seed(3).length(60)));
            assertEquals(List.of("the timeseomohyres the sc lerloge btheperatthis tamy thene aire pto ",
                            "the time ae harelimilenefospehe tma s tbi ftfalee ha trthels he tor "),
                    model.generate("the time", Sampling.temperature(0.8).seed(3).length(60), 2));
            List<Epoch> seen = new ArrayList<>();
            List<String> greedy = new ArrayList<>();
            TextModel resumed = TextModel.train(Training.defaults().resume(file).epochs(5).threads(1)
                    .listener((epoch, now) -> {
                        seen.add(epoch);
                        greedy.add(now.generate("time traveller", Sampling.greedy().length(50)));
                    }));
            assertEquals(List.of(4, 5), seen.stream().map(Epoch::epoch).toList());
            double[][] printed = {{11.998615, 11.359010, 0.00512}, {11.085238, 10.893401, 0.004096}};
            for (int i = 0; i < 2; i++) {
                assertEquals(printed[i][0], seen.get(i).perplexity(), 5e-7);
                assertEquals(printed[i][1], seen.get(i).validationPerplexity(), 5e-7);
                assertEquals(printed[i][2], seen.get(i).learningRate(), 1e-12);
            }
            assertEquals("time traveller the the the the the the the the the the the the t", greedy.get(1));
            assertEquals(5, resumed.history().size());
            assertEquals("timemachine", resumed.preset());
        } finally {
            if (before == null) {
                System.clearProperty("rnn4j.kernels");
            } else {
                System.setProperty("rnn4j.kernels", before);
            }
        }
    }

    private static List<String> figures(List<Epoch> history) {
        return history.stream().map(e -> e.epoch() + " " + e.perplexity() + " " + e.validationPerplexity() + " "
                + e.learningRate()).toList();
    }

    private Path writeText(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void noTextIsAClearError() {
        InputException e = assertThrows(InputException.class, () -> TextModel.train(Training.defaults()));
        assertTrue(e.getMessage().startsWith("no text to train on: give Training.corpus"), e.getMessage());
        assertFalse(e.getMessage().contains("--"));
        assertNotEquals(null, e.option());
    }
}
