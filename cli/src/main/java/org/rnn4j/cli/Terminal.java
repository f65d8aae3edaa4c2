package org.rnn4j.cli;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

/** Whether the process talks to a terminal: a progress bar on standard error, a prompt for standard input. */
final class Terminal {
    private Terminal() {
    }

    /**
     * True when standard error is a terminal. {@code System.console()} cannot tell: it speaks of standard input and
     * output, and from JDK 22 on it is there even when they are redirected. So the system is asked about the stream
     * itself, by {@code test -t FD} run with this process's stream; where there is no {@code test} (Windows),
     * {@code System.console()} decides.
     */
    static boolean standardErrorIsTerminal() {
        return isTerminal(2);
    }

    /** True when standard input is a terminal: a person typing, who gets a prompt. */
    static boolean standardInputIsTerminal() {
        return isTerminal(0);
    }

    private static boolean isTerminal(int fd) {
        try {
            ProcessBuilder test = new ProcessBuilder("test", "-t", Integer.toString(fd));
            Process p = (fd == 0 ? test.redirectInput(Redirect.INHERIT) : test.redirectError(Redirect.INHERIT)).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return System.console() != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
