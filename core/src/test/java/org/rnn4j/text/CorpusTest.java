package org.rnn4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.InputException;

class CorpusTest {
    @TempDir
    Path dir;

    private static String apply(Preprocessing mode, String text) throws IOException {
        StringBuilder sb = new StringBuilder();
        Corpus.Limit all = new Corpus.Limit(sb::appendCodePoint, 0);
        Corpus.decode(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t", false, mode.filter(all), all);
        return sb.toString();
    }

    /**
     * The built-in corpus is checked against its SHA-1 as it is read: rnn4j's classes loaded again, from a class path
     * whose first entry holds another timemachine.txt (one letter changed), refuse it.
     */
    @Test
    void aDamagedBuiltInCorpusIsRefused() throws Exception {
        byte[] text;
        try (var in = Corpus.class.getResourceAsStream(Corpus.BUILT_IN_RESOURCE)) {
            text = in.readAllBytes();
        }
        assertEquals(Corpus.BUILT_IN_SHA1, java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-1").digest(text)), "the bundled file is d2l's");
        text[1000] ^= 0x20; // a letter's case
        Path altered = dir.resolve("altered");
        Path resource = altered.resolve("org/rnn4j/text/" + Corpus.BUILT_IN_RESOURCE);
        Files.createDirectories(resource.getParent());
        Files.write(resource, text);
        java.net.URL classes = Corpus.class.getProtectionDomain().getCodeSource().getLocation();
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {altered.toUri().toURL(), classes},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> corpus = loader.loadClass(Corpus.class.getName());
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object letters = Enum.valueOf((Class) loader.loadClass(Preprocessing.class.getName()), "LETTERS");
            var read = corpus.getMethod("read", String.class, String.class, letters.getClass(), int.class,
                    boolean.class, java.util.function.IntConsumer.class);
            java.util.function.IntConsumer ignore = token -> { };
            var e = assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> read.invoke(null, null, null, letters, 100, false, ignore));
            assertTrue(e.getCause() instanceof IllegalStateException
                    && e.getCause().getMessage().startsWith("the built-in corpus timemachine.txt is damaged: SHA-1 "), e.getCause().toString());
        }
    }

    /** The seeds' lyrics are built in: their first 10,000 characters have 1,027 distinct ones (1,028 with <unk>). */
    @Test
    void theJayChouLyricsAreBuiltIn() {
        TestCorpus c = TestCorpus.load(Corpus.JAYCHOU, null, Preprocessing.SPACES, 10_000);
        assertEquals(Corpus.JAYCHOU, c.name());
        assertEquals(10_000, c.length());
        assertTrue(c.text().startsWith("想要有直升机 想要和你飞到宇宙去 想要和"), c.text().substring(0, 20));
        assertEquals(1_028, Vocab.build(c.tokens(), 1).size());
        assertTrue(TestCorpus.load(Corpus.JAYCHOU, null, Preprocessing.SPACES, 0).length() > 60_000, "all of it");
    }

    /** A prefix goes through the rule too, and keeps a gap at its end: generation continues from there. */
    @Test
    void prefixesAreReadByTheRule() {
        assertEquals("time traveller", Preprocessing.LETTERS.prefix("Time Traveller"));
        assertEquals("the ", Preprocessing.LETTERS.prefix("The "));
        assertEquals("hello world ", Preprocessing.LETTERS.prefix("  Hello, World! "));
        assertEquals("", Preprocessing.LETTERS.prefix("1984 "));
        assertEquals("", Preprocessing.LETTERS.prefix(""));
        assertEquals("endnext", Preprocessing.LETTERS.prefix("end\nnext"));
        assertEquals("end", Preprocessing.LETTERS.prefix("end\n"));
        assertEquals("分开 不分开 ", Preprocessing.SPACES.prefix("分开\n不分开\n"));
        assertEquals("Time\tTraveller ", Preprocessing.RAW.prefix("Time\tTraveller "));
        for (String word : new String[] {"a", "z", "A", "Z", "pizza"}) { // the ends of the letter ranges end a word
            assertEquals(word.toLowerCase(java.util.Locale.ROOT), Preprocessing.LETTERS.prefix(word), word);
        }
        assertEquals("a ", Preprocessing.LETTERS.prefix("a`"));
        assertEquals("z ", Preprocessing.LETTERS.prefix("z{"));
        assertEquals("a ", Preprocessing.LETTERS.prefix("A@"));
        assertEquals("z ", Preprocessing.LETTERS.prefix("Z["));
    }

    @Test
    void lettersRuleIsTheTimeMachineRule() throws IOException {
        // per line: runs of non-letters -> one space, strip, lower; lines joined with no separator
        assertEquals("the time machine by h g wellsithe time traveller for so",
                apply(Preprocessing.LETTERS, "The Time Machine, by H. G. Wells [1898]\n\n\n\nI\r\n"
                        + "  The Time Traveller (for so --\n"));
        assertEquals("caf", apply(Preprocessing.LETTERS, "café"));
    }

    @Test
    void spacesRuleIsTheLyricsRule() throws IOException {
        assertEquals("想要有直升机 想要和你  x", apply(Preprocessing.SPACES, "想要有直升机\n想要和你\r\nx"));
        assertEquals("a\nb", apply(Preprocessing.RAW, "a\nb"));
    }

    @Test
    void builtInCorpusIsTheTimeMachine() {
        TestCorpus c = TestCorpus.load(null, null, Preprocessing.LETTERS, 10_000);
        assertEquals(10_000, c.length());
        assertTrue(c.text().startsWith("the time machine by h g wellsithe time traveller for so it will be"));
        assertTrue(TestCorpus.load(null, null, Preprocessing.LETTERS, 0).length() > 150_000);
    }

    @Test
    void zipMemberIsChosenWhenItIsTheOnlyText() throws IOException {
        Path zip = zip("lyrics.zip", "__MACOSX/._a.txt", "x", "a.txt", "分开\n不分开");
        TestCorpus c = TestCorpus.load(zip.toString(), null, Preprocessing.SPACES, 0);
        assertEquals("分开 不分开", c.text());
        assertEquals(zip + "!a.txt", c.name());
    }

    /**
     * Text members are those with no NUL byte in their first 8 KiB, read in the archive's order; folders, macOS forks
     * and hidden names never count. What is there is listed when none or the wrong one is asked for.
     */
    @Test
    void zipMembersAreTextFilesAndTheMessagesListThem() throws IOException {
        Path mixed = zip("mixed.zip", "notes/", "", "notes/readme.md", "# notes", "image.png", "\u0089PNG\0\0",
                "__MACOSX/._b.txt", "fork", "notes/.hidden", "h", "b.txt", "bb");
        TestCorpus c = TestCorpus.load(mixed.toString(), null, Preprocessing.RAW, 0);
        assertEquals("# notes\u001Cbb", c.text());
        assertEquals(mixed + " (2 members)", c.name());
        Path none = zip("none.zip", "dir/", "", "data.bin", "1\0002");
        InputException e = assertThrows(InputException.class, () -> TestCorpus.load(none.toString(), null, Preprocessing.RAW, 0));
        assertEquals(none + ": the zip has no text member; members: data.bin; choose one with Training.members", e.getMessage());
        e = assertThrows(InputException.class, () -> TestCorpus.load(none.toString(), "c.txt", Preprocessing.RAW, 0));
        assertEquals(none + ": has no member 'c.txt'; members: data.bin", e.getMessage());
        e = assertThrows(InputException.class, () -> TestCorpus.load(none.toString(), "dir/", Preprocessing.RAW, 0));
        assertTrue(e.getMessage().startsWith(none + ": has no member 'dir/'"), e.getMessage());
        assertEquals("1\0002", TestCorpus.load(none.toString(), "data.bin", Preprocessing.RAW, 0).text(),
                "a member asked for by name is read as it is");
    }

    /** A corpus is named by where it came from; --max-tokens keeps exactly that many. */
    @Test
    void namesAndExactLimits() throws IOException {
        Path f = Files.writeString(dir.resolve("t.txt"), "abcdef");
        assertEquals(f.toString(), TestCorpus.load(f.toString(), null, Preprocessing.RAW, 0).name());
        assertEquals(Corpus.BUILT_IN, TestCorpus.load(null, null, Preprocessing.LETTERS, 5).name());
        assertEquals(Corpus.BUILT_IN, Corpus.read(Corpus.BUILT_IN, null, Preprocessing.LETTERS, 5, false, t -> { }));
        assertEquals(f.toString(), Corpus.read(f.toString(), null, Preprocessing.RAW, 0, false, t -> { }));
        for (int n = 1; n <= 6; n++) {
            assertEquals("abcdef".substring(0, n), TestCorpus.load(f.toString(), null, Preprocessing.RAW, n).text());
        }
        assertEquals(5, TestCorpus.load(null, null, Preprocessing.LETTERS, 5).length());
        Path words = Files.writeString(dir.resolve("w.txt"), "ab cd");
        assertEquals("ab ", TestCorpus.load(words.toString(), null, Preprocessing.LETTERS, 3).text(),
                "the limit falls between a gap's space and the letter after it");
    }

    /** The letters rule's ranges include their ends (a, z, A, Z) and nothing beside them (`, {, @, [). */
    @Test
    void theLettersRangesIncludeTheirEnds() throws IOException {
        assertEquals("azaz", apply(Preprocessing.LETTERS, "azAZ"));
        assertEquals("a z", apply(Preprocessing.LETTERS, "a`{@[z"));
    }

    /** Every text member by default, the ones named (in the order given) with --member. */
    @Test
    void aZipWithSeveralTextsGivesThemAll() throws IOException {
        Path zip = zip("two.zip", "a.txt", "aaa", "b.txt", "bbb", "c.txt", "ccc");
        assertEquals("aaa\u001Cbbb\u001Cccc", read(List.of(zip.toString()), List.of(), Preprocessing.RAW));
        assertEquals("ccc\u001Caaa", read(List.of(zip.toString()), List.of("c.txt", "a.txt"), Preprocessing.RAW));
        assertEquals("bbb", TestCorpus.load(zip.toString(), "b.txt", Preprocessing.RAW, 0).text());
        assertEquals(zip + "!b.txt", TestCorpus.load(zip.toString(), "b.txt", Preprocessing.RAW, 0).name());
    }

    /**
     * A folder gives its text files at any depth in order of their paths, hidden ones and binary ones left out; each
     * document is preprocessed on its own (the letters rule's line state starts afresh) and the separator between two
     * is one token, counted by --max-tokens.
     */
    @Test
    void aFolderGivesItsTextFilesInPathOrder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("texts/b"));
        Files.writeString(folder.resolve("z.txt"), "Zed, ");
        Files.writeString(dir.resolve("texts/b.md"), "Bee ");
        Files.writeString(dir.resolve("texts/a"), "Ay!");
        Files.write(dir.resolve("texts/c.bin"), new byte[] {'c', 0, 'c'});
        Files.writeString(dir.resolve("texts/.notes"), "hidden");
        Files.createDirectories(dir.resolve("texts/.git"));
        Files.writeString(dir.resolve("texts/.git/HEAD"), "ref");
        String texts = dir.resolve("texts").toString();
        assertEquals("ay\u001Cbee\u001Czed", read(List.of(texts), List.of(), Preprocessing.LETTERS),
                "a, b.md, b/z.txt: paths compare as strings, '.' before '/'");
        TestCorpus c = TestCorpus.load(texts, null, Preprocessing.RAW, 0);
        assertEquals(texts + " (3 files)", c.name());
        StringBuilder first = new StringBuilder();
        Corpus.read(List.of(texts), List.of(), Preprocessing.RAW, 4, false, first::appendCodePoint);
        assertEquals("Ay!\u001C", first.toString());
    }

    /** Sources in the order given, joined the same way; a built-in corpus is one document among them. */
    @Test
    void repeatedSourcesAreJoinedInOrder() throws IOException {
        Path a = Files.writeString(dir.resolve("one.txt"), "one");
        Path b = Files.writeString(dir.resolve("two.txt"), "two");
        StringBuilder sb = new StringBuilder();
        String name = Corpus.read(List.of(b.toString(), a.toString(), Corpus.JAYCHOU), List.of(), Preprocessing.SPACES,
                11, false, sb::appendCodePoint);
        assertEquals("two\u001Cone\u001C想要有", sb.toString());
        assertEquals(b + " + " + a + " + " + Corpus.JAYCHOU, name);
    }

    /** '-' reads standard input (left open); empty, or given twice, it is a clear error. */
    @Test
    void standardInputIsASource() throws IOException {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("piped\ntext".getBytes(StandardCharsets.UTF_8)));
            TestCorpus c = TestCorpus.load(Corpus.STDIN, null, Preprocessing.SPACES, 0);
            assertEquals("piped text", c.text());
            assertEquals("standard input", c.name());
            System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
            InputException e = assertThrows(InputException.class, () -> TestCorpus.load(Corpus.STDIN, null, Preprocessing.RAW, 0));
            assertTrue(e.getMessage().startsWith("Training.corpus -: standard input is empty"), e.getMessage());
            e = assertThrows(InputException.class, () -> Corpus.read(List.of("-", "-"), List.of(), Preprocessing.RAW, 0,
                    false, t -> { }));
            assertTrue(e.getMessage().contains("standard input can be read once"), e.getMessage());
        } finally {
            System.setIn(stdin);
        }
    }

    /** A folder without text files, and --member without a zip: the message says what is there and what to do. */
    @Test
    void badSourcesAreClearErrors() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        InputException e = assertThrows(InputException.class, () -> TestCorpus.load(empty.toString(), null, Preprocessing.RAW, 0));
        assertEquals(empty + ": the folder has no text files; put UTF-8 text files in it, or give Training.corpus a file",
                e.getMessage());
        Path binary = Files.createDirectories(dir.resolve("binary"));
        Files.write(binary.resolve("x.bin"), new byte[] {1, 0});
        e = assertThrows(InputException.class, () -> TestCorpus.load(binary.toString(), null, Preprocessing.RAW, 0));
        assertTrue(e.getMessage().startsWith(binary + ": the folder has no text files (1 binary: " + binary.resolve("x.bin")
                + ")"), e.getMessage());
        Path f = Files.writeString(dir.resolve("plain.txt"), "abc");
        e = assertThrows(InputException.class, () -> TestCorpus.load(f.toString(), "a.txt", Preprocessing.RAW, 0));
        assertTrue(e.getMessage().startsWith("Training.members: only a zip archive has members"), e.getMessage());
    }

    /** The separator is shown as ␜ to a reader, and ␜ in a prefix reads as the separator, each side by the rule. */
    @Test
    void theSeparatorIsShownAsItsControlPicture() {
        Vocab v = Vocab.of(new int[] {'a', Corpus.SEPARATOR});
        assertEquals("\u241C", v.shown(2));
        assertEquals("\u001C", v.text(2), "text() stays the token itself");
        assertEquals("a", v.shown(1));
        assertEquals(Vocab.UNK_TEXT, v.shown(Vocab.UNK));
        assertEquals("a\u241Cb", Corpus.shown("a\u001Cb"));
        assertEquals("a b\u001Ccd ", Preprocessing.LETTERS.prefix("A-b\u241CCd "));
        assertEquals("\u001C\u001Cx", Preprocessing.RAW.prefix("\u241C\u241Cx"));
        assertEquals("1\u001C", Preprocessing.SPACES.prefix("1\u241C"));
    }

    private static String read(List<String> sources, List<String> members, Preprocessing mode) {
        StringBuilder sb = new StringBuilder();
        Corpus.read(sources, members, mode, 0, false, sb::appendCodePoint);
        return sb.toString();
    }

    @Test
    void maxTokensCountsCodePoints() throws IOException {
        Path f = dir.resolve("emoji.txt");
        Files.writeString(f, "😀a😀b😀c");
        TestCorpus c = TestCorpus.load(f.toString(), null, Preprocessing.RAW, 4);
        assertEquals(4, c.length());
        assertEquals("😀a😀b", c.text());
    }

    @Test
    void invalidUtf8IsAClearError() throws IOException {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, new byte[] {'a', (byte) 0xE9, 'b'});
        InputException e = assertThrows(InputException.class, () -> TestCorpus.load(f.toString(), null, Preprocessing.RAW, 0));
        assertTrue(e.getMessage().startsWith(f + ": is not valid UTF-8 at byte 1 (bytes E9); save the text as UTF-8, "
                + "or use Training.replaceInvalid"), e.getMessage());
        StringBuilder replaced = new StringBuilder();
        Corpus.read(f.toString(), null, Preprocessing.RAW, 0, true, replaced::appendCodePoint);
        assertEquals("a\uFFFDb", replaced.toString());
    }

    /** The offset counts bytes across read buffers (64 KiB), not characters. */
    @Test
    void invalidUtf8FarIntoTheFileNamesItsByteOffset() throws IOException {
        Path f = dir.resolve("long.txt");
        byte[] text = ("héllo wörld ".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
        byte[] bad = java.util.Arrays.copyOf(text, text.length + 3);
        bad[text.length] = (byte) 0xC3; // a lead byte followed by ASCII: malformed
        bad[text.length + 1] = 'x';
        bad[text.length + 2] = 'y';
        InputException e = assertThrows(InputException.class, () -> TestCorpus.load(f.toString(), null, Preprocessing.RAW, 0));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        Files.write(f, bad);
        e = assertThrows(InputException.class, () -> TestCorpus.load(f.toString(), null, Preprocessing.RAW, 0));
        assertTrue(e.getMessage().contains("is not valid UTF-8 at byte " + text.length + " (bytes C3)"), e.getMessage());
    }

    @Test
    void missingFileIsAClearError() {
        InputException e = assertThrows(InputException.class,
                () -> TestCorpus.load(dir.resolve("nope.txt").toString(), null, Preprocessing.RAW, 0));
        assertTrue(e.getMessage().contains("nope.txt") && e.getMessage().contains("no such file"), e.getMessage());
    }

    private Path zip(String name, String... entries) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (int i = 0; i < entries.length; i += 2) {
                z.putNextEntry(new ZipEntry(entries[i]));
                z.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }
}
