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
 * The progress bar is shown on a terminal and nowhere else, through the {@code rnn4j} launcher as a user runs it: a
 * real pseudo-terminal (util-linux's script(1)), a pipe, and standard error sent to a file while standard input and
 * output are the terminal; without colour under NO_COLOR, and in plain ASCII under TERM=dumb. The launcher runs the
 * test's classes (RNN4J_CLASSPATH), as no jar exists before Maven's package phase.
 */
class ProgressBarTest {
    @TempDir
    Path dir;

    /** The bar's own text: "train  33% │███   │ 1/3 epochs (0:00:01 / 0:00:02)". */
    private static final String BAR = " epochs (";

    /** The launcher at the repository's root, found from the module's folder the tests run in. */
    static final Path LAUNCHER = launcher();

    private static Path launcher() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("rnn4j")) && Files.exists(d.resolve("pom.xml"))) {
                return d.resolve("rnn4j");
            }
        }
        throw new IllegalStateException("no rnn4j launcher above " + Path.of("").toAbsolutePath());
    }

    private static String train(String... flags) {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString(), "train"));
        command.addAll(List.of(flags.length > 0 ? flags
                : new String[] {"--epochs", "3", "--hidden", "16", "--print-every", "1", "--predict-length", "5"}));
        return command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    private static ProcessBuilder builder(String commandLine, boolean pty, Path out, String... environment) {
        List<String> command = pty ? List.of("script", "-qfec", commandLine, "/dev/null") : List.of("sh", "-c", commandLine);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(true);
        builder.environment().put("RNN4J_CLASSPATH", System.getProperty("java.class.path"));
        for (int i = 0; i < environment.length; i += 2) {
            builder.environment().put(environment[i], environment[i + 1]);
        }
        return builder;
    }

    /** Runs a shell command line; under a pseudo-terminal when {@code pty}. Returns what reached standard output. */
    private String run(String commandLine, boolean pty, String... environment) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = builder(commandLine, pty, out, environment).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), commandLine);
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("epoch 3, perplexity"), text);
        return text;
    }

    /**
     * While training runs, the terminal already shows the bar redrawn at a later epoch: the redraws are not held back
     * until the run ends (as a filter on standard error would hold them, waiting for a newline).
     */
    @Test
    void theBarRedrawsWhileTrainingRuns() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux's script makes the pseudo-terminal");
        Path out = dir.resolve("live.txt");
        Process p = builder(train("--epochs", "40", "--hidden", "512", "--print-every", "40", "--length", "5"), true, out,
                "TERM", "xterm").start();
        java.util.Set<String> seenWhileRunning = new java.util.TreeSet<>();
        java.util.regex.Pattern frame = java.util.regex.Pattern.compile("(\\d+)/40" + java.util.regex.Pattern.quote(BAR));
        while (p.isAlive()) {
            String text = Files.readString(out);
            if (!text.contains("epoch 40, perplexity")) {
                frame.matcher(text).results().forEach(m -> seenWhileRunning.add(m.group(1)));
            }
            Thread.sleep(20);
        }
        assertEquals(0, p.exitValue(), Files.readString(out));
        // the bar redraws about once a second: a frame past epoch 0 before the last report is a redraw seen live
        assertTrue(seenWhileRunning.stream().anyMatch(e -> !e.equals("0")),
                "bar frames seen before the run's last report: epochs " + seenWhileRunning + "\n" + Files.readString(out));
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
        assertFalse(err.contains(BAR) || err.contains("\r") || err.contains("\033"), "standard error in a file: " + err);
    }
}
