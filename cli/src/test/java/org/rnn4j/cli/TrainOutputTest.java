package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.TrainCommandTest.Run;

/** What {@code train} prints of one's own text, read as a user would read it. */
class TrainOutputTest {
    @TempDir
    Path dir;

    /** The text's first words, whatever whitespace and document separators come before them, start each report. */
    @Test
    void theDefaultPrefixIsTheTextsFirstWords() throws Exception {
        Path licence = dir.resolve("licence.txt");
        Files.writeString(licence, "                    GNU GENERAL PUBLIC LICENSE\n" + "Everyone may copy it. ".repeat(200));
        Run r = train(licence, "--epochs", "1");
        assertTrue(r.out().contains("--prefix 'GNU GENERAL PUBLIC '"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - GNU GENERAL PUBLIC")), r.out());
    }

    /** A greedy continuation that ends in one character over and over says so instead of printing the run. */
    @Test
    void aContinuationThatRepeatsOneCharacterSaysSo() throws Exception {
        Path spaces = dir.resolve("spaces.txt");
        Files.writeString(spaces, ("ab" + " ".repeat(98)).repeat(60));
        Run r = train(spaces, "--epochs", "3", "--length", "40", "--lr", "0.05");
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" - ab *\\[then ' ' × [0-9]+]")), r.out());
        assertEquals("GNU[then ' ' × 12]", TrainReport.repeats("GNU " + " ".repeat(11)));
        assertEquals("ab" + " ".repeat(9), TrainReport.repeats("ab" + " ".repeat(9)), "too short a run");
        assertEquals("x[then '\\n' × 10]", TrainReport.repeats("x" + "\n".repeat(10)));
        assertEquals("x[then '␜' × 10]", TrainReport.repeats("x" + "\u001c".repeat(10)));
    }

    /**
     * An epoch's time is its whole wall time: training (the metrics file's seconds), validation, saving and the
     * report's continuations, here 20,000 characters greedy and 20,000 sampled, far more work than the epoch's training
     * of 8,100 characters; the time printed to 2 places must pass the training's by more than its rounding.
     */
    @Test
    void anEpochsTimeHoldsItsValidationSamplingAndSaving() throws Exception {
        Path text = dir.resolve("t.txt"), csv = dir.resolve("m.csv");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(200));
        Run r = train(text, "--epochs", "2", "--length", "20000", "--out", dir.resolve("m.safetensors").toString(),
                "--metrics", csv.toString());
        List<String> rows = Files.readAllLines(csv).subList(1, 3);
        Matcher m = Pattern.compile("epoch (\\d+), .*, time ([0-9.]+) sec, ([0-9,]+) tokens/s").matcher(r.out());
        for (String row : rows) {
            assertTrue(m.find(), r.out());
            String[] f = row.split(",");
            double training = Double.parseDouble(f[3]), wall = Double.parseDouble(m.group(2));
            assertTrue(wall > training + 0.005, "epoch " + m.group(1) + ": " + wall + " s against " + training
                    + " s of training alone");
            assertEquals(String.format(Locale.ROOT, "%,.0f", Double.parseDouble(f[4])), m.group(3),
                    "the tokens/s are the training's");
        }
    }

    /** The closing line names the best epoch, its figure and its file, and the last epoch's figures beside them. */
    @Test
    void theClosingLineNamesTheBestEpochAndItsFile() throws Exception {
        Path text = dir.resolve("t.txt"), out = dir.resolve("m.safetensors"), csv = dir.resolve("m.csv");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(60) + "a stone, a stick. "
                .repeat(30));
        Run r = train(text, "--epochs", "12", "--lr", "0.1", "--early-stop", "12", "--variational-dropout", "0",
                "--weight-dropout", "0", "--out", out.toString(),
                "--metrics", csv.toString());
        List<String[]> rows = Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",")).toList();
        String[] best = rows.get(0), last = rows.get(rows.size() - 1);
        for (String[] row : rows) {
            if (Double.parseDouble(row[2]) < Double.parseDouble(best[2])) {
                best = row;
            }
        }
        assertTrue(!best[0].equals(last[0]), "a run whose best epoch is not its last: " + r.out());
        String expected = String.format(Locale.ROOT, "best epoch %s: validation %.3f (%.3f bits/char), kept in %s; "
                        + "last epoch %s: %.3f (%.3f bits/char), training %.3f (%.3f bits/char)", best[0],
                Double.parseDouble(best[2]), Double.parseDouble(best[6]), dir.resolve("m.best.safetensors"), last[0],
                Double.parseDouble(last[2]), Double.parseDouble(last[6]), Double.parseDouble(last[1]),
                Double.parseDouble(last[5]));
        assertTrue(r.out().contains(expected), expected + "\n" + r.out());
    }

    /**
     * A held-out part far easier than the rest (here a run of one letter) gets a note that says so and what to do; the
     * network's own figures compared, with a memory too (whose mixture reads any repeat far better than the network).
     */
    @Test
    void aValidationFarBelowTrainingGetsANote() throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "Many different words, with commas; and stops. ".repeat(100) + "a".repeat(1000));
        for (String memory : List.of("0", "4")) {
            Run r = train(text, "--epochs", "3", "--memory", memory);
            assertTrue(r.err().contains("rnn4j: note: the network's validation figure (") && r.err().contains(
                    "is far below its training one") && r.err().contains("the held-out last 10 % of the text reads "
                    + "unlike the rest") && r.err().contains("--val-fraction"), "memory " + memory + ": " + r.err());
        }
        Files.writeString(text, "Many different words, with commas; and stops. ".repeat(120));
        for (String memory : List.of("0", "4")) {
            assertTrue(!train(text, "--epochs", "3", "--memory", memory).err().contains("far below"),
                    "a held-out part like the rest, memory " + memory);
        }
    }

    /**
     * The built-in model by its name: fine-tuned from ({@code --init-from english}: its shape, its vocabulary grown by
     * the text's new characters), generated from and scored, as a checkpoint is.
     */
    @Test
    void theBuiltInEnglishModelIsAModelLikeAnyOther() throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "Prices rose by 5 € a week, and nobody said a word about it. ".repeat(40));
        Run r = run("train", "--corpus", text.toString(), "--init-from", "english", "--epochs", "1", "--batch", "8",
                "--threads", "1", "--length", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("from model english: --preprocess raw --cell gru --hidden 256 --layers 2"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("fine-tuning english \\(vocabulary \\d+, \\+ 1 new: €\\)")),
                r.out());
        Run g = run("generate", "--model", "english", "--prefix", "The ", "--temperature", "0", "--length", "30");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().startsWith("The "), g.out());
        Run e = run("eval", "--model", "english", "--corpus", text.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains(": 2,400 tokens (raw preprocessing), 40 unknown to the model"), e.out());
    }

    private static Run train(Path text, String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--corpus", text.toString(), "--hidden", "16",
                "--layers", "1", "--batch", "4", "--steps", "20", "--threads", "1", "--val-fraction", "0.1",
                "--sample-temperature", "0.8", "--length", "20"));
        args.addAll(List.of(flags));
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }
}
