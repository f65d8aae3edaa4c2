package org.rnn4j.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.rnn4j.InputException;
import org.rnn4j.text.PreTokens;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Vocab;

/**
 * A vocabulary as a Hugging Face {@code tokenizer.json}, which the {@code tokenizers} library (Rust, Python, and Java
 * through DJL) loads and which encodes a text to the ids rnn4j gives it. Every kind is that library's {@code BPE}
 * model behind a {@code Split} pre-tokenizer of {@link PreTokens#PATTERN}: characters have no merges; whole words
 * have none either but {@code ignore_merges}, so that a piece that is a word is that token and any other falls to its
 * characters; subwords have their merges, as pairs of texts (texts may hold spaces). {@code <unk>} is id 0. The model's
 * preprocessing (letters, spaces) is rnn4j's and not in the file: it describes the raw text's tokens.
 */
public final class TokenizerJson {
    private TokenizerJson() {
    }

    /** The file's JSON. */
    public static String of(Vocab vocab) {
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", Vocab.UNK_TEXT);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.addProperty("ignore_merges", vocab.kind() == Subwords.Kind.WORD);
        JsonObject ids = new JsonObject();
        for (int i = 0; i < vocab.size(); i++) {
            ids.addProperty(vocab.text(i), i);
        }
        model.add("vocab", ids);
        JsonArray merges = new JsonArray();
        for (int[] m : vocab.merges()) {
            JsonArray pair = new JsonArray();
            pair.add(vocab.text(m[0]));
            pair.add(vocab.text(m[1]));
            merges.add(pair);
        }
        model.add("merges", merges);

        JsonObject split = new JsonObject();
        split.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", PreTokens.PATTERN);
        split.add("pattern", pattern);
        split.addProperty("behavior", "Isolated");
        split.addProperty("invert", false);
        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "Fuse");

        JsonObject t = new JsonObject();
        t.addProperty("version", "1.0");
        t.add("truncation", JsonNull.INSTANCE);
        t.add("padding", JsonNull.INSTANCE);
        t.add("added_tokens", new JsonArray());
        t.add("normalizer", JsonNull.INSTANCE);
        t.add("pre_tokenizer", split);
        t.add("post_processor", JsonNull.INSTANCE);
        t.add("decoder", decoder);
        t.add("model", model);
        return new GsonBuilder().serializeNulls().disableHtmlEscaping().setPrettyPrinting().create().toJson(t);
    }

    /** Writes {@link #of} to {@code file}, whole or not at all. */
    public static void write(Path file, Vocab vocab) {
        try {
            AtomicFile.write(file, of(vocab).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputException(file + ": cannot write the tokenizer (" + e.getMessage()
                    + "); give {Export.output} a path in a folder that exists and can be written", e);
        }
    }
}
