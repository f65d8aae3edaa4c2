package org.rnn4j.cli;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

/** Whether the process writes to a terminal, which decides whether long work shows a progress bar. */
final class Terminal {
    private Terminal() {
    }

    /**
     * True when standard error is a terminal. {@code System.console()} cannot tell: it speaks of standard input and
     * output, and from JDK 22 on it is there even when they are redirected. So the system is asked about standard
     * error itself, by {@code test -t 2} run with this process's standard error; where there is no {@code test}
     * (Windows), {@code System.console()} decides.
     */
    static boolean standardErrorIsTerminal() {
        try {
            Process p = new ProcessBuilder("test", "-t", "2").redirectError(Redirect.INHERIT).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return System.console() != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
