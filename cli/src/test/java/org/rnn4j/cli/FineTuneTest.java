package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.text.Preprocessing;

/** train --init-from: a Time Machine model fine-tuned on other text. */
class FineTuneTest {
    @TempDir
    static Path dir;
    static Path base;

    /** The base model's and the run from scratch's settings; a fine-tuned run takes its shape from the model. */
    private static final List<String> SETTINGS = List.of("--hidden", "64", "--preset", "timemachine", "--optimizer", "adam",
            "--lr", "0.01", "--print-every", "100", "--length", "5");

    @BeforeAll
    static void trainTheBase() {
        base = dir.resolve("base.safetensors");
        TrainCommandTest.Run r = run(args("train", "--epochs", "15", "--out", base.toString()));
        assertEquals(0, r.code(), r.err());
    }

    private static String[] args(String... first) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(all.contains("--init-from") ? SETTINGS.subList(2, SETTINGS.size()) : SETTINGS);
        return all.toArray(String[]::new);
    }

    /**
     * Another part of the book (10,000 letters from character 100,000 on, which the base model never read): from the
     * base model, the validation perplexity that 12 epochs from scratch reach comes in fewer epochs.
     */
    @Test
    void aFineTunedModelGetsThereFirst() throws Exception {
        String book = Texts.timeMachine(Preprocessing.LETTERS, 0);
        Path other = Files.writeString(dir.resolve("later.txt"), book.substring(100_000, 110_000));
        Path scratchCsv = dir.resolve("scratch.csv"), tunedCsv = dir.resolve("tuned.csv");
        assertEquals(0, run(args("train", "--corpus", other.toString(), "--epochs", "12", "--val-fraction", "0.1",
                "--metrics", scratchCsv.toString())).code());
        TrainCommandTest.Run tuned = run(args("train", "--init-from", base.toString(), "--corpus", other.toString(),
                "--epochs", "12", "--val-fraction", "0.1", "--metrics", tunedCsv.toString()));
        assertEquals(0, tuned.code(), tuned.err());
        assertTrue(tuned.out().contains("fine-tuning " + base + " (vocabulary 28)"), tuned.out());
        double[] scratch = validation(scratchCsv), fineTuned = validation(tunedCsv);
        double target = scratch[11];
        int reached = 0;
        while (fineTuned[reached] > target) {
            reached++;
        }
        assertTrue(reached + 1 < 12, "fine-tuned reached " + target + " in epoch " + (reached + 1) + ": "
                + Arrays.toString(fineTuned) + " against " + Arrays.toString(scratch));
    }

    private static double[] validation(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[2])).toArray();
    }

    /** New characters extend the vocabulary after the model's own, whose indices stay as they were. */
    @Test
    void newCharactersExtendTheVocabulary() throws Exception {
        Path text = Files.writeString(dir.resolve("quiz.txt"), "The Zebra quizzed Xavier: jazz? ".repeat(60));
        Path out = dir.resolve("tuned.safetensors");
        TrainCommandTest.Run r = run("train", "--init-from", base.toString(), "--corpus", text.toString(), "--preprocess",
                "raw", "--epochs", "1", "--batch", "4", "--steps", "20", "--length", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("vocabulary 33;"), r.out());
        assertTrue(r.out().contains("fine-tuning " + base + " (vocabulary 28, + 5 new: TZX:?)"), r.out());
        int[] old = Checkpoint.load(base, Kernels.reference()).vocab().tokens();
        int[] now = Checkpoint.load(out, Kernels.reference()).vocab().tokens();
        assertArrayEquals(old, Arrays.copyOf(now, old.length));
    }

    @Test
    void badInitFromIsAClearError() throws Exception {
        TrainCommandTest.Run r = run("train", "--init-from", base.toString(), "--hidden", "32");
        assertEquals(2, r.code());
        assertEquals("rnn4j: --hidden: a model from --init-from keeps its shape; drop --hidden\n", r.err());
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a model");
        r = run("train", "--init-from", notes.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("rnn4j: " + notes + ": not a checkpoint"), r.err());
        r = run("train", "--resume", base.toString(), "--init-from", base.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("rnn4j: --init-from: a resumed run keeps the settings"), r.err());
    }
}
