package org.rnn4j.cli;

import org.rnn4j.tensor.Kernels;
import picocli.CommandLine.Option;

/** {@code --threads N} of the commands that train or evaluate, and the kernels it selects. */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N", description = "Threads for the matrix products (default: all cores).")
    Integer threads;

    /** The kernels on the chosen number of threads; a number below 1 is refused. */
    Kernels kernels() {
        return threads == null ? Kernels.best() : Kernels.best(Flags.positive("--threads", threads));
    }
}
