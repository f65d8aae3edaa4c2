package org.rnn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rnn4j.InputException;
import org.rnn4j.io.AtomicFile;

/** Output files written whole or not at all. */
final class OutputFiles {
    private OutputFiles() {
    }

    /** Fails before any work when the folder of an output file is missing; else returns the file. */
    static Path checkFolder(Path target, String flag) {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new InputException(flag + " " + target + ": the folder " + dir
                    + " does not exist; create it or write elsewhere");
        }
        return target;
    }

    /** {@link AtomicFile#write}, with a message naming the flag and the file when it fails. */
    static void writeAtomically(Path target, byte[] bytes, String flag) {
        try {
            AtomicFile.write(target, bytes);
        } catch (IOException e) {
            throw new InputException(flag + " " + target + ": cannot write (" + e.getMessage()
                    + "); check that the folder is writable and has room", e);
        }
    }
}
