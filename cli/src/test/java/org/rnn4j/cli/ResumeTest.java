package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.InputException;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.tensor.Kernels;

class ResumeTest {
    @TempDir
    Path dir;

    private static final List<String> SETTINGS = List.of("train", "--cell", "gru", "--hidden", "256", "--epochs", "60",
            "--sampling", "random", "--optimizer", "adam", "--lr", "0.003", "--lr-cosine", "--warmup", "4",
            "--print-every", "60", "--predict-length", "30");

    /**
     * A run in its own JVM, killed with SIGKILL once it has saved a few checkpoints, then resumed: it
     * ends with the perplexity and continuation of the same run left alone (same seed). Random
     * sampling, Adam and a cosine schedule whose rate changes every epoch, so the generators', the optimiser's and
     * the schedule's states must come back too.
     */
    @Test
    void aKilledRunResumesToTheSameNumbers() throws Exception {
        Path checkpoint = dir.resolve("run.safetensors");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(SETTINGS);
        command.addAll(List.of("--out", checkpoint.toString(), "--save-every", "2"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
        int saved = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (saved < 6 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            if (Files.exists(checkpoint)) {
                saved = epochsDone(checkpoint);
            }
        }
        process.destroyForcibly(); // SIGKILL
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        int done = epochsDone(checkpoint);
        assertTrue(done >= 6 && done < 60, "killed mid-training: the last checkpoint is after epoch " + done);

        TrainCommandTest.Run resumed = run("train", "--resume", checkpoint.toString(), "--print-every", "60",
                "--predict-length", "30");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming " + checkpoint + " after epoch " + done + " of 60"), resumed.out());
        TrainCommandTest.Run whole = run(SETTINGS.toArray(String[]::new));
        assertEquals(0, whole.code(), whole.err());
        assertEquals(finalLines(whole.out()), finalLines(resumed.out()));
        assertEquals(60, epochsDone(checkpoint));
    }

    /** "epoch 60, perplexity …" without its timing, and the continuations printed after it. */
    private static List<String> finalLines(String out) {
        List<String> lines = out.lines().dropWhile(l -> !l.startsWith("epoch 60,")).limit(3).toList();
        assertEquals(3, lines.size(), out);
        return List.of(lines.get(0).replaceAll(", time .*", ""), lines.get(1), lines.get(2));
    }

    private static int epochsDone(Path checkpoint) {
        try {
            return Checkpoint.load(checkpoint, Kernels.reference()).state().epochsDone();
        } catch (InputException e) {
            throw new AssertionError("a checkpoint must always be whole: " + e.getMessage(), e);
        }
    }
}
