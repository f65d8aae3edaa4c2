package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    /**
     * A write replaces the file whole, reads like any file the user writes (rw-r--r--, not a temporary file's
     * rw-------), and removes what a killed write of the same file left, nothing else.
     */
    @Test
    void aWriteReplacesTheFileAndClearsOnlyItsOwnLeftovers() throws IOException {
        Path target = dir.resolve("m [1].safetensors"); // glob characters in the name
        Files.write(target, new byte[] {1, 2, 3});
        Path leftOver = Files.write(dir.resolve(".m [1].safetensors123.tmp"), new byte[] {9});
        Path otherLeftOver = Files.write(dir.resolve(".other.safetensors456.tmp"), new byte[] {9});
        Path notTemporary = Files.write(dir.resolve(".m [1].safetensors.keep"), new byte[] {9});
        AtomicFile.write(target, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(target));
        assertTrue(Files.notExists(leftOver), "a killed write's temporary file is removed");
        assertTrue(Files.exists(otherLeftOver) && Files.exists(notTemporary), "other files stay");
        if (Files.getFileStore(target).supportsFileAttributeView("posix")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(".m [1].safetensors.keep", ".other.safetensors456.tmp", "m [1].safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
