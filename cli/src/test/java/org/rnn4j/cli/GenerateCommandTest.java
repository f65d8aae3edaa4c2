package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.TextModel;

/** generate and eval on a model trained once for the class. */
class GenerateCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static String trainerGreedy;

    @BeforeAll
    static void train() {
        model = dir.resolve("m.safetensors");
        TrainCommandTest.Run r = run("train", "--hidden", "64", "--epochs", "30", "--print-every", "30",
                "--predict-length", "40", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        trainerGreedy = r.out().lines().filter(l -> l.startsWith(" - time traveller")).findFirst().orElseThrow().substring(3);
    }

    private static String generate(String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "generate";
        args[1] = "--model";
        args[2] = model.toString();
        System.arraycopy(flags, 0, args, 3, flags.length);
        TrainCommandTest.Run r = run(args);
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    @Test
    void theSameSeedGivesTheSameTextAndTemperatureZeroIsTheTrainersGreedyOutput() {
        String a = generate("--prefix", "time traveller", "--temperature", "0.8", "--seed", "1", "--length", "60");
        String b = generate("--prefix", "time traveller", "--temperature", "0.8", "--seed", "1", "--length", "60");
        assertEquals(a, b);
        assertTrue(a.startsWith("time traveller") && a.strip().codePointCount(0, a.strip().length()) == 14 + 60, a);
        assertNotEquals(a, generate("--prefix", "time traveller", "--temperature", "0.8", "--seed", "2", "--length", "60"));
        assertEquals(trainerGreedy + "\n", generate("--prefix", "time traveller", "--temperature", "0", "--length", "40"));
        assertEquals(trainerGreedy + "\n", generate("--prefix", "time traveller", "--top-k", "1", "--length", "40"),
                "top-k 1 is greedy");
        assertEquals(trainerGreedy + "\n", generate("--prefix", "time traveller", "--top-p", "1e-9", "--length", "40"),
                "a tiny top-p keeps only the most likely token");
    }

    @Test
    void severalSamplesDiffer() {
        String out = generate("--prefix", "the ", "--samples", "3", "--length", "30", "--seed", "4");
        String[] samples = out.split("\n\n");
        assertEquals(3, samples.length, out);
        assertNotEquals(samples[0], samples[1]);
        for (String s : samples) {
            assertTrue(s.startsWith("the "), s);
        }
    }

    @Test
    void badSamplingFlagsNameTheRange() {
        TrainCommandTest.Run r = run("generate", "--model", model.toString(), "--prefix", "a", "--top-p", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--top-p must be in (0, 1], got 0.0"), r.err());
        r = run("generate", "--model", model.toString(), "--prefix", "a", "--temperature", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--temperature must be a finite number ≥ 0, got -1.0"), r.err());
        r = run("generate", "--model", dir.resolve("nothing").toString(), "--prefix", "a");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such model file"), r.err());
    }

    /** One byte of W_xh's data changed: generate and eval refuse the file in one line, with exit code 2. */
    @Test
    void aDamagedModelIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        bytes[(int) (8 + headerLength + 17)] ^= 0x10; // W_xh comes first
        Path damaged = dir.resolve("damaged.safetensors");
        Files.write(damaged, bytes);
        for (String[] command : new String[][] {{"generate", "--prefix", "time"}, {"eval", "--corpus", "timemachine"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of(command),
                    java.util.stream.Stream.of("--model", damaged.toString())).toArray(String[]::new);
            TrainCommandTest.Run r = run(args);
            assertEquals(2, r.code(), command[0] + ": " + r.out() + r.err());
            assertEquals("rnn4j: " + damaged + ": the tensor data does not match its checksum", r.err().split(" \\(")[0]);
            assertEquals(1, r.err().lines().count(), r.err());
            assertEquals("", r.out());
        }
    }

    /** No prefix: the first token comes from the model's distribution at a zero state with no input. */
    @Test
    void anEmptyPrefixStartsATextFromNothing() {
        String greedy = generate("--prefix", "", "--temperature", "0", "--length", "25");
        assertEquals(25 + 1, greedy.length(), greedy); // and the newline
        assertEquals(greedy, generate("--temperature", "0", "--length", "25"), "--prefix may be left out");
        String sampled = generate("--length", "25", "--seed", "3");
        assertEquals(26, sampled.length(), sampled);
    }

    /** The prefix is read as the model's text was: letters preprocessing lower-cases it and drops other characters. */
    @Test
    void thePrefixIsReadWithTheModelsPreprocessing() {
        TrainCommandTest.Run r = run("generate", "--model", model.toString(), "--prefix", "Time, 旅人 Traveller",
                "--temperature", "0", "--length", "40");
        assertEquals(0, r.code(), r.err());
        assertEquals(trainerGreedy + "\n", r.out(), "as the trainer's continuation of 'time traveller'");
        assertEquals("rnn4j: note: the prefix reads as 'time traveller' (the model's letters preprocessing)\n", r.err());
    }

    /** With raw preprocessing every character is kept: one the model never saw is a warning, and reads as <unk>. */
    @Test
    void unknownPrefixCharactersWarnAndReadAsUnk() {
        Path raw = dir.resolve("raw.safetensors");
        assertEquals(0, run("train", "--preprocess", "raw", "--hidden", "8", "--epochs", "1", "--out", raw.toString())
                .code());
        TrainCommandTest.Run r = run("generate", "--model", raw.toString(), "--prefix", "Time 旅人", "--length", "5",
                "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("has '旅', which is not in the model's vocabulary"), r.err());
        assertTrue(r.out().startsWith("Time 旅人"), r.out());
    }

    /** Without --seed a fresh one is drawn and printed, and giving it back gives the same text. */
    @Test
    void aFreshSeedIsPrintedAndReproducesTheText() {
        TrainCommandTest.Run first = run("generate", "-m", model.toString(), "-p", "the ", "-n", "60");
        assertEquals(0, first.code(), first.err());
        Matcher m = Pattern.compile("rnn4j: seed (-?[0-9]+) \\(--seed \\1 gives this text again\\)").matcher(first.err());
        assertTrue(m.find(), first.err());
        assertEquals(first.out(), generate("--prefix", "the ", "--length", "60", "--seed", m.group(1)));
        TrainCommandTest.Run second = run("generate", "-m", model.toString(), "-p", "the ", "-n", "60");
        assertNotEquals(first.err(), second.err(), "another call, another seed");
        assertFalse(run("generate", "-m", model.toString(), "-t", "0", "-n", "5").err().contains("seed"),
                "greedy text needs no seed");
    }

    /** Several temperatures: the samples of each in turn, each as that temperature alone gives them. */
    @Test
    void severalTemperaturesInOneCall() {
        String both = generate("-p", "the ", "-n", "30", "-s", "5", "--samples", "2", "-t", "0.5,1.5");
        String cold = generate("-p", "the ", "-n", "30", "-s", "5", "--samples", "2", "-t", "0.5");
        String hot = generate("-p", "the ", "-n", "30", "-s", "5", "--samples", "2", "--temperature", "1.5");
        assertEquals("[temperature 0.5]\n" + cold + "[temperature 1.5]\n" + hot, both);
        assertEquals(both, generate("-p", "the ", "-n", "30", "-s", "5", "--samples", "2", "-t", "0.5", "-t", "1.5"));
    }

    /** --output gets what standard output would, written whole; a missing folder is refused before any work. */
    @Test
    void outputGoesToAFileWrittenWhole() throws Exception {
        Path file = dir.resolve("text.txt");
        TrainCommandTest.Run r = run("generate", "-m", model.toString(), "-p", "the ", "-n", "50", "-s", "2",
                "--samples", "2", "-o", file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(generate("-p", "the ", "-n", "50", "-s", "2", "--samples", "2"), Files.readString(file));
        Path nowhere = dir.resolve("no/such/folder/text.txt");
        r = run("generate", "-m", model.toString(), "-o", nowhere.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--output " + nowhere + ": the folder"), r.err());
        assertFalse(Files.exists(nowhere.getParent()));
    }

    /** -i: one prefix per line of standard input, one continuation each, and exit 0 at its end. */
    @Test
    void interactiveContinuesEachLineOfInput() {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("the \ntime\nTraveller\n".getBytes(StandardCharsets.UTF_8)));
            TrainCommandTest.Run r = run("generate", "-m", model.toString(), "-i", "-t", "0", "-n", "12");
            assertEquals(0, r.code(), r.err());
            String[] lines = r.out().split("\n");
            assertEquals(3, lines.length, r.out());
            assertEquals(generate("-p", "the ", "-t", "0", "-n", "12"), lines[0] + "\n");
            assertEquals(generate("-p", "time", "-t", "0", "-n", "12"), lines[1] + "\n");
            assertEquals(generate("-p", "traveller", "-t", "0", "-n", "12"), lines[2] + "\n");
            assertFalse(r.err().contains("> "), "no prompt when the input is not a terminal");
        } finally {
            System.setIn(stdin);
        }
    }

    /**
     * A BPE model through every way generate reads a prefix: -p, -i (one line each, cut inside a word) and --samples
     * give the library's text for the same seed, each continuing the typed part of its last word.
     */
    @Test
    void subwordModelsGenerateAsTheLibraryDoes() throws Exception {
        StringBuilder text = new StringBuilder();
        org.rnn4j.text.Corpus.read(org.rnn4j.text.Corpus.BUILT_IN, null, org.rnn4j.text.Preprocessing.RAW, 20_000, false,
                text::appendCodePoint);
        org.rnn4j.TextModel library = org.rnn4j.TextModel.train(text.toString(), org.rnn4j.Training.defaults()
                .hidden(32).layers(1).batch(16).steps(30).epochs(2).tokens(org.rnn4j.text.Subwords.Kind.BPE)
                .vocabSize(200).preprocessing(org.rnn4j.text.Preprocessing.RAW).seed(3));
        Path bpe = dir.resolve("bpe.safetensors");
        library.save(bpe);
        org.rnn4j.Sampling sampling = org.rnn4j.Sampling.temperature(0.8).seed(9).length(15);
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("The Time Trav\nwhich was ver\n".getBytes(StandardCharsets.UTF_8)));
            TrainCommandTest.Run r = run("generate", "-m", bpe.toString(), "-i", "-t", "0.8", "-s", "9", "-n", "15");
            assertEquals(0, r.code(), r.err());
            assertEquals(library.generate("The Time Trav", sampling) + "\n" + library.generate("which was ver", sampling)
                    + "\n", r.out());
        } finally {
            System.setIn(stdin);
        }
        TrainCommandTest.Run r = run("generate", "-m", bpe.toString(), "-p", "The Time Trav", "-t", "0.8", "-s", "9",
                "-n", "15", "--samples", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(String.join("\n\n", library.generate("The Time Trav", sampling, 3)) + "\n", r.out());
        for (String sample : library.generate("The Time Trav", sampling, 3)) {
            assertTrue(sample.startsWith("The Time Trav") && sample.length() > 13, sample);
        }
    }

    /**
     * A model with a memory: its epochs' lines and metrics file give the network's own validation figure beside the
     * mixture's; eval gives the figure of its mixture, the n-gram counting the text as it reads it (the library's
     * figure for the same text), and the network's alone, which reads a text of repeats worse.
     */
    @Test
    void evalGivesTheMixtureAndTheNetworkAlone() throws Exception {
        Path own = dir.resolve("own.txt");
        Files.writeString(own, "the cat sat on the mat, the dog sat on the log. ".repeat(30));
        Path saved = dir.resolve("own.safetensors");
        Path csv = dir.resolve("own.csv");
        TrainCommandTest.Run t = run("train", "--corpus", own.toString(), "--epochs", "2", "--hidden", "16",
                "--memory", "4", "--length", "0", "--out", saved.toString(), "--metrics", csv.toString());
        assertEquals(0, t.code(), t.err());
        String[] last = Files.readAllLines(csv).get(2).split(",");
        assertTrue(t.out().contains(String.format(Locale.ROOT, "; the network alone %.3f)",
                Double.parseDouble(last[7]))), "the epoch line and the metrics file give the network's own figure: "
                + t.out() + String.join(",", last));
        assertTrue(Double.parseDouble(last[7]) > Double.parseDouble(last[6]), "above the mixture's");
        Path other = dir.resolve("other-own.txt");
        Files.writeString(other, "the dog sat on the mat, the cat on the log. ".repeat(4));
        TrainCommandTest.Run r = run("eval", "--model", saved.toString(), "--corpus", other.toString());
        assertEquals(0, r.code(), r.err());
        double mixture = TextModel.load(saved).perplexity(Files.readString(other));
        assertTrue(r.out().contains(String.format(Locale.ROOT, "perplexity %.6f (", mixture)), r.out());
        Matcher m = Pattern.compile("with its memory \\(an n-gram of order 4 of its training text and of this text "
                + "as read, weight [0-9.]+ on the network\\); the network alone: perplexity ([0-9.]+) ").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > mixture, r.out());
    }

    @Test
    void evalReportsPerplexityAndUnknownTokens() throws Exception {
        Path lyrics = dir.resolve("lyrics.txt");
        Files.writeString(lyrics, "想要有直升机\n想要和你飞到宇宙去\n想要和你融化在一起\n融化在宇宙里\n".repeat(40));
        Path lyricsModel = dir.resolve("lyrics.safetensors");
        TrainCommandTest.Run t = run("train", "--preset", "jaychou", "--corpus", lyrics.toString(), "--epochs", "3",
                "--hidden", "16", "--batch", "4", "--steps", "8", "--out", lyricsModel.toString());
        assertEquals(0, t.code(), t.err());
        Path other = dir.resolve("other.txt");
        Files.writeString(other, "想要和你飞到月球去\n"); // 月 and 球 are new; the newline becomes a space (spaces rule)
        TrainCommandTest.Run r = run("eval", "--model", lyricsModel.toString(), "--corpus", other.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("10 tokens (spaces preprocessing), 2 unknown to the model (20.00%"), r.out());
        Matcher m = Pattern.compile("perplexity ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double ppl = Double.parseDouble(m.group(1));
        assertTrue(ppl > 1 && Double.isFinite(ppl), "a finite perplexity above 1: " + ppl);
    }
}
