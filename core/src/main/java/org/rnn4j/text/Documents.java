package org.rnn4j.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.rnn4j.InputException;

/**
 * The documents a list of corpus sources stands for, found and checked before any is read, so that a bad source
 * stops a run before it starts.
 *
 * @param documents the documents, in reading order
 * @param name      the corpus's name for messages
 */
record Documents(List<Document> documents, String name) {
    /** How much of a file is looked at to tell text from binary data. */
    private static final int SNIFF_BYTES = 8192;

    /** One text: a file, a zip member, standard input or a built-in corpus. */
    record Document(String name, Reader reader) {
        /** Decodes the text into {@code filter}, stopping once {@code limited} is full. */
        void read(IntConsumer filter, Corpus.Limit limited, boolean replaceInvalid) throws IOException {
            reader.read(filter, limited, replaceInvalid);
        }
    }

    interface Reader {
        void read(IntConsumer filter, Corpus.Limit limited, boolean replaceInvalid) throws IOException;
    }

    static Documents of(List<String> sources, List<String> members) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no corpus sources");
        }
        if (!members.isEmpty() && sources.stream().noneMatch(Documents::isZip)) {
            throw new InputException("{Training.members}: only a zip archive has members, and the corpus ("
                    + String.join(", ", sources) + ") has none; drop {Training.members}");
        }
        if (sources.stream().filter(Corpus.STDIN::equals).count() > 1) {
            throw new InputException("{Training.corpus} -: standard input can be read once; give '-' one time");
        }
        List<Document> all = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String source : sources) {
            List<Document> docs = new ArrayList<>();
            names.add(expand(source, members, docs));
            all.addAll(docs);
        }
        return new Documents(List.copyOf(all), String.join(" + ", names));
    }

    /** Adds the documents of one source to {@code out}; returns the source's name. */
    private static String expand(String source, List<String> members, List<Document> out) {
        switch (source) {
            case Corpus.BUILT_IN:
                out.add(builtIn(Corpus.BUILT_IN, Corpus.BUILT_IN_RESOURCE, Corpus.BUILT_IN_SHA1, false));
                return Corpus.BUILT_IN;
            case Corpus.JAYCHOU:
                out.add(builtIn(Corpus.JAYCHOU, Corpus.JAYCHOU_RESOURCE, Corpus.JAYCHOU_SHA1, true));
                return Corpus.JAYCHOU;
            case Corpus.STDIN:
                out.add(standardInput());
                return "standard input";
            default:
                break;
        }
        Path path = Path.of(source);
        if (!Files.exists(path)) {
            throw new InputException(source + ": no such file; give {Training.corpus} an existing text file, folder or zip "
                    + "archive, '-' for standard input, or a built-in corpus: timemachine or jaychou");
        }
        if (Files.isDirectory(path)) {
            List<Path> texts = textFiles(path);
            texts.forEach(f -> out.add(file(f)));
            return texts.size() == 1 ? texts.get(0).toString() : source + " (" + texts.size() + " files)";
        }
        if (isZip(source)) {
            return zipMembers(path, members, out);
        }
        out.add(file(path));
        return source;
    }

    private static boolean isZip(String source) {
        return source.toLowerCase(java.util.Locale.ROOT).endsWith(".zip");
    }

    /** The text files under a folder, at any depth, in order of their paths; hidden files and folders are skipped. */
    private static List<Path> textFiles(Path folder) {
        List<Path> texts = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(p -> !hidden(folder.relativize(p))).filter(Files::isRegularFile).sorted().toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    if (looksLikeText(in)) {
                        texts.add(p);
                    } else {
                        skipped.add(p.toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new InputException(folder + ": cannot list or read the folder (" + e.getMessage() + ")", e);
        }
        if (texts.isEmpty()) {
            throw new InputException(folder + ": the folder has no text files" + (skipped.isEmpty() ? ""
                    : " (" + skipped.size() + " binary: " + String.join(", ", skipped.subList(0, Math.min(3,
                    skipped.size()))) + (skipped.size() > 3 ? ", …" : "") + ")")
                    + "; put UTF-8 text files in it, or give {Training.corpus} a file");
        }
        return texts;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Text as git and grep tell it: no NUL byte in the first 8 KiB. */
    private static boolean looksLikeText(InputStream in) throws IOException {
        byte[] head = in.readNBytes(SNIFF_BYTES);
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }

    private static String zipMembers(Path path, List<String> members, List<Document> out) {
        try (ZipFile zip = new ZipFile(path.toFile(), StandardCharsets.UTF_8)) {
            List<String> chosen = new ArrayList<>();
            if (!members.isEmpty()) {
                for (String member : members) {
                    ZipEntry entry = zip.getEntry(member);
                    if (entry == null || entry.isDirectory()) {
                        throw new InputException(path + ": has no member '" + member + "'; members: "
                                + String.join(", ", memberNames(zip)));
                    }
                    chosen.add(member);
                }
            } else {
                for (ZipEntry e : zip.stream().toList()) {
                    if (!e.isDirectory() && !e.getName().startsWith("__MACOSX/") && !hidden(Path.of(e.getName()))) {
                        try (InputStream in = zip.getInputStream(e)) {
                            if (looksLikeText(in)) {
                                chosen.add(e.getName());
                            }
                        }
                    }
                }
                if (chosen.isEmpty()) {
                    throw new InputException(path + ": the zip has no text member; members: "
                            + String.join(", ", memberNames(zip)) + "; choose one with {Training.members}");
                }
            }
            chosen.forEach(m -> out.add(zipMember(path, m)));
            return chosen.size() == 1 ? path + "!" + chosen.get(0) : path + " (" + chosen.size() + " members)";
        } catch (ZipException e) {
            throw new InputException(path + ": not a readable zip archive (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InputException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static List<String> memberNames(ZipFile zip) {
        return zip.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).toList();
    }

    private static Document file(Path path) {
        return new Document(path.toString(), (filter, limited, replaceInvalid) -> {
            try (InputStream in = Files.newInputStream(path)) {
                Corpus.decode(in, path.toString(), replaceInvalid, filter, limited);
            }
        });
    }

    private static Document zipMember(Path path, String member) {
        String name = path + "!" + member;
        return new Document(name, (filter, limited, replaceInvalid) -> {
            try (ZipFile zip = new ZipFile(path.toFile(), StandardCharsets.UTF_8);
                 InputStream in = zip.getInputStream(zip.getEntry(member))) {
                Corpus.decode(in, name, replaceInvalid, filter, limited);
            }
        });
    }

    private static Document builtIn(String name, String resource, String sha1, boolean zipped) {
        return new Document(name, (filter, limited, replaceInvalid) ->
                Corpus.readBuiltIn(resource, sha1, zipped, filter, limited));
    }

    /** Standard input, left open; empty, it is an error, since a pipe that gave nothing is a mistake upstream. */
    private static Document standardInput() {
        return new Document("standard input", (filter, limited, replaceInvalid) -> {
            java.io.PushbackInputStream in = new java.io.PushbackInputStream(System.in);
            int first = in.read();
            if (first < 0) {
                throw new InputException("{Training.corpus} -: standard input is empty; pipe a text into it, "
                        + "or give {Training.corpus} a file");
            }
            in.unread(first);
            Corpus.decode(in, "standard input", replaceInvalid, filter, limited);
        });
    }
}
