package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.nn.CellType;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.TestCorpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.train.Epoch;

/** The front door: train from each kind of source, generate, save, load, from many threads, and its errors. */
class TextModelTest {
    @TempDir
    Path dir;

    private static final String TEXT = TestCorpus.load(Corpus.BUILT_IN, null, Preprocessing.RAW, 6_000).text();

    /** Small settings, so that each run takes a fraction of a second. */
    private static Training small() {
        return Training.defaults().hidden(24).layers(1).batch(4).steps(20).epochs(2).seed(7);
    }

    @Test
    void aFileAStringAReaderAndDocumentsGiveTheSameModel() throws Exception {
        Path file = Files.writeString(dir.resolve("book.txt"), TEXT);
        float[] fromFile = TextModel.train(file, small()).network().params.data;
        assertArrayEquals(fromFile, TextModel.train(TEXT, small()).network().params.data);
        assertArrayEquals(fromFile, TextModel.train(new StringReader(TEXT), small()).network().params.data);
        Path folder = Files.createDirectories(dir.resolve("parts"));
        Files.writeString(folder.resolve("1.txt"), TEXT.substring(0, 3_000));
        Files.writeString(folder.resolve("2.txt"), TEXT.substring(3_000));
        assertArrayEquals(TextModel.train(folder, small()).network().params.data,
                TextModel.train(List.of(TEXT.substring(0, 3_000), TEXT.substring(3_000)), small()).network().params.data,
                "a folder and the same documents in memory");
        assertNotEquals(TextModel.train(TEXT, small().seed(8)).network().params.data[0], fromFile[0], "the seed matters");
    }

    @Test
    void savedAndLoadedItGeneratesTheSameText() {
        TextModel model = TextModel.train(TEXT, small());
        Sampling sampling = Sampling.temperature(0.8).seed(3).length(60);
        String text = model.generate("The Time", sampling);
        assertTrue(text.startsWith("The Time") && text.codePointCount(0, text.length()) == 8 + 60, text);
        Path file = dir.resolve("m.safetensors");
        model.save(file);
        TextModel loaded = TextModel.load(file);
        assertEquals(text, loaded.generate("The Time", sampling));
        assertEquals(model.perplexity(TEXT), loaded.perplexity(TEXT), 1e-9);
        assertNotEquals(text, loaded.generate("The Time", sampling.seed(4)));
        StringBuilder streamed = new StringBuilder("The Time");
        loaded.generate("The Time", sampling, streamed::append);
        assertEquals(text, streamed.toString());
        assertEquals(model.history(), loaded.history());
        List<String> three = loaded.generate("The Time", sampling, 3);
        assertEquals(3, three.size());
        assertEquals(text, three.get(0), "the first sample is the one-text call's");
        assertNotEquals(three.get(1), three.get(2));
    }

    /** Each field of Sampling reaches the draws: every one changed gives another text; top-k 1 is greedy. */
    @Test
    void eachSamplingFieldChangesTheText() {
        TextModel model = TextModel.train(TEXT, small());
        Sampling base = Sampling.temperature(1).seed(3).length(60);
        String text = model.generate("The ", base);
        for (Sampling changed : List.of(base.seed(4), base.length(61), new Sampling(0.3, 0, 1, 3, 60), base.topK(2),
                base.topP(0.3))) {
            assertNotEquals(text, model.generate("The ", changed), changed.toString());
        }
        assertEquals(model.generate("The ", Sampling.greedy().length(60)), model.generate("The ", base.topK(1)));
        assertEquals(model.generate("The ", Sampling.greedy().length(60)), model.generate("The ", base.topP(1e-9)));
    }

    /** One loaded model, eight threads generating at once: the texts of one thread generating them in turn. */
    @Test
    void manyThreadsGenerateFromOneModelAtOnce() throws Exception {
        Path file = dir.resolve("shared.safetensors");
        TextModel.train(TEXT, small().cell(CellType.LSTM).hidden(40).layers(2)).save(file);
        TextModel model = TextModel.load(file);
        List<Sampling> jobs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            jobs.add(Sampling.temperature(i % 4 == 0 ? 0 : 0.5 + i % 3).seed(i).length(150));
        }
        List<String> alone = new ArrayList<>();
        for (Sampling s : jobs) {
            alone.add(model.generate("the ", s));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> tasks = new ArrayList<>();
            for (Sampling s : jobs) {
                tasks.add(() -> model.generate("the ", s));
            }
            List<String> together = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(tasks)) {
                together.add(f.get());
            }
            assertEquals(alone, together);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The listener sees each epoch; stopWhen ends the run; with validation the best epoch's model comes back. */
    @Test
    void listenersStopsAndTheBestEpoch() {
        List<Epoch> seen = new ArrayList<>();
        int[] planned = {0};
        TextModel stopped = TextModel.train(TEXT, small().epochs(10).listener(new TrainingListener() {
            @Override
            public void started(Start start) {
                planned[0] = start.settings().epochs();
            }

            @Override
            public void epoch(Epoch epoch, TextModel model) {
                seen.add(epoch);
            }
        }).stopWhen(() -> seen.size() == 3));
        assertEquals(3, seen.size());
        assertEquals(10, planned[0]);
        assertEquals(seen, stopped.history());
        assertTrue(seen.stream().allMatch(p -> p.validationPerplexity() > 1 && p.learningRate() == 2e-3), seen.toString());

        TextModel best = TextModel.train(TEXT, small().epochs(12).learningRate(0.05).earlyStop(0));
        double[] val = best.history().stream().mapToDouble(Epoch::validationPerplexity).toArray();
        double min = java.util.Arrays.stream(val).min().orElseThrow();
        assertEquals(min, val[val.length - 1], "the model returned is the best epoch's (of " + val.length + ")");
        assertTrue(best.history().size() <= 12);
        String heldOut = TEXT.substring(TEXT.length() - 300);
        assertTrue(best.perplexity(heldOut) > 1, "perplexity of held-out text");
    }

    @Test
    void withoutAnEpochCountTheTextsSizeSetsIt() {
        assertEquals(50, Training.defaults().config(10_000).epochs());
        assertEquals(10, Training.defaults().config(1_000_000).epochs());
        assertEquals(1, Training.defaults().config(50_000_000).epochs());
        assertEquals(4, Training.defaults().epochs(4).config(10).epochs());
    }

    /** Bad input: one documented exception, a message naming the input and the fix, no unrelated causes. */
    @Test
    void badInputIsAnInputException() throws Exception {
        InputException e = assertThrows(InputException.class,
                () -> TextModel.train(dir.resolve("missing.txt"), small()));
        assertTrue(e.getMessage().startsWith(dir.resolve("missing.txt") + ": no such file"), e.getMessage());
        assertNull(e.getCause());
        e = assertThrows(InputException.class, () -> TextModel.train("", small()));
        assertEquals("text: is empty after raw preprocessing; give a text with some content, or another "
                + "Training.preprocessing", e.getMessage());
        e = assertThrows(InputException.class, () -> TextModel.train("too short", small()));
        assertEquals("text: 8 tokens for training is too short for one minibatch of Training.batch 4 × Training.steps 20: it needs "
                + "at least 84 tokens; give a longer text, or smaller Training.batch/Training.steps", e.getMessage());
        Path damaged = dir.resolve("damaged.safetensors");
        TextModel.train(TEXT, small()).save(damaged);
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length - 1] ^= 1;
        Files.write(damaged, bytes);
        e = assertThrows(InputException.class, () -> TextModel.load(damaged));
        assertTrue(e.getMessage().startsWith(damaged + ": "), e.getMessage());
        Path notModel = Files.writeString(dir.resolve("notes.safetensors"), "hello, these are my notes, not a model");
        e = assertThrows(InputException.class, () -> TextModel.load(notModel));
        assertTrue(e.getMessage().startsWith(notModel + ": not a checkpoint"), e.getMessage());
        assertEquals("Training.epochs must be a positive whole number, got 0",
                assertThrows(InputException.class, () -> Training.defaults().epochs(0)).getMessage());
        assertEquals("Training.validationFraction must be in [0.0, 0.5], got 0.9",
                assertThrows(InputException.class, () -> Training.defaults().validationFraction(0.9)).getMessage());
        assertEquals("Training.learningRate must be a positive finite number, got NaN",
                assertThrows(InputException.class, () -> Training.defaults().learningRate(Double.NaN)).getMessage());
        assertEquals("Sampling.temperature must be a finite number ≥ 0, got -1.0",
                assertThrows(InputException.class, () -> Sampling.temperature(-1)).getMessage());
        assertEquals("Sampling.topP must be in (0, 1], got 0.0",
                assertThrows(InputException.class, () -> Sampling.greedy().topP(0)).getMessage());
    }
}
