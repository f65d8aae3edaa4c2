package org.rnn4j.text;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.rnn4j.InputException;

/**
 * A text corpus as a sequence of code-point tokens, after preprocessing.
 *
 * @param name   where the text came from, for messages
 * @param tokens the code points, in order
 */
public record Corpus(String name, int[] tokens) {
    /** The built-in corpus: H. G. Wells, The Time Machine (public domain). */
    public static final String BUILT_IN = "timemachine";
    static final String BUILT_IN_RESOURCE = "timemachine.txt";
    static final String BUILT_IN_SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a";

    public int length() {
        return tokens.length;
    }

    /**
     * Loads a corpus.
     *
     * @param source    {@link #BUILT_IN}, a text file, or a zip archive
     * @param member    the zip member to read, or null to pick the only text member
     * @param mode      the preprocessing rule
     * @param maxTokens keep at most this many tokens (0 or negative: all)
     */
    public static Corpus load(String source, String member, Preprocessing mode, int maxTokens) {
        if (source == null || source.equals(BUILT_IN)) {
            return loadBuiltIn(mode, maxTokens);
        }
        Path path = Path.of(source);
        if (Files.isDirectory(path)) {
            throw new InputException(source + ": is a directory; --corpus takes a text file or a zip archive");
        }
        if (source.toLowerCase().endsWith(".zip")) {
            return loadZipMember(path, member, mode, maxTokens);
        }
        try (InputStream in = Files.newInputStream(path)) {
            return new Corpus(source, decode(in, source, mode, maxTokens));
        } catch (NoSuchFileException e) {
            throw new InputException(source + ": no such file; give --corpus an existing text or zip file,"
                    + " or leave it out for the built-in Time Machine");
        } catch (IOException e) {
            throw new InputException(source + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The built-in Time Machine, checked against its published SHA-1 as it is read. */
    static Corpus loadBuiltIn(Preprocessing mode, int maxTokens) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
        try (InputStream raw = Corpus.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("the built-in corpus is missing from the jar");
            }
            DigestInputStream in = new DigestInputStream(raw, sha1);
            int[] tokens = decode(in, BUILT_IN, mode, maxTokens);
            in.transferTo(java.io.OutputStream.nullOutputStream()); // the digest covers the whole file, not the part kept
            String digest = HexFormat.of().formatHex(sha1.digest());
            if (!digest.equals(BUILT_IN_SHA1)) {
                throw new IllegalStateException("the built-in corpus is damaged: SHA-1 " + digest
                        + ", expected " + BUILT_IN_SHA1);
            }
            return new Corpus(BUILT_IN, tokens);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in corpus", e);
        }
    }

    private static Corpus loadZipMember(Path path, String member, Preprocessing mode, int maxTokens) {
        if (!Files.exists(path)) {
            throw new InputException(path + ": no such file; give --corpus an existing text or zip file");
        }
        try (ZipFile zip = new ZipFile(path.toFile(), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            if (member != null) {
                entry = zip.getEntry(member);
                if (entry == null || entry.isDirectory()) {
                    throw new InputException(path + ": has no member '" + member + "'; members: "
                            + String.join(", ", memberNames(zip)));
                }
            } else {
                List<ZipEntry> texts = textMembers(zip);
                if (texts.isEmpty()) {
                    throw new InputException(path + ": the zip has no text member; members: "
                            + String.join(", ", memberNames(zip)));
                }
                if (texts.size() > 1) {
                    throw new InputException(path + ": the zip has several text members; choose one with --member: "
                            + String.join(", ", texts.stream().map(ZipEntry::getName).toList()));
                }
                entry = texts.get(0);
            }
            String name = path + "!" + entry.getName();
            try (InputStream in = zip.getInputStream(entry)) {
                return new Corpus(name, decode(in, name, mode, maxTokens));
            }
        } catch (java.util.zip.ZipException e) {
            throw new InputException(path + ": not a readable zip archive (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InputException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static List<String> memberNames(ZipFile zip) {
        return zip.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).toList();
    }

    /** Members that look like text: by extension, and never macOS resource forks. */
    private static List<ZipEntry> textMembers(ZipFile zip) {
        List<ZipEntry> out = new ArrayList<>();
        zip.stream().filter(e -> !e.isDirectory())
                .filter(e -> !e.getName().startsWith("__MACOSX/"))
                .filter(e -> e.getName().toLowerCase().endsWith(".txt"))
                .forEach(out::add);
        return out;
    }

    /** Decodes strict UTF-8 into preprocessed code points, stopping after {@code maxTokens}. */
    static int[] decode(InputStream in, String name, Preprocessing mode, int maxTokens) throws IOException {
        TokenBuffer buffer = new TokenBuffer(maxTokens);
        var filter = mode.filter(buffer);
        Reader reader = new InputStreamReader(new BufferedInputStream(in, 1 << 16),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
        char[] chunk = new char[1 << 14];
        int high = -1; // a high surrogate waiting for its low half across chunk borders
        try {
            int n;
            while (!buffer.full() && (n = reader.read(chunk)) > 0) {
                for (int i = 0; i < n && !buffer.full(); i++) {
                    char c = chunk[i];
                    if (high >= 0) {
                        filter.accept(Character.toCodePoint((char) high, c));
                        high = -1;
                    } else if (Character.isHighSurrogate(c)) {
                        high = c;
                    } else {
                        filter.accept(c);
                    }
                }
            }
        } catch (CharacterCodingException e) {
            throw new InputException(name + ": is not valid UTF-8 text (" + e.getMessage() + ")", e);
        }
        return buffer.toArray();
    }

    /** A growable int array that stops taking tokens at its limit. */
    private static final class TokenBuffer implements java.util.function.IntConsumer {
        private final int limit;
        private int[] data = new int[1 << 12];
        private int size;

        TokenBuffer(int limit) {
            this.limit = limit > 0 ? limit : Integer.MAX_VALUE;
        }

        boolean full() {
            return size >= limit;
        }

        @Override
        public void accept(int token) {
            if (size >= limit) {
                return;
            }
            if (size == data.length) {
                data = Arrays.copyOf(data, Math.min(Integer.MAX_VALUE - 8, data.length * 2));
            }
            data[size++] = token;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /** The tokens as text. */
    public String text() {
        return new String(tokens, 0, tokens.length);
    }
}
