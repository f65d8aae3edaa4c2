package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void unknownPrefixCharactersWarnAndReadAsUnk() {
        TrainCommandTest.Run r = run("generate", "--model", model.toString(), "--prefix", "time 旅人", "--length", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("the prefix has '旅', which is not in the model's vocabulary"), r.err());
        assertTrue(r.out().startsWith("time 旅人"), r.out());
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
