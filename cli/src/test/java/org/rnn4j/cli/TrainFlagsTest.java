package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.TextModel;
import org.rnn4j.text.Preprocessing;

/**
 * Every flag of {@code train} reaches the run and changes what comes out: the figures and continuations it prints (not
 * the settings line, which only echoes it), or the files it writes.
 */
class TrainFlagsTest {
    @TempDir
    static Path dir;
    static Path text, other;
    private static final String TEXT = Texts.timeMachine(Preprocessing.RAW, 3_000);

    @BeforeAll
    static void texts() throws IOException {
        text = Files.writeString(dir.resolve("a.txt"), TEXT);
        other = Files.writeString(dir.resolve("b.txt"), TEXT.substring(1_500) + TEXT.substring(0, 1_500));
    }

    /** A small run of one's own text with {@code extra} flags after the base's. */
    private static TrainCommandTest.Run train(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--hidden", "8", "--layers", "1", "--batch", "4",
                "--steps", "10", "--epochs", "2", "--threads", "1", "--print-every", "1", "--length", "5",
                "--val-fraction", "0.1", "--seed", "1"));
        args.addAll(Arrays.asList(extra));
        if (!args.contains("--corpus")) {
            args.addAll(List.of("--corpus", text.toString()));
        }
        TrainCommandTest.Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    /** What the run did: its reports, continuations and summary, without their timing. */
    private static List<String> effect(TrainCommandTest.Run r) {
        return r.out().lines().filter(l -> l.startsWith("epoch ") || l.startsWith(" - ") || l.startsWith(" ~ ")
                || l.startsWith("perplexity ") || l.startsWith("best epoch ") || l.startsWith("stopped early"))
                .map(l -> l.replaceAll(", time .*|[,;] [0-9,]+ tokens/s.*", "")).toList();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "|--cell lstm", "|--hidden 9", "|--layers 2", "--layers 2|--layers 2 --dropout 0.5", "|--variational-dropout 0.3", "|--weight-dropout 0.5", "|--init normal",
            "|--optimizer sgd", "|--lr 0.01", "|--clip 0.001", "|--weight-decay 0.5", "|--lr-decay 0.5", "|--lr-decay 0.5 --lr-decay-every 2",
            "|--lr-cosine", "--lr-cosine|--lr-cosine --warmup 1", "--epochs 6 --lr 0.05|--epochs 6 --lr 0.05 --lr-plateau 0.1",
            "--epochs 6 --lr 0.05 --lr-plateau 0.1|--epochs 6 --lr 0.05 --lr-plateau 0.1 --lr-patience 2",
            "|--epochs 3", "|--batch 5", "|--steps 11", "|--sampling random", "|--no-random-offset",
            "|--val-fraction 0.2", "--epochs 8 --lr 0.3|--epochs 8 --lr 0.3 --early-stop 1", "|--preprocess letters",
            "|--max-tokens 2000", "|--min-freq 20", "|--seed 2", "|--prefix the", "|--length 7", "|--print-every 2",
            "|--sample-temperature 1.5", "|--corpus OTHER", "|--time-limit 0.000001"})
    void eachFlagChangesTheRun(String base, String changed) {
        assertNotEquals(effect(train(args(base))), effect(train(args(changed))), changed);
    }

    private static String[] args(String flags) {
        return flags == null ? new String[0] : Arrays.stream(flags.split(" ")).map(a -> a.equals("OTHER")
                ? other.toString() : a).toArray(String[]::new);
    }

    /** A prefix is read once, with the model's rule: a ␜ in it stays the separator, shown as ␜, under letters too. */
    @Test
    void aPrefixIsReadOnce() {
        TrainCommandTest.Run r = run("train", "--epochs", "1", "--hidden", "8", "--length", "3", "--prefix",
                "Once␜The Time");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(" - once␜the time") && l.length() == 3 + 13 + 3),
                r.out());
        assertTrue(r.out().startsWith("settings: from flags: --hidden 8 --epochs 1 --length 3 --prefix 'once␜the time'"),
                r.out());
    }

    /** Threads change where the products run (the corpus line says so), never the numbers. */
    @Test
    void threads() {
        TrainCommandTest.Run one = train(), two = train("--threads", "2");
        assertEquals(effect(one), effect(two));
        assertTrue(two.out().contains("× 2 threads") && !one.out().contains("× 2 threads"), two.out());
    }

    /** Zip members and bytes that are not UTF-8. */
    @Test
    void membersAndInvalidBytes() throws IOException {
        Path zip = dir.resolve("two.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path p : List.of(text, other)) {
                out.putNextEntry(new ZipEntry(p.getFileName().toString()));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        assertEquals(effect(train()), effect(train("--corpus", zip.toString(), "--member", "a.txt")), "a.txt alone");
        assertNotEquals(effect(train()), effect(train("--corpus", zip.toString(), "--member", "b.txt")));
        Path latin = dir.resolve("latin1.txt");
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        bytes[100] = (byte) 0xE9;
        Files.write(latin, bytes);
        assertEquals(2, run("train", "--corpus", latin.toString(), "--epochs", "1").code());
        assertTrue(train("--corpus", latin.toString(), "--replace-invalid").out().contains("corpus " + latin + ":"));
    }

    /** The files a run writes: its checkpoint, the metrics, the plot. */
    @Test
    void filesItWrites() throws IOException {
        Path out = dir.resolve("m.safetensors"), csv = dir.resolve("m.csv"), plot = dir.resolve("curve");
        train("--epochs", "3", "--out", out.toString(), "--save-every", "2", "--metrics", csv.toString(), "--plot",
                plot.toString());
        assertEquals(3, TextModel.load(out).history().size(), "saved at the end");
        assertEquals(4, Files.readAllLines(csv).size(), "a header and three epochs");
        assertTrue(Files.size(Path.of(plot + ".png")) > 0 && Files.size(Path.of(plot + ".svg")) > 0);
    }
}
