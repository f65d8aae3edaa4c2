package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar is shown on a terminal and nowhere else: a real pseudo-terminal (util-linux's script(1)), a pipe,
 * and standard error sent to a file while standard input and output are the terminal; without colour under
 * NO_COLOR, and in plain ASCII under TERM=dumb.
 */
class ProgressBarTest {
    @TempDir
    Path dir;

    /** The bar's own text: "train  33% │███   │ 1/3 epochs (0:00:01 / 0:00:02)". */
    private static final String BAR = " epochs (";

    private static String train() {
        return List.of(ProcessHandle.current().info().command().orElse("java"), "--add-modules", "jdk.incubator.vector",
                        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--epochs", "3",
                        "--hidden", "16", "--print-every", "1", "--predict-length", "5").stream()
                .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    /** Runs a shell command line; under a pseudo-terminal when {@code pty}. Returns what reached standard output. */
    private String run(String commandLine, boolean pty, String... environment) throws Exception {
        List<String> command = pty ? List.of("script", "-qfec", commandLine, "/dev/null") : List.of("sh", "-c", commandLine);
        Path out = dir.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(true);
        for (int i = 0; i < environment.length; i += 2) {
            builder.environment().put(environment[i], environment[i + 1]);
        }
        Process p = builder.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), commandLine);
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("epoch 3, perplexity"), text);
        return text;
    }

    @Test
    void shownOnATerminalOnly() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux's script makes the pseudo-terminal");
        String colour = "\033[33m";
        String bar = run(train(), true, "TERM", "xterm");
        assertTrue(bar.contains(BAR) && bar.contains(colour) && bar.contains("█"), "on a terminal, in colour: " + bar);
        String noColour = run(train(), true, "TERM", "xterm", "NO_COLOR", "1");
        assertTrue(noColour.contains(BAR) && !noColour.contains(colour) && noColour.contains("█"), "NO_COLOR: " + noColour);
        String dumb = run(train(), true, "TERM", "dumb");
        assertTrue(dumb.contains(BAR) && !dumb.contains(colour) && !dumb.contains("█"), "TERM=dumb: " + dumb);
        assertFalse(run(train() + " 2>&1 | cat", false).contains(BAR), "in a pipe");
        assertFalse(run(train() + " 2>&1 | cat", true).contains(BAR), "in a pipe read from a terminal");
        Path log = dir.resolve("err.log");
        run(train() + " 2>'" + log + "'", true);
        String err = Files.readString(log);
        assertFalse(err.contains(BAR) || err.contains("\r"), "standard error in a file: " + err);
    }
}
