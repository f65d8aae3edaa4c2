package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/** Crashes and load: what a user's machine does to a long run. */
class FaultTest {
    @TempDir
    Path dir;

    /**
     * A run saving after every epoch, read while it saves and killed with SIGKILL at a random moment after a save of
     * its own: every read sees a whole checkpoint, newer ones as the run goes on, and so does the load after the kill.
     * Each attempt starts without a checkpoint, so the kill always follows a save of that attempt's run.
     */
    @Test
    void aCrashDuringASaveLeavesTheCheckpointWhole() throws Exception {
        Path checkpoint = dir.resolve("m.safetensors");
        Rng rng = new Rng(5);
        for (int attempt = 0; attempt < 5; attempt++) {
            Files.deleteIfExists(checkpoint);
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "train", "--hidden", "256", "--batch", "2", "--steps", "5", "--epochs", "100000",
                    "--max-tokens", "200", "--print-every", "100000", "--save-every", "1", "--out", checkpoint.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("run.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertTrue(p.isAlive() && Files.exists(checkpoint), "attempt " + attempt + ": the run saved once: "
                        + Files.readString(dir.resolve("run.log")));
                int first = Checkpoint.load(checkpoint, Kernels.reference()).state().epochsDone(), last = first, reads = 0;
                long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + rng.nextInt(500));
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // a reader beside the writer never sees half a file: for a random time, and two saves at least
                while ((System.nanoTime() < killAt || last < first + 2) && System.nanoTime() < giveUp) {
                    int epochs = Checkpoint.load(checkpoint, Kernels.reference()).state().epochsDone();
                    assertTrue(epochs >= last, "epochs done went back from " + last + " to " + epochs);
                    last = epochs;
                    reads++;
                }
                assertTrue(last >= first + 2, "attempt " + attempt + ": the run saved again while " + reads + " reads ran");
                assertTrue(p.isAlive(), "attempt " + attempt + ": the run is still going when killed");
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            }
            Checkpoint.Contents loaded = Checkpoint.load(checkpoint, Kernels.reference());
            assertTrue(loaded.state().epochsDone() >= 1);
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count() <= 1,
                    "each save removes what a killed one left");
        }
    }

    /** Another process keeps one core busy: training on two threads still finishes. */
    @Test
    void trainingBesideACpuHogCompletes() throws Exception {
        // bounded by timeout(1), so that a test JVM killed before its finally block leaves no busy loop behind
        Process hog = new ProcessBuilder("timeout", "200", "sh", "-c", "while :; do :; done").start();
        try {
            assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
                TrainCommandTest.Run r = run("train", "--hidden", "256", "--epochs", "20", "--threads", "2",
                        "--print-every", "20", "--predict-length", "10");
                assertEquals(0, r.code(), r.err());
                assertTrue(r.out().contains("epoch 20, perplexity "), r.out());
            });
            assertTrue(hog.isAlive(), "the hog ran the whole time");
        } finally {
            hog.descendants().forEach(ProcessHandle::destroyForcibly);
            hog.destroyForcibly();
        }
    }
}
