package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.text.Corpus;

/**
 * {@code train --corpus} without a preset: the text as it is, every character and all of it, from a file, a folder,
 * several files, a zip of several members and standard input; documents joined by one separator token.
 */
class OwnTextTest {
    @TempDir
    Path dir;

    private static final Pattern CORPUS = Pattern.compile(
            "corpus (.*): ([\\d,]+) tokens \\(\\+ ([\\d,]+) for validation\\), vocabulary (\\d+);");
    private static final Pattern FINAL = Pattern.compile(
            "best epoch \\d+: validation ([\\d.]+) \\([\\d.]+ bits/char\\).*; the unigram frequencies: ([\\d.]+) "
                    + "\\([\\d.]+ bits/char\\)");

    /** Small and fast settings for the runs that check what is read, not how well it is learnt. */
    private static final List<String> QUICK = List.of("--batch", "4", "--steps", "20", "--epochs", "1", "--hidden", "16",
            "--layers", "1", "--length", "10");

    private static final String[] DOCUMENTS = {
        "Dear diary,\nToday the garden was full of bees. The bees were loud, and I liked it.\n".repeat(6),
        "Note to self: water the tomatoes — twice — and café au lait at 7 ☕.\n".repeat(5),
        "Chapter 1\n\nIt was a bright cold day in April, and the clocks were striking.\n".repeat(6),
    };

    /** The README, at the repository's root above the module's folder the tests run in. */
    private static Path readme() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("README.md")) && Files.exists(d.resolve("rnn4j"))) {
                return d.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    }

    /** The tokens and vocabulary the run reports: all the text's code points, its distinct ones and <unk>. */
    private static void assertKeptAsItIs(String out, String... documents) {
        Matcher m = CORPUS.matcher(out);
        assertTrue(m.find(), out);
        long tokens = Long.parseLong(m.group(2).replace(",", "")) + Long.parseLong(m.group(3).replace(",", ""));
        String joined = String.join(Character.toString(Corpus.SEPARATOR), documents);
        assertEquals(joined.codePointCount(0, joined.length()), tokens, "every character, and a separator between two");
        assertEquals(joined.codePoints().distinct().count() + 1, Integer.parseInt(m.group(4)), "the distinct ones and <unk>");
    }

    @Test
    void theReadmeIsKeptAsItIsAndBeatsTheUnigramBaseline() throws Exception {
        Path readme = readme();
        TrainCommandTest.Run r = run("train", "--corpus", readme.toString(), "--epochs", "8", "--hidden", "64",
                "--layers", "1", "--batch", "8", "--length", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("settings: from flags: --corpus " + readme + " --hidden 64 --layers 1 --epochs 8 --batch 8 --length 20; "
                + "from the defaults for one's own text: --preprocess raw --max-tokens 0 --cell gru"), r.out());
        assertTrue(r.out().contains("; from the text's size ("), r.out());
        assertTrue(r.out().contains(" characters, a small text: dropout that keeps it from learning the text by "
                + "heart, and a memory of its exact strings): --val-fraction 0.1 "
                + "--variational-dropout 0.2 --weight-dropout 0.3 --early-stop 8 --memory 6"), r.out());
        assertKeptAsItIs(r.out(), Files.readString(readme));
        Matcher m = FINAL.matcher(r.out());
        assertTrue(m.find(), r.out());
        double validation = Double.parseDouble(m.group(1)), unigram = Double.parseDouble(m.group(2));
        assertTrue(validation < 0.6 * unigram, "validation " + validation + " against the unigram " + unigram);
    }

    /**
     * A memory left out by its flag is said to be, and the text's size claims no memory, nor smaller model, that it did
     * not choose.
     */
    @Test
    void theSettingsLineSaysWhoDecidedTheMemory() throws Exception {
        Path text = Files.writeString(dir.resolve("a.txt"), String.join(" ", DOCUMENTS).repeat(20));
        TrainCommandTest.Run r = run("train", "--corpus", text.toString(), "--epochs", "1", "--hidden", "16",
                "--memory", "0", "--length", "0");
        assertEquals(0, r.code(), r.err());
        String settings = r.out().lines().findFirst().orElseThrow();
        assertTrue(settings.startsWith("settings: from flags: --corpus " + text + " --hidden 16 --epochs 1 --memory 0"
                + " --length 0; "), settings);
        assertTrue(settings.contains("a small text: dropout that keeps it from learning the text by heart): "
                + "--val-fraction 0.1 "), settings);
    }

    @Test
    void aFolderIsItsTextFilesInPathOrder() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("notes/2024"));
        Files.writeString(dir.resolve("notes/a.txt"), DOCUMENTS[0]);
        Files.writeString(folder.resolve("b.md"), DOCUMENTS[1]);
        Files.writeString(dir.resolve("notes/c"), DOCUMENTS[2]);
        Files.write(dir.resolve("notes/photo.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 0});
        TrainCommandTest.Run r = run(args("--corpus", dir.resolve("notes").toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("corpus " + dir.resolve("notes") + " (3 files): "), r.out());
        assertKeptAsItIs(r.out(), DOCUMENTS[1], DOCUMENTS[0], DOCUMENTS[2]); // 2024/b.md sorts before a.txt
    }

    @Test
    void repeatedCorporaAreReadInTheirOrder() throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), DOCUMENTS[0]);
        Path c = Files.writeString(dir.resolve("c.txt"), DOCUMENTS[2]);
        TrainCommandTest.Run r = run(args("--corpus", c.toString(), "--corpus", a.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("corpus " + c + " + " + a + ": "), r.out());
        assertKeptAsItIs(r.out(), DOCUMENTS[2], DOCUMENTS[0]);
    }

    @Test
    void aZipIsEveryTextMemberUnlessMembersAreNamed() throws Exception {
        Path zip = dir.resolve("texts.zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (int i = 0; i < DOCUMENTS.length; i++) {
                z.putNextEntry(new ZipEntry("doc" + i + ".txt"));
                z.write(DOCUMENTS[i].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        TrainCommandTest.Run r = run(args("--corpus", zip.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("corpus " + zip + " (3 members): "), r.out());
        assertKeptAsItIs(r.out(), DOCUMENTS);
        r = run(args("--corpus", zip.toString(), "--member", "doc2.txt", "--member", "doc0.txt"));
        assertEquals(0, r.code(), r.err());
        assertKeptAsItIs(r.out(), DOCUMENTS[2], DOCUMENTS[0]);
    }

    /** '-': a real pipe into a second JVM, the text written as the process reads it. */
    @Test
    void standardInputIsReadToItsEnd() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(argsList("--corpus", "-"));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            for (String d : DOCUMENTS) {
                in.write(d.getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("corpus standard input: "), out);
        assertKeptAsItIs(out, String.join("", DOCUMENTS));
    }

    /** A report continues the text's first words, and ␜ stands for the separator a model of several documents knows. */
    @Test
    void reportsContinueTheTextsStart() throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), DOCUMENTS[0]);
        Path b = Files.writeString(dir.resolve("b.txt"), DOCUMENTS[1]);
        TrainCommandTest.Run r = run(args("--corpus", a.toString(), "--corpus", b.toString(), "--sample-temperature",
                "1", "--seed", "3"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(" --prefix 'Dear diary,'"), "the first line's words: " + r.out());
        int at = r.out().indexOf(" - Dear diary,"); // its 10 characters may hold a line break, as the text does
        String greedy = r.out().substring(at + 3, r.out().indexOf("\n ~ Dear diary,", at));
        assertTrue(at >= 0 && (greedy.codePointCount(0, greedy.length()) == 11 + 10 || greedy.endsWith("× 10]")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" ~ Dear diary,")), r.out());
        TrainCommandTest.Run shown = run(args("--corpus", a.toString(), "--corpus", b.toString(), "--prefix", "bees.␜"));
        assertEquals(0, shown.code(), shown.err());
        assertTrue(shown.out().contains(" - bees.␜"), shown.out());
        assertEquals("", shown.err(), "the separator is in the vocabulary");
    }


    private static List<String> argsList(String... first) {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(List.of(first));
        all.addAll(QUICK);
        return all;
    }

    private static String[] args(String... first) {
        return argsList(first).toArray(String[]::new);
    }
}
