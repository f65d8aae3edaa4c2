package org.rnn4j.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.rnn4j.InputException;

/**
 * Text corpora read as code-point tokens after preprocessing, streamed to a consumer one at a time (never held whole):
 * the built-in corpora, files, folders, zip archives, standard input and readers, several of them as documents joined
 * by {@link #SEPARATOR}.
 */
public final class Corpus {
    /** The built-in corpus: H. G. Wells, The Time Machine (public domain). */
    public static final String BUILT_IN = "timemachine";
    static final String BUILT_IN_RESOURCE = "timemachine.txt";
    static final String BUILT_IN_SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a";
    /** The other built-in corpus: the seeds' Jay Chou lyrics, d2l's jaychou_lyrics.txt.zip as published. */
    public static final String JAYCHOU = "jaychou";
    static final String JAYCHOU_RESOURCE = "jaychou_lyrics.txt.zip";
    static final String JAYCHOU_SHA1 = "9529987e701a4f37048ab778270a5dde9a762a0b";
    /** The source that reads standard input. */
    public static final String STDIN = "-";
    /**
     * The token between two documents of a corpus: U+001C, the file separator of ASCII, which ordinary text never
     * holds, so the model learns where a document ends and a new one begins.
     */
    public static final int SEPARATOR = 0x1C;
    /** How {@link #SEPARATOR} is shown in generated text and read in a prefix: U+241C, its Unicode control picture. */
    public static final int SEPARATOR_SHOWN = 0x241C;

    private Corpus() {
    }

    /**
     * Streams a corpus: its code points, after preprocessing, go to {@code sink} one at a time, and
     * nothing is held but a read buffer. Returns the corpus's name for messages.
     *
     * @param replaceInvalid read bytes that are not UTF-8 as U+FFFD instead of stopping with an error
     */
    public static String read(String source, String member, Preprocessing mode, int maxTokens, boolean replaceInvalid,
                              IntConsumer sink) {
        return read(List.of(source != null ? source : BUILT_IN), member != null ? List.of(member) : List.of(), mode,
                maxTokens, replaceInvalid, sink);
    }

    /**
     * Streams the documents of several sources, in order, as one corpus: each source is {@link #BUILT_IN},
     * {@link #JAYCHOU}, {@link #STDIN}, a text file, a directory (its text files, by path) or a zip archive (its text
     * members, or the {@code members} named). Documents are joined by {@link #SEPARATOR}, each preprocessed on its own.
     */
    public static String read(List<String> sources, List<String> members, Preprocessing mode, int maxTokens,
                              boolean replaceInvalid, IntConsumer sink) {
        Documents found = Documents.of(sources, members);
        readDocuments(found.documents(), mode, maxTokens, replaceInvalid, sink);
        return found.name();
    }

    /** The documents in order, each preprocessed on its own, {@link #SEPARATOR} between two. */
    private static void readDocuments(List<Documents.Document> docs, Preprocessing mode, int maxTokens,
                                      boolean replaceInvalid, IntConsumer sink) {
        Limit limited = new Limit(sink, maxTokens);
        for (int i = 0; i < docs.size() && !limited.full(); i++) {
            if (i > 0) {
                limited.accept(SEPARATOR);
            }
            try {
                docs.get(i).read(mode.filter(limited), limited, replaceInvalid);
            } catch (IOException e) {
                throw new InputException(docs.get(i).name() + ": cannot read (" + e.getMessage() + "); check that it is "
                        + "a readable text file you may open", e);
            }
        }
    }

    /**
     * Streams texts already in memory or behind readers, as {@link #read(List, List, Preprocessing, int, boolean,
     * IntConsumer)} streams files: each document preprocessed on its own, {@link #SEPARATOR} between two.
     */
    public static void read(List<? extends java.io.Reader> documents, Preprocessing mode, int maxTokens,
                            IntConsumer sink) {
        List<Documents.Document> docs = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            java.io.Reader reader = documents.get(i);
            String name = "document " + (i + 1);
            docs.add(new Documents.Document(name, (filter, limited, replaceInvalid) -> {
                CodePoints points = new CodePoints(filter);
                char[] buffer = new char[1 << 14];
                try {
                    for (int n; !limited.full() && (n = reader.read(buffer)) >= 0; ) {
                        for (int j = 0; j < n && !limited.full(); j++) {
                            points.accept(buffer[j]);
                        }
                    }
                } catch (IOException e) {
                    throw new InputException(name + ": cannot read (" + e.getMessage() + ")", e);
                }
            }));
        }
        readDocuments(docs, mode, maxTokens, false, sink);
    }

    /**
     * A built-in corpus, checked against its published SHA-1 as it is read; {@code zipped}: the resource is a zip of
     * one text member, read as it streams.
     */
    static void readBuiltIn(String resource, String expectedSha1, boolean zipped, IntConsumer filter,
                            Limit limited) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
        try (InputStream raw = Corpus.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("the built-in corpus " + resource + " is missing from the jar");
            }
            DigestInputStream in = new DigestInputStream(raw, sha1);
            if (zipped) {
                ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8);
                if (zip.getNextEntry() == null) {
                    throw new IllegalStateException("the built-in corpus " + resource + " is an empty zip");
                }
                decode(zip, resource, false, filter, limited);
            } else {
                decode(in, resource, false, filter, limited);
            }
            in.transferTo(java.io.OutputStream.nullOutputStream()); // the digest covers the whole file, not the part kept
            String digest = HexFormat.of().formatHex(sha1.digest());
            if (!digest.equals(expectedSha1)) {
                throw new IllegalStateException("the built-in corpus " + resource + " is damaged: SHA-1 " + digest
                        + ", expected " + expectedSha1);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in corpus " + resource, e);
        }
    }

    /**
     * Decodes UTF-8 into code points for {@code filter}, stopping once {@code limited} is full. Bytes
     * that are not UTF-8 stop it with an error naming their offset, or read as U+FFFD.
     */
    static void decode(InputStream in, String name, boolean replaceInvalid, IntConsumer filter, Limit limited)
            throws IOException {
        CodingErrorAction onError = replaceInvalid ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(onError)
                .onUnmappableCharacter(onError);
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        long consumed = 0; // bytes decoded before the buffer's start
        CodePoints points = new CodePoints(filter);
        boolean end = false;
        while (!limited.full()) {
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                end = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
            CoderResult result = decoder.decode(bytes, chars, end);
            if (result.isError()) {
                long at = consumed + bytes.position();
                StringBuilder seen = new StringBuilder();
                for (int i = 0; i < result.length(); i++) {
                    seen.append(String.format(" %02X", bytes.get(bytes.position() + i) & 0xFF));
                }
                throw new InputException(name + ": is not valid UTF-8 at byte " + at + " (bytes" + seen
                        + "); save the text as UTF-8, or use {Training.replaceInvalid} to read such bytes as U+FFFD");
            }
            if (end) {
                decoder.flush(chars);
            }
            chars.flip();
            while (chars.hasRemaining() && !limited.full()) {
                points.accept(chars.get());
            }
            chars.clear();
            consumed += bytes.position();
            bytes.compact();
            if (end) {
                break;
            }
        }
    }

    /**
     * Chars into code points, one at a time across buffer borders: a surrogate pair becomes one code point; a high
     * surrogate not followed by a low one is passed on alone, as {@link String#codePoints()} does.
     */
    private static final class CodePoints {
        private final IntConsumer out;
        private int high = -1;

        CodePoints(IntConsumer out) {
            this.out = out;
        }

        void accept(char c) {
            if (high >= 0) {
                int h = high;
                high = -1;
                if (Character.isLowSurrogate(c)) {
                    out.accept(Character.toCodePoint((char) h, c));
                    return;
                }
                out.accept(h);
            }
            if (Character.isHighSurrogate(c)) {
                high = c;
            } else {
                out.accept(c);
            }
        }
    }

    /** Passes tokens on until it has passed {@code limit} of them (0 or negative: no limit). */
    static final class Limit implements IntConsumer {
        private final IntConsumer out;
        private final long limit;
        private long count;

        Limit(IntConsumer out, int limit) {
            this.out = out;
            this.limit = limit > 0 ? limit : Long.MAX_VALUE;
        }

        boolean full() {
            return count >= limit;
        }

        @Override
        public void accept(int token) {
            if (count < limit) {
                count++;
                out.accept(token);
            }
        }
    }

    /** A text as shown to a reader: each document separator as ␜. */
    public static String shown(String text) {
        return text.replace((char) SEPARATOR, (char) SEPARATOR_SHOWN);
    }
}
