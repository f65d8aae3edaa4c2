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
import org.rnn4j.data.TokenIds;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.text.Encoded;
import org.rnn4j.train.Evaluation;
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

    /**
     * The Vector API kernels when the JVM has jdk.incubator.vector; the reference ones without it, or when
     * -Drnn4j.kernels=reference asks for them. Each in a JVM of its own, as the choice is made once per process.
     */
    @Test
    void theKernelsFollowTheModuleAndTheProperty() throws Exception {
        assertTrue(header(List.of("--add-modules", "jdk.incubator.vector")).contains(", kernels vector-"));
        assertTrue(header(List.of()).endsWith(", kernels reference"), "without the module");
        assertEquals(List.of("rnn4j: warning: the Vector API is missing, so the plain Java kernels run, about 20 times "
                + "slower; start Java with --add-modules jdk.incubator.vector"), lastErr.lines().toList(), "said once");
        assertTrue(header(List.of("--add-modules", "jdk.incubator.vector", "-Drnn4j.kernels=reference"))
                .endsWith(", kernels reference"), "forced");
    }

    /** What the last {@link #header} run wrote to standard error, but the JVM's own incubator notice. */
    private String lastErr;

    /** The line of a one-epoch run in a JVM started with {@code options} that says what it trains on. */
    private String header(List<String> options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--epochs", "1",
                "--hidden", "8", "--predict-length", "1"));
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        lastErr = Files.readString(err).lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .collect(java.util.stream.Collectors.joining("\n"));
        return out.lines().filter(l -> l.startsWith("corpus ")).findFirst().orElse(out);
    }

    /** The jaychou presets read the built-in lyrics when no --corpus is given. */
    @Test
    void theJayChouPresetTrainsOnTheBuiltInLyrics() {
        Run r = run("train", "--preset", "jaychou", "--epochs", "1", "--hidden", "8", "--predict-length", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("settings: from flags: --hidden 8 --epochs 1 --length 3; from preset jaychou: "
                + "--corpus jaychou --preprocess spaces --max-tokens 10000"), r.out());
        assertTrue(r.out().contains("\ncorpus jaychou: 10,000 tokens, vocabulary 1028; rnn H 8"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - 不分开") && l.codePointCount(0, l.length()) == 3 + 3 + 3),
                r.out());
        assertEquals("", r.err(), "every prefix character is in the vocabulary");
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

    /** The training run's prefixes are read with the corpus's preprocessing too; --length is --predict-length. */
    @Test
    void prefixesAreReadWithTheCorpussPreprocessing() {
        Run r = run("train", "--epochs", "1", "--hidden", "8", "--prefix", "Time Traveller", "--length", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - time traveller") && l.length() == 3 + 14 + 10), r.out());
        assertEquals("", r.err());
    }

    /** --sample-temperature prints a sampled continuation beside each greedy one, the same in every run of a seed. */
    @Test
    void sampledContinuationsBesideTheGreedyOnes() {
        String[] args = {"train", "--epochs", "2", "--hidden", "16", "--print-every", "1", "--length", "15",
                "--sample-temperature", "0.8"};
        Run r = run(args);
        assertEquals(0, r.code(), r.err());
        List<String> sampled = r.out().lines().filter(l -> l.startsWith(" ~ ")).toList();
        assertEquals(4, sampled.size(), r.out()); // two prefixes, two reports
        assertTrue(sampled.get(0).startsWith(" ~ time traveller") && sampled.get(0).length() == 3 + 14 + 15, r.out());
        assertEquals(sampled, run(args).out().lines().filter(l -> l.startsWith(" ~ ")).toList());
        assertEquals(2, run("train", "--sample-temperature", "0").code());
    }

    /** --help shows every preset as the flags it stands for, in 80 columns. */
    @Test
    void helpShowsThePresetsValues() {
        Run r = run("train", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  timemachine      --corpus timemachine --preprocess letters --max-tokens 10000"), r.out());
        assertTrue(r.out().contains("  jaychou-concise  --corpus jaychou --preprocess spaces"), r.out());
        assertTrue(r.out().contains("--lr 100 --clip 0.01 --weight-decay 0"), r.out());
        assertTrue(r.out().contains("--prefix 分开 --prefix 不分开"), r.out());
        assertTrue(r.out().contains("--prefix 'time traveller' --prefix traveller"), r.out());
        assertTrue(r.out().contains("with --corpus and no --preset, a run takes 'text', whose"), r.out());
        assertTrue(r.out().contains("  text             --preprocess raw --max-tokens 0 --cell gru --hidden by-size"),
                r.out());
        assertTrue(r.out().lines().allMatch(l -> l.codePointCount(0, l.length()) <= 80), r.out());
    }

    /** A flag given twice: the last one wins (an alias or a script's default, overridden at the end of a line). */
    @Test
    void theLastOfARepeatedFlagWins() {
        Run r = run("train", "--hidden", "8", "--epochs", "3", "--hidden", "12", "--epochs", "1", "--predict-length", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rnn H 12, B 32"), r.out());
        assertTrue(r.out().contains("over 1 epochs"), r.out());
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
        Run r = run("train", "--corpus", tiny.toString(), "--preset", "timemachine");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("tiny.txt: 16 tokens is too short for one minibatch of --batch 32 × --steps 35")
                && r.err().contains("at least 1152 tokens"), r.err());
        r = run("train", "--corpus", tiny.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("tiny.txt: 14 tokens for training is too short for one minibatch of --batch 16 × "
                + "--steps 50: it needs at least 816 tokens"), "a small text of one's own holds out 10 %: " + r.err());
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
        assertTrue(r.out().lines().filter(l -> l.startsWith("epoch ")).allMatch(l -> l.matches(
                "epoch \\d+, perplexity [\\d.]+ \\([\\d.]+ bits/char\\), validation perplexity [\\d.]+ \\([\\d.]+ "
                        + "bits/char\\), time .*")), r.out());
        assertTrue(Files.exists(out) && Files.exists(dir.resolve("m.best.safetensors")));
        List<String> csv = Files.readAllLines(dir.resolve("m.csv"));
        assertEquals("epoch,perplexity,val_perplexity,seconds,tokens_per_second,bits_per_character,"
                + "val_bits_per_character,val_network_bits_per_character", csv.get(0));
        assertEquals(7, csv.size());
        String[] last = csv.get(6).split(",");
        assertTrue(last[0].equals("6") && last.length == 7, csv.get(6));
        assertEquals(Math.log(Double.parseDouble(last[1])) / Math.log(2), Double.parseDouble(last[5]), 1e-5,
                "bits per character: log2 of the perplexity");
        assertEquals(Math.log(Double.parseDouble(last[2])) / Math.log(2), Double.parseDouble(last[6]), 1e-5);
        byte[] png = Files.readAllBytes(dir.resolve("curve.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Files.readString(dir.resolve("curve.svg")).contains("<svg"));

        r = run("train", "--hidden", "32", "--epochs", "2", "--metrics", dir.resolve("m.jsonl").toString(),
                "--predict-length", "5");
        assertEquals(0, r.code(), r.err());
        List<String> jsonl = Files.readAllLines(dir.resolve("m.jsonl"));
        assertEquals(2, jsonl.size());
        assertTrue(jsonl.get(1).startsWith("{\"epoch\":2,\"perplexity\":") && jsonl.get(1).contains(
                "\"bits_per_character\":"), jsonl.get(1));
    }

    /**
     * Early stop and the best model: the run stops N epochs after its best validation perplexity, and the best model
     * beside the checkpoint is that epoch's, its perplexity on the held-out tokens the one the metrics report.
     */
    @Test
    void earlyStopAfterEpochsWithoutImprovementKeepsTheBestEpochsModel() throws Exception {
        Path out = dir.resolve("m.safetensors"), csv = dir.resolve("m.csv");
        Run r = run("train", "--hidden", "64", "--epochs", "60", "--val-fraction", "0.1", "--early-stop", "3",
                "--optimizer", "adam", "--lr", "0.02", "--predict-length", "5", "--print-every", "100",
                "--out", out.toString(), "--metrics", csv.toString());
        assertEquals(0, r.code(), r.err());
        List<String[]> rows = Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",")).toList();
        int best = 0;
        for (int e = 1; e < rows.size(); e++) {
            if (Double.parseDouble(rows.get(e)[2]) < Double.parseDouble(rows.get(best)[2])) {
                best = e;
            }
        }
        int bestEpoch = Integer.parseInt(rows.get(best)[0]), lastEpoch = Integer.parseInt(rows.get(rows.size() - 1)[0]);
        assertTrue(lastEpoch < 60, "the run stopped early: " + r.out());
        assertEquals(bestEpoch + 3, lastEpoch, "stopped 3 epochs after the best, epoch " + bestEpoch);
        assertTrue(r.out().contains("stopped early after epoch " + lastEpoch + ": no better validation perplexity for 3 "
                + "epochs (best " + rows.get(best)[2] + ")"), r.out());
        Checkpoint.Contents bestModel = Checkpoint.load(out.resolveSibling("m.best.safetensors"), Kernels.reference());
        assertEquals(bestEpoch, bestModel.state().epochsDone());
        assertEquals(lastEpoch, Checkpoint.load(out, Kernels.reference()).state().epochsDone());
        TokenIds all = Encoded.build(bestModel.data().source(), 1).ids();
        double val = Evaluation.perplexity(bestModel.model(), all.slice(9_000, 10_000), 35);
        assertEquals(Double.parseDouble(rows.get(best)[2]), val, 1e-5, "the best model's validation perplexity");
    }

    /**
     * Resuming with a larger --epochs continues to the new total, and a run of two layers with dropout, random
     * sampling and random offsets, stopped after 3 epochs and resumed to 6, prints what the run of 6 prints.
     */
    @Test
    void aResumedRunWithDropoutAndOffsetsContinuesToALargerTotal() throws Exception {
        List<String> settings = List.of("train", "--cell", "lstm", "--layers", "2", "--dropout", "0.3", "--hidden", "24",
                "--sampling", "random", "--random-offset", "--optimizer", "adam", "--lr", "0.01", "--seed", "7",
                "--print-every", "1", "--predict-length", "20");
        Path out = dir.resolve("r.safetensors");
        List<String> first = new java.util.ArrayList<>(settings);
        first.addAll(List.of("--epochs", "3", "--out", out.toString()));
        assertEquals(0, run(first.toArray(String[]::new)).code());
        Run resumed = run("train", "--resume", out.toString(), "--epochs", "6", "--print-every", "1",
                "--predict-length", "20");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming " + out + " after epoch 3 of 6"), resumed.out());
        List<String> whole = new java.util.ArrayList<>(settings);
        whole.addAll(List.of("--epochs", "6"));
        Run straight = run(whole.toArray(String[]::new));
        assertEquals(reports(straight.out(), 4), reports(resumed.out(), 4));
        assertEquals(6, Checkpoint.load(out, Kernels.reference()).state().epochsDone());
    }

    /**
     * Subword tokens read by a tied embedding, with variational and weight dropout: 2 epochs then resumed to 4 report
     * the same numbers as 4 at once (the embedding's masks come from the run's dropout generator, which the
     * checkpoint keeps), and so does the greedy text of each epoch.
     */
    @Test
    void aResumedRunOfSubwordsThroughATiedEmbeddingContinuesExactly() throws Exception {
        Path text = Files.writeString(dir.resolve("t.txt"), ("The quick brown fox jumps over the lazy dog; the dog "
                + "sleeps, and the fox brings bread over the hill again.\n").repeat(40));
        List<String> settings = List.of("train", "--corpus", text.toString(), "--tokens", "bpe", "--vocab-size", "80",
                "--embedding", "16", "--tie", "--hidden", "16", "--batch", "4", "--steps", "10",
                "--variational-dropout", "0.2", "--weight-dropout", "0.2", "--seed", "3", "--print-every", "1",
                "--length", "12");
        Path out = dir.resolve("s.safetensors");
        List<String> first = new java.util.ArrayList<>(settings);
        first.addAll(List.of("--epochs", "2", "--out", out.toString()));
        Run firstRun = run(first.toArray(String[]::new));
        assertEquals(0, firstRun.code(), firstRun.err());
        Run resumed = run("train", "--resume", out.toString(), "--epochs", "4", "--print-every", "1", "--length", "12");
        assertEquals(0, resumed.code(), resumed.err());
        List<String> whole = new java.util.ArrayList<>(settings);
        whole.addAll(List.of("--epochs", "4"));
        Run straight = run(whole.toArray(String[]::new));
        assertEquals(reports(straight.out(), 3), reports(resumed.out(), 3));
        assertEquals(4, Checkpoint.load(out, Kernels.reference()).state().epochsDone());
    }

    /**
     * A learning-rate schedule goes on where a resumed run stopped: step decay, and decay on a validation plateau
     * (whose state is the validation history the checkpoint keeps), 3 epochs then resumed to 6, against 6 at once.
     */
    @Test
    void aScheduleContinuesAcrossAResume() throws Exception {
        String[][] schedules = {{"--lr-decay", "0.5", "--lr-decay-every", "2"},
                // a rate so high that validation worsens: the plateau lowers the rate by the resumed epochs, which the
                // resumed run must carry on from its checkpoint, and where the worse epoch comes after the resume,
                // know to be worse from the history alone (which epoch it is follows the vector width)
                {"--val-fraction", "0.1", "--lr-plateau", "0.3", "--lr-patience", "1", "--optimizer", "adam", "--lr", "0.5"}};
        for (String[] schedule : schedules) {
            List<String> settings = new java.util.ArrayList<>(List.of("train", "--hidden", "24", "--print-every", "1",
                    "--length", "10"));
            settings.addAll(List.of(schedule));
            Path out = dir.resolve("s.safetensors");
            List<String> first = new java.util.ArrayList<>(settings);
            first.addAll(List.of("--epochs", "3", "--out", out.toString()));
            assertEquals(0, run(first.toArray(String[]::new)).code());
            Run resumed = run("train", "--resume", out.toString(), "--epochs", "6", "--print-every", "1", "--length", "10");
            assertEquals(0, resumed.code(), resumed.err());
            List<String> whole = new java.util.ArrayList<>(settings);
            whole.addAll(List.of("--epochs", "6"));
            Run straight = run(whole.toArray(String[]::new));
            assertEquals(reports(straight.out(), 1).stream().filter(l -> l.contains(", lr ")).count(), 6, straight.out());
            assertEquals(reports(straight.out(), 4), reports(resumed.out(), 4), schedule[0]);
            List<Double> rates = reports(straight.out(), 1).stream().filter(l -> l.startsWith("epoch "))
                    .map(l -> Double.parseDouble(l.replaceAll(".*, lr ([0-9.]+).*", "$1"))).toList();
            assertTrue(rates.subList(3, 6).stream().anyMatch(r -> r < rates.get(0)), "the rate is lowered by the resumed"
                    + " epochs: " + straight.out());
        }
        Run decay = run("train", "--hidden", "8", "--epochs", "5", "--print-every", "1", "--length", "1", "--lr-decay", "0.5",
                "--lr-decay-every", "2");
        assertEquals(List.of("1", "1", "0.5", "0.5", "0.25"), decay.out().lines().filter(l -> l.startsWith("epoch "))
                .map(l -> l.replaceAll(".*, lr ([0-9.]+),.*", "$1")).toList());
    }

    /** The report lines of epochs {@code from} on, without their timing, and the continuations. */
    private static List<String> reports(String out, int from) {
        return out.lines().dropWhile(l -> !l.startsWith("epoch " + from + ","))
                .filter(l -> l.startsWith("epoch ") || l.startsWith(" - ")).map(l -> l.replaceAll(", time .*", "")).toList();
    }

    @Test
    void aResumedRunKeepsItsSettings() throws Exception {
        Path out = dir.resolve("r.safetensors");
        assertEquals(0, run("train", "--hidden", "16", "--epochs", "1", "--out", out.toString()).code());
        String[][] changes = {{"--preset", "jaychou"}, {"--member", "a.txt"}, {"--preprocess", "raw"},
                {"--max-tokens", "5000"}, {"--min-freq", "2"}, {"--cell", "gru"}, {"--hidden", "32"}, {"--layers", "2"},
                {"--dropout", "0.1"}, {"--init", "uniform"}, {"--optimizer", "adam"}, {"--lr", "0.5"}, {"--clip", "2"},
                {"--batch", "4"}, {"--steps", "5"}, {"--sampling", "random"}, {"--random-offset"}, {"--seed", "3"},
                {"--val-fraction", "0.1"}, {"--replace-invalid"}, {"--lr-decay", "0.5"}, {"--lr-decay-every", "2"},
                {"--lr-plateau", "0.5"}, {"--lr-patience", "2"}, {"--lr-cosine"}, {"--warmup", "1"}};
        for (String[] change : changes) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--resume", out.toString()));
            args.addAll(List.of(change));
            Run refused = run(args.toArray(String[]::new));
            assertEquals(2, refused.code(), change[0]);
            assertTrue(refused.err().startsWith("rnn4j: " + change[0] + ": a resumed run keeps the settings it started "
                    + "with; drop " + change[0]), refused.err());
        }
        Run r;
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
