package org.rnn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Output files that appear whole or not at all. */
public final class AtomicFile {
    private AtomicFile() {
    }

    /**
     * Writes to a temporary file beside {@code target}, forces it to disk, renames it over the target and forces the
     * folder: a crash at any point leaves the previous file as it was, or the new one whole.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName();
        // a process killed in the middle of an earlier write left its temporary file: remove it
        DirectoryStream.Filter<Path> leftOver = p -> p.getFileName().toString().startsWith(prefix)
                && p.getFileName().toString().endsWith(".tmp"); // not a glob: names may hold glob characters
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, leftOver)) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
        Path tmp = Files.createTempFile(dir, prefix, ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // temporary files are private; the result should read like any other file the user writes
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forceFolder(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A rename is on disk only once its folder is: until then a power cut can bring the previous file back. */
    private static void forceFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some systems (Windows) cannot open a folder: the rename stands, and reaches the disk in its own time
        }
    }
}
