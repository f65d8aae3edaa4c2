package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
    @TempDir
    Path dir;

    /** Exit code, standard output and standard error of one run of the command line. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void trainsTheBuiltInCorpusAndPrintsContinuations() {
        Run r = run("train", "--epochs", "4", "--hidden", "32", "--print-every", "2", "--predict-length", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("corpus timemachine: 10,000 tokens, vocabulary 28"), r.out());
        assertTrue(r.out().contains("epoch 2, perplexity "), r.out());
        assertTrue(r.out().contains("epoch 4, perplexity "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - time traveller") && l.length() == 3 + 14 + 10), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - traveller")), r.out());
    }

    @Test
    void chineseCorpusRoundTrips() throws Exception {
        Path lyrics = dir.resolve("lyrics.txt");
        Files.writeString(lyrics, "想要有直升机\n想要和你飞到宇宙去\n想要和你融化在一起\n融化在宇宙里\n".repeat(40));
        Run r = run("train", "--preset", "jaychou", "--corpus", lyrics.toString(), "--epochs", "2", "--hidden", "16",
                "--batch", "4", "--steps", "8", "--prefix", "想要", "--predict-length", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - 想要") && l.codePointCount(0, l.length()) == 3 + 2 + 5),
                r.out());
    }

    @Test
    void badFlagsNameTheFlagAndRange() {
        Run r = run("train", "--hidden", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--hidden must be a positive whole number, got 0"), r.err());
        r = run("train", "--lr", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--lr must be a positive finite number"), r.err());
        r = run("train", "--preset", "shakespeare");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--preset: unknown value 'shakespeare'; allowed: timemachine, jaychou, "
                + "jaychou-concise"), r.err());
        r = run("train", "--cell", "transformer");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--cell: unknown value 'transformer'; allowed: rnn, gru, lstm"), r.err());
        r = run("train", "--optimizer", "rmsprop");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--optimizer: unknown value 'rmsprop'; allowed: sgd, adam"), r.err());
        r = run("train", "--dropout", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dropout must be in [0, 1), got 1.0"), r.err());
        r = run("train", "--layers", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--layers must be a positive whole number, got 0"), r.err());
    }

    /** A two-layer LSTM with dropout and Adam, and the concise preset's settings in the header line. */
    @Test
    void modelFlagsReachTheModel() {
        Run r = run("train", "--cell", "lstm", "--layers", "2", "--dropout", "0.2", "--optimizer", "adam", "--lr", "0.01",
                "--hidden", "16", "--epochs", "2", "--predict-length", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("lstm H 16 × 2 layers, dropout 0.2, B 32, T 35, adam lr 0.01, clip 1.0"), r.out());
        r = run("train", "--preset", "jaychou-concise", "--corpus", "timemachine", "--preprocess", "letters",
                "--epochs", "1", "--hidden", "8", "--prefix", "time");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rnn H 8, B 32, T 35, adam lr 0.001, clip 0.01, consecutive sampling"), r.out());
    }

    @Test
    void tooShortCorpusSaysHowManyTokensAreNeeded() throws Exception {
        Path tiny = dir.resolve("tiny.txt");
        Files.writeString(tiny, "just a few words");
        Run r = run("train", "--corpus", tiny.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("tiny.txt: 16 tokens is too short for one minibatch of --batch 32 × --steps 35")
                && r.err().contains("at least 1152 tokens"), r.err());
    }

    @Test
    void missingCorpusIsAClearError() {
        Run r = run("train", "--corpus", dir.resolve("missing.txt").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.txt: no such file"), r.err());
    }

    /** Validation, the best model beside the checkpoint, metrics as CSV and JSON lines, and the plot files. */
    @Test
    void validationMetricsAndPlots() throws Exception {
        Path out = dir.resolve("m.safetensors");
        Run r = run("train", "--hidden", "32", "--epochs", "6", "--val-fraction", "0.1", "--out", out.toString(),
                "--metrics", dir.resolve("m.csv").toString(), "--plot", dir.resolve("curve").toString(),
                "--print-every", "3", "--predict-length", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("corpus timemachine: 9,000 tokens (+ 1,000 for validation)"), r.out());
        assertTrue(r.out().contains(", validation perplexity "), r.out());
        assertTrue(Files.exists(out) && Files.exists(dir.resolve("m.best.safetensors")));
        List<String> csv = Files.readAllLines(dir.resolve("m.csv"));
        assertEquals("epoch,perplexity,val_perplexity,seconds,tokens_per_second", csv.get(0));
        assertEquals(7, csv.size());
        assertTrue(csv.get(6).startsWith("6,") && csv.get(6).split(",").length == 5, csv.get(6));
        byte[] png = Files.readAllBytes(dir.resolve("curve.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Files.readString(dir.resolve("curve.svg")).contains("<svg"));

        r = run("train", "--hidden", "32", "--epochs", "2", "--metrics", dir.resolve("m.jsonl").toString(),
                "--predict-length", "5");
        assertEquals(0, r.code(), r.err());
        List<String> jsonl = Files.readAllLines(dir.resolve("m.jsonl"));
        assertEquals(2, jsonl.size());
        assertTrue(jsonl.get(1).startsWith("{\"epoch\":2,\"perplexity\":"), jsonl.get(1));
    }

    /** A learning rate far too high for Adam: validation gets no better, and the run stops after N epochs of it. */
    @Test
    void earlyStopAfterEpochsWithoutImprovement() {
        Run r = run("train", "--hidden", "32", "--epochs", "40", "--val-fraction", "0.1", "--early-stop", "2",
                "--optimizer", "adam", "--lr", "5", "--predict-length", "5", "--print-every", "100");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stopped early after epoch "), r.out());
    }

    @Test
    void aResumedRunKeepsItsSettings() throws Exception {
        Path out = dir.resolve("r.safetensors");
        assertEquals(0, run("train", "--hidden", "16", "--epochs", "1", "--out", out.toString()).code());
        Run r = run("train", "--resume", out.toString(), "--hidden", "32");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--hidden: a resumed run keeps the settings it started with"), r.err());
        Path other = dir.resolve("other.txt");
        Files.writeString(other, "only a few letters here ".repeat(100));
        r = run("train", "--resume", out.toString(), "--corpus", other.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("gives another vocabulary than the one " + out + " was trained on"), r.err());
        r = run("train", "--metrics", dir.resolve("m.txt").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("the name must end in .csv or .jsonl"), r.err());
        r = run("train", "--out", dir.resolve("no/such/folder/m").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
    }

    /** An absurd learning rate: a clear message, exit code 3, and the checkpoint already on disk untouched. */
    @Test
    void divergenceKeepsTheLastGoodCheckpoint() throws Exception {
        Path out = dir.resolve("good.safetensors");
        assertEquals(0, run("train", "--hidden", "32", "--epochs", "2", "--out", out.toString()).code());
        byte[] good = Files.readAllBytes(out);
        Run r = run("train", "--hidden", "32", "--lr", "1e30", "--clip", "1e30", "--out", out.toString(),
                "--save-every", "1");
        assertEquals(3, r.code());
        assertTrue(r.err().contains("rnn4j: training diverged in epoch 1, minibatch "), r.err());
        assertTrue(r.err().contains("(sgd lr 1.0E30, clip 1.0E30); lower --lr (try 1.0E29) or --clip (try 1.0)"), r.err());
        assertTrue(r.err().contains("no checkpoint was written before it, " + out + " is untouched"), r.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(good, Files.readAllBytes(out));
    }
}
