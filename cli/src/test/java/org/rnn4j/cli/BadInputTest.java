package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad input the command line can meet: one line naming the file or flag and the fix, exit code 2. */
class BadInputTest {
    @TempDir
    Path dir;

    private void fails(String expected, String... args) {
        TrainCommandTest.Run r = run(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("rnn4j: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.out().contains("epoch"), "no work started: " + r.out());
    }

    /** Flags out of range are refused before any work starts. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--batch|0|--batch must be a positive whole number, got 0",
        "--steps|-1|--steps must be a positive whole number, got -1",
        "--epochs|0|--epochs must be a positive whole number, got 0",
        "--hidden|-5|--hidden must be a positive whole number, got -5",
        "--layers|0|--layers must be a positive whole number, got 0",
        "--lr|0|--lr must be a positive finite number, got 0.0",
        "--lr|NaN|--lr must be a positive finite number, got NaN",
        "--clip|-1|--clip must be a positive finite number, got -1.0",
        "--dropout|1.5|--dropout must be in [0, 1), got 1.5",
        "--val-fraction|0.9|--val-fraction must be in [0.0, 0.5], got 0.9",
        "--save-every|0|--save-every must be a positive whole number, got 0",
        "--threads|0|--threads must be a positive whole number, got 0",
        "--cell|transformer|--cell: unknown value 'transformer'; allowed: rnn, gru, lstm",
        "--preset|shakespeare|--preset: unknown value 'shakespeare'; allowed: timemachine, jaychou, jaychou-concise, text",
        "--optimizer|rmsprop|--optimizer: unknown value 'rmsprop'; allowed: sgd, adam",
        "--sampling|shuffled|--sampling: unknown value 'shuffled'; allowed: random, consecutive",
        "--max-tokens|-1|--max-tokens must be at least 0, got -1",
        "--lr-decay|1.5|--lr-decay must be in (0, 1), got 1.5",
        "--lr-decay|0|--lr-decay must be in (0, 1), got 0.0",
        "--lr-plateau|0.5|--lr-plateau watches the validation perplexity: give --val-fraction F too",
        "--lr-decay-every|3|--lr-decay-every needs --lr-decay F",
        "--warmup|2|--warmup needs --lr-cosine",
        "--min-freq|0|--min-freq must be a positive whole number, got 0",
        "--print-every|0|--print-every must be a positive whole number, got 0",
        "--predict-length|-1|--predict-length must be at least 0, got -1",
        "--early-stop|0|--early-stop must be a positive whole number, got 0",
        "--init|xavier|--init: unknown value 'xavier'; allowed: normal, uniform",
        "--preprocess|lower|--preprocess: unknown value 'lower'; allowed: letters, spaces, raw",
    })
    void trainFlagsOutOfRange(String flag, String value, String expected) {
        fails(expected, "train", flag, value);
    }

    /** A mistyped flag or command: the message, picocli's nearest names and where the options are, no usage. */
    @Test
    void aMistypedFlagOrCommandIsAnsweredWithTheNearestNames() {
        TrainCommandTest.Run flag = run("train", "--hiden", "3");
        assertEquals(2, flag.code());
        assertEquals(List.of("rnn4j: Unknown options: '--hiden', '3'", "Possible solutions: --hidden",
                "'rnn4j train --help' lists the options."), flag.err().lines().toList());
        TrainCommandTest.Run command = run("trian");
        assertEquals(2, command.code());
        assertEquals(List.of("rnn4j: Unmatched argument at index 0: 'trian'", "Did you mean: rnn4j train?",
                "'rnn4j --help' lists the commands and options."), command.err().lines().toList());
        TrainCommandTest.Run missing = run("generate");
        assertEquals(2, missing.code());
        assertEquals(List.of("rnn4j: Missing required option: '--model=MODEL'",
                "'rnn4j generate --help' lists the options."), missing.err().lines().toList());
        assertEquals("", flag.out() + command.out() + missing.out());
    }

    @Test
    void generateFlagsOutOfRange() {
        fails("--top-p must be in (0, 1], got 1.5", "generate", "--model", "m", "--top-p", "1.5");
        fails("--top-p must be in (0, 1], got 0.0", "generate", "--model", "m", "--top-p", "0");
        fails("--top-k must be at least 0, got -2", "generate", "--model", "m", "--top-k", "-2");
        fails("--temperature must be a finite number ≥ 0, got -0.5", "generate", "--model", "m", "--temperature", "-0.5");
        fails("--samples must be a positive whole number, got 0", "generate", "--model", "m", "--samples", "0");
        fails("--length must be at least 0, got -1", "generate", "--model", "m", "--length", "-1");
    }

    @Test
    void corpusFiles() throws IOException {
        fails("no-such.txt: no such file; give --corpus an existing text file, folder or zip archive, '-' for standard "
                + "input, or a built-in corpus: timemachine or jaychou", "train", "--corpus", dir.resolve("no-such.txt").toString());
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        fails("empty.txt: is empty after raw preprocessing", "train", "--corpus", empty.toString());
        Path digits = Files.writeString(dir.resolve("digits.txt"), "1234 5678\n");
        fails("digits.txt: is empty after letters preprocessing", "train", "--corpus", digits.toString(),
                "--preset", "timemachine");
        Path small = Files.writeString(dir.resolve("small.txt"), "time traveller ".repeat(20));
        fails("small.txt: 299 tokens is too short for one minibatch of --batch 32 × --steps 35: it needs at least 1152 "
                + "tokens; give a longer text, or smaller --batch/--steps", "train", "--corpus", small.toString(),
                "--preset", "timemachine");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 ".repeat(400).getBytes(StandardCharsets.ISO_8859_1));
        fails("latin1.txt: is not valid UTF-8 at byte 3 (bytes E9); save the text as UTF-8, or use --replace-invalid",
                "train", "--corpus", latin1.toString());
        TrainCommandTest.Run replaced = run("train", "--corpus", latin1.toString(), "--replace-invalid", "--preprocess",
                "raw", "--batch", "4", "--steps", "5", "--epochs", "1", "--hidden", "8", "--predict-length", "0");
        assertEquals(0, replaced.code(), replaced.err());
        assertTrue(replaced.out().contains("vocabulary 6"), "c a f U+FFFD space and <unk>: " + replaced.out());
    }

    @Test
    void zipArchives() throws IOException {
        Path none = zip("none.zip", "image.png", "\u0089PNG\0", "data.bin", "x\0y");
        fails("none.zip: the zip has no text member; members: image.png, data.bin; choose one with --member",
                "train", "--corpus", none.toString());
        Path two = zip("two.zip", "a.txt", "aaa", "b.txt", "bbb");
        fails("two.zip: has no member 'c.txt'; members: a.txt, b.txt",
                "train", "--corpus", two.toString(), "--member", "c.txt");
        Path broken = Files.write(dir.resolve("broken.zip"), "PK not really a zip".getBytes(StandardCharsets.US_ASCII));
        fails("broken.zip: not a readable zip archive", "train", "--corpus", broken.toString());
    }

    /** An engine this build lacks says what to build, in one line; so do a device and an engine that do not exist. */
    @Test
    void enginesAndDevices() {
        String build = "--engine libtorch: this build has no libtorch engine; build it with 'mvn -Plibtorch package "
                + "-DskipTests'";
        fails(build, "train", "--engine", "libtorch", "--epochs", "1");
        fails(build, "bench", "--engine", "libtorch", "--seconds", "1");
        fails("--engine tpu: no such engine; the engines are rnn4j and libtorch", "train", "--engine", "tpu");
        fails("--device gpu: rnn4j's own kernels run on the CPU", "train", "--device", "gpu");
        fails("--device tpu: the devices are cpu and gpu", "train", "--device", "tpu");
    }

    /**
     * The inputs of one's own text: a folder with no text files, an empty standard input, --member without a zip,
     * --init-from a damaged or non-model file, --preset text without a text. One line each, exit 2, no --out written.
     */
    @Test
    void ownTextInputs() throws IOException {
        Path out = dir.resolve("never.safetensors");
        Path folder = Files.createDirectories(dir.resolve("pictures"));
        Files.write(folder.resolve("a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        fails(folder + ": the folder has no text files (1 binary: " + folder.resolve("a.png") + "); put UTF-8 text files "
                + "in it, or give --corpus a file", "train", "--corpus", folder.toString(), "--out", out.toString());
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
            fails("--corpus -: standard input is empty; pipe a text into it", "train", "--corpus", "-", "--out", out.toString());
        } finally {
            System.setIn(stdin);
        }
        Path text = Files.writeString(dir.resolve("story.txt"), "Once upon a time. ".repeat(200));
        fails("--member: only a zip archive has members", "train", "--corpus", text.toString(), "--member", "a.txt");
        fails("--preset text: is for one's own text; give --corpus FILE too", "train", "--preset", "text");
        Path notModel = Files.writeString(dir.resolve("notes.safetensors"), "not a model at all");
        fails("notes.safetensors: not a checkpoint", "train", "--init-from", notModel.toString(), "--corpus",
                text.toString(), "--out", out.toString());
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run("train", "--hidden", "8", "--epochs", "1", "--out", model.toString(), "--length", "0").code());
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 3] ^= 0x10; // a weight's byte: the data checksum no longer matches
        Path damaged = Files.write(dir.resolve("damaged.safetensors"), bytes);
        fails("damaged.safetensors: ", "train", "--init-from", damaged.toString(), "--corpus", text.toString(),
                "--out", out.toString());
        fails("--lr-cosine", "train", "--corpus", text.toString(), "--lr-cosine", "--lr-decay", "0.5", "--out",
                out.toString());
        fails("--lr-decay-every must be a positive whole number, got 0", "train", "--corpus", text.toString(),
                "--lr-decay", "0.5", "--lr-decay-every", "0", "--out", out.toString());
        assertFalse(Files.exists(out), "nothing written");
        assertFalse(Files.exists(dir.resolve("never.best.safetensors")), "nothing written");
    }

    /** A model file that is damaged, of another version or of another model: one line, exit 2, from every command. */
    @Test
    void damagedModelFiles() throws IOException {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run("train", "--hidden", "16", "--epochs", "1", "--out", model.toString(), "--predict-length", "0")
                .code());
        byte[] bytes = Files.readAllBytes(model);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes, bytes.length / 2));
        fails("cut.safetensors: tensor '", "generate", "--model", cut.toString(), "--prefix", "a");
        fails("the file is truncated", "eval", "--model", cut.toString(), "--corpus", "timemachine");
        fails("the file is truncated", "train", "--resume", cut.toString());
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a model at all");
        fails("notes.txt: not a checkpoint", "generate", "--model", text.toString(), "--prefix", "a");
    }

    /**
     * Words and subwords: a vocabulary size that leaves no room beyond the characters, an unknown kind, a start model
     * of another kind, a checkpoint whose tokens were tampered with, an export that cannot be written.
     */
    @Test
    void wordAndSubwordTokens() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "the cat and the dog and the end of the day. ".repeat(60));
        fails("--vocab-size 10 leaves no room for bpe tokens: the text has 13 distinct characters, which with <unk> "
                + "are 14 tokens already; give more than 14", "train", "--corpus", text.toString(), "--tokens", "bpe",
                "--vocab-size", "10");
        fails("--tokens: unknown value 'sentencepiece'; allowed: char, word, bpe", "train", "--corpus", text.toString(),
                "--tokens", "sentencepiece");
        Path model = dir.resolve("bpe.safetensors");
        TrainCommandTest.Run r = run("train", "--corpus", text.toString(), "--tokens", "bpe", "--vocab-size", "40",
                "--hidden", "8", "--epochs", "1", "--batch", "4", "--out", model.toString(), "--length", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--tokens bpe --vocab-size 40"), "the settings line says it: " + r.out());
        fails("--tokens word: the model from --init-from reads bpe tokens, and keeps them; drop --tokens", "train",
                "--corpus", text.toString(), "--init-from", model.toString(), "--tokens", "word");
        Path tampered = dir.resolve("tampered.safetensors");
        // the metadata's values are JSON in JSON strings: a quote inside one is \"
        Files.write(tampered, withMetadata(Files.readAllBytes(model), "\\\"merges\\\":[[", "\\\"merges\\\":[[999,1,1],["));
        fails("tampered.safetensors: the checkpoint's vocabulary is damaged (a merge names token 999 of 32)", "generate",
                "--model", tampered.toString(), "--prefix", "the");
        Files.write(tampered, withMetadata(Files.readAllBytes(model), "\"vocab\":\"[", "\"vocab\":\"[\\\"x\\\","));
        fails("tampered.safetensors: the model reads 32 tokens but the vocabulary has 33", "eval", "--model",
                tampered.toString(), "--corpus", text.toString());
        Files.write(tampered, withMetadata(Files.readAllBytes(model), "\\\"tokens\\\":\\\"bpe\\\"",
                "\\\"tokens\\\":\\\"sentencepiece\\\""));
        fails("tampered.safetensors: the checkpoint's metadata is damaged: 'data.tokens'", "eval", "--model",
                tampered.toString(), "--corpus", text.toString());
        fails("cannot write the tokenizer", "export", "-m", model.toString(), "--format", "tokenizer", "-o",
                dir.resolve("no/such/folder/tokenizer.json").toString());
        fails("cannot write the ONNX model", "export", "-m", model.toString(), "--format", "onnx", "-o",
                dir.resolve("no/such/folder/m.onnx").toString());
        assertFalse(Files.exists(dir.resolve("no")), "nothing written");
        fails("--format: unknown value 'tflite'; allowed: f16, tokenizer, onnx", "export", "-m", model.toString(),
                "--format", "tflite", "-o", dir.resolve("m.tflite").toString());
    }

    /** A safetensors file with one text of its JSON header replaced (the header's length rewritten to match). */
    private static byte[] withMetadata(byte[] file, String from, String to) {
        long n = java.nio.ByteBuffer.wrap(file, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains(from), header);
        byte[] changed = header.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)).getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + changed.length + file.length - 8 - (int) n)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putLong(changed.length).put(changed).put(file, 8 + (int) n, file.length - 8 - (int) n);
        return out.array();
    }

    /**
     * Prefix characters outside the vocabulary (raw preprocessing keeps them): a warning each, read as <unk>, and
     * training goes on; an empty prefix too.
     */
    @Test
    void unknownPrefixCharactersWarnAndTrainingGoesOn() {
        TrainCommandTest.Run r = run("train", "--preprocess", "raw", "--hidden", "16", "--epochs", "1", "--prefix",
                "Time 旅€", "--prefix", "", "--predict-length", "10");
        assertEquals(0, r.code(), r.err());
        for (String c : new String[] {"旅", "€"}) {
            assertTrue(r.err().contains("rnn4j: warning: the prefix 'Time 旅€' has '" + c
                    + "', which is not in the model's vocabulary: it reads as <unk>"), r.err());
        }
        assertTrue(r.out().contains(" - Time 旅€"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - ") && l.length() == 3 + 10), "the empty prefix: " + r.out());
    }

    /**
     * A file that cannot be read: one without read permission, or, when the tests run as root (who
     * reads everything), Linux's /proc/self/mem, whose first page fails with an I/O error.
     */
    @Test
    void unreadableCorpus() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "time traveller ".repeat(200));
        if (secret.toFile().setReadable(false, false) && !Files.isReadable(secret)) {
            fails("secret.txt: cannot read", "train", "--corpus", secret.toString());
        } else {
            Path mem = Path.of("/proc/self/mem");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(mem), "neither an unreadable file nor /proc");
            fails("/proc/self/mem: cannot read (Input/output error); check that it is a readable text file",
                    "train", "--corpus", mem.toString());
        }
    }

    private Path zip(String name, String... entries) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (int i = 0; i < entries.length; i += 2) {
                z.putNextEntry(new ZipEntry(entries[i]));
                z.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }
}
