package org.rnn4j.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.InputException;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.Memory;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.PreTokens;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Tokenization;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Schedule;
import org.rnn4j.train.TrainConfig;

/**
 * A checkpoint's {@code __metadata__} as JSON, both ways: each record of {@link Checkpoint.Contents} to its object and
 * back. Every field read is checked: a missing one, or one of the wrong kind, is an {@link InputException} naming the
 * file and the field. Fields added since the format's first files ({@code schedule}, {@code replace_invalid},
 * {@code weight_decay}, {@code variational_dropout}, {@code weight_dropout}, an epoch's {@code lr}) have the value those files meant when absent.
 */
public final class CheckpointJson {
    private static final Gson GSON = new Gson();

    private CheckpointJson() {
    }

    /** The metadata fields but the tensors: what {@link Checkpoint#load} reads back. */
    record Header(Vocab vocab, ModelConfig shape, DataConfig data, TrainConfig training, String preset,
                  Checkpoint.RunState state, long optimizerSteps, List<Epoch> metrics, MemorySpec memory) {
    }

    /** A {@link Memory}'s order and weight, as the metadata gives them; its text is a tensor. */
    record MemorySpec(int order, double weight) {
    }

    /** The metadata of a checkpoint, every value a string as safetensors requires. */
    static Map<String, String> metadata(Checkpoint.Contents c) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", Checkpoint.FORMAT);
        meta.put("format_version", Integer.toString(Checkpoint.VERSION));
        if (c.vocab().kind() == Subwords.Kind.CHAR) {
            meta.put("vocab", GSON.toJson(c.vocab().tokens()));
        } else { // the texts of the tokens, and how a text becomes them
            meta.put("vocab", GSON.toJson(c.vocab().texts()));
            JsonObject tokenizer = new JsonObject();
            tokenizer.addProperty("kind", c.vocab().kind().id());
            tokenizer.addProperty("pre_tokens", PreTokens.PATTERN);
            tokenizer.add("merges", GSON.toJsonTree(c.vocab().merges()));
            meta.put("tokenizer", tokenizer.toString());
        }
        meta.put("model", model(c.shape(), c.vocab().size()).toString());
        meta.put("data", data(c.data()).toString());
        meta.put("training", training(c.training()).toString());
        meta.put("preset", c.preset());
        JsonObject st = new JsonObject();
        st.addProperty("epochs_done", c.state().epochsDone());
        st.addProperty("sample_rng", Long.toString(c.state().sampleRng()));
        st.addProperty("dropout_rng", Long.toString(c.state().dropoutRng()));
        st.addProperty("optimizer_steps", c.optimizer().steps());
        meta.put("state", st.toString());
        JsonArray metrics = new JsonArray();
        c.metrics().forEach(m -> metrics.add(epoch(m)));
        meta.put("metrics", metrics.toString());
        Memory memory = c.model().memory();
        if (memory != null) {
            JsonObject m = new JsonObject();
            m.addProperty("kind", "kneser-ney");
            m.addProperty("order", memory.ngram().order());
            m.addProperty("discount", KneserNey.DISCOUNT);
            m.addProperty("weight", memory.weight());
            meta.put("memory", m.toString());
        }
        return meta;
    }

    /**
     * One epoch's figures, as a checkpoint, {@code --metrics} and the server's model card write them; the bits per
     * character are written for readers, and read back from the perplexities.
     */
    public static JsonObject epoch(Epoch m) {
        JsonObject o = new JsonObject();
        o.addProperty("epoch", m.epoch());
        o.addProperty("perplexity", m.perplexity());
        o.addProperty("bits_per_character", m.bitsPerCharacter());
        if (!Double.isNaN(m.validationPerplexity())) {
            o.addProperty("val_perplexity", m.validationPerplexity());
            o.addProperty("val_bits_per_character", m.validationBitsPerCharacter());
        }
        if (!Double.isNaN(m.networkValidationPerplexity())) { // the above is a mixture's: the network's own beside it
            o.addProperty("val_network_perplexity", m.networkValidationPerplexity());
            o.addProperty("val_network_bits_per_character", m.networkValidationBitsPerCharacter());
        }
        if (!Double.isNaN(m.learningRate())) {
            o.addProperty("lr", m.learningRate());
        }
        o.addProperty("seconds", m.seconds());
        o.addProperty("tokens_per_second", m.tokensPerSecond());
        if (m.charactersPerToken() != 1 || m.validationCharactersPerToken() != 1) { // words or subwords
            o.addProperty("characters_per_token", m.charactersPerToken());
            o.addProperty("val_characters_per_token", m.validationCharactersPerToken());
        }
        return o;
    }

    /** Reads the metadata back; {@code file} names the checkpoint in messages. */
    static Header header(Map<String, String> meta, String file) {
        Reader r = new Reader(file);
        Vocab vocab;
        try {
            vocab = vocab(meta, r);
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": the checkpoint's vocabulary is damaged (" + e.getMessage()
                    + "); train again or use another checkpoint");
        }
        JsonObject m = r.object(meta, "model");
        ModelConfig shape = new ModelConfig(r.constant(CellType.class, m, "model.cell"), r.integer(m, "model.hidden"),
                r.integer(m, "model.layers"), r.number(m, "model.dropout"), r.constant(Init.class, m, "model.init"),
                m.has("variational_dropout") ? r.number(m, "model.variational_dropout") : 0,
                m.has("weight_dropout") ? r.number(m, "model.weight_dropout") : 0,
                m.has("embedding") ? r.integer(m, "model.embedding") : 0, m.has("tie") && r.bool(m, "model.tie"));
        if (r.integer(m, "model.vocab") != vocab.size()) {
            throw new InputException(file + ": the model reads " + r.integer(m, "model.vocab")
                    + " tokens but the vocabulary has " + vocab.size() + ": the file is corrupted");
        }
        JsonObject d = r.object(meta, "data");
        DataConfig data = new DataConfig(r.strings(d, "data.corpus"),
                d.has("member") && !d.get("member").isJsonNull() ? r.strings(d, "data.member") : List.of(),
                r.constant(Preprocessing.class, d, "data.preprocess"), r.integer(d, "data.max_tokens"),
                r.integer(d, "data.min_freq"), r.number(d, "data.val_fraction"),
                d.has("replace_invalid") && r.bool(d, "data.replace_invalid"),
                d.has("tokens") ? new Tokenization(kind(r, d), r.integer(d, "data.vocab_size")) : Tokenization.CHARS);
        JsonObject t = r.object(meta, "training");
        TrainConfig training = new TrainConfig(r.integer(t, "training.batch"), r.integer(t, "training.steps"),
                r.integer(t, "training.epochs"), r.constant(Optimizer.Kind.class, t, "training.optimizer"),
                r.number(t, "training.lr"), r.number(t, "training.clip"),
                r.constant(Sampler.Kind.class, t, "training.sampling"), r.bool(t, "training.random_offset"),
                r.longText(t, "training.seed"), schedule(r, t),
                t.has("weight_decay") ? r.number(t, "training.weight_decay") : 0);
        JsonObject st = r.object(meta, "state");
        Checkpoint.RunState state = new Checkpoint.RunState(r.integer(st, "state.epochs_done"),
                r.longText(st, "state.sample_rng"), r.longText(st, "state.dropout_rng"));
        List<Epoch> metrics = new ArrayList<>();
        JsonElement all = r.parse(meta, "metrics");
        if (!all.isJsonArray()) {
            throw r.damaged("metrics", "a list of epochs");
        }
        for (JsonElement e : all.getAsJsonArray()) {
            if (!e.isJsonObject()) {
                throw r.damaged("metrics", "a list of epochs");
            }
            JsonObject o = e.getAsJsonObject();
            metrics.add(new Epoch(r.integer(o, "metrics.epoch"), r.number(o, "metrics.perplexity"),
                    o.has("val_perplexity") ? r.number(o, "metrics.val_perplexity") : Double.NaN,
                    o.has("lr") ? r.number(o, "metrics.lr") : Double.NaN, r.number(o, "metrics.seconds"),
                    r.number(o, "metrics.tokens_per_second"),
                    o.has("characters_per_token") ? r.number(o, "metrics.characters_per_token") : 1,
                    o.has("val_characters_per_token") ? r.number(o, "metrics.val_characters_per_token") : 1,
                    o.has("val_network_perplexity") ? r.number(o, "metrics.val_network_perplexity") : Double.NaN));
        }
        MemorySpec memory = null;
        if (meta.containsKey("memory")) {
            JsonObject o = r.object(meta, "memory");
            memory = new MemorySpec(r.integer(o, "memory.order"), r.number(o, "memory.weight"));
        }
        return new Header(vocab, shape, data, training, r.field(meta, "preset"), state,
                r.wholeNumber(st, "state.optimizer_steps"), metrics, memory);
    }

    /** A run's learning-rate schedule; files from before schedules kept the rate constant. */
    private static Schedule schedule(Reader r, JsonObject training) {
        if (!training.has("schedule")) {
            return Schedule.CONSTANT;
        }
        JsonObject s = r.object(training, "training.schedule");
        try {
            return new Schedule(r.constant(Schedule.Kind.class, s, "training.schedule.kind"),
                    r.number(s, "training.schedule.rate"), r.integer(s, "training.schedule.every"),
                    r.integer(s, "training.schedule.warmup"));
        } catch (IllegalArgumentException e) {
            throw r.damaged("training.schedule", "a valid schedule (" + e.getMessage() + ")");
        }
    }

    private static JsonObject model(ModelConfig m, int vocab) {
        JsonObject o = new JsonObject();
        o.addProperty("cell", name(m.cell()));
        o.addProperty("vocab", vocab);
        o.addProperty("hidden", m.hidden());
        o.addProperty("layers", m.layers());
        o.addProperty("dropout", m.dropout());
        o.addProperty("init", name(m.init()));
        o.addProperty("variational_dropout", m.variationalDropout());
        o.addProperty("weight_dropout", m.weightDropout());
        if (m.embedding() > 0) {
            o.addProperty("embedding", m.embedding());
            o.addProperty("tie", m.tie());
        }
        return o;
    }

    /** The kind of tokens the data was read as. */
    private static Subwords.Kind kind(Reader r, JsonObject data) {
        try {
            return Subwords.Kind.of(r.string(data, "data.tokens"));
        } catch (IllegalArgumentException e) {
            throw r.damaged("data.tokens", "char, word or bpe");
        }
    }

    /** A character vocabulary's code points, or the texts and merges of words and subwords. */
    private static Vocab vocab(Map<String, String> meta, Reader r) {
        if (!meta.containsKey("tokenizer")) {
            int[] codePoints;
            try {
                codePoints = GSON.fromJson(r.field(meta, "vocab"), int[].class);
            } catch (JsonParseException e) {
                throw r.damaged("vocab", "a list of code points");
            }
            if (codePoints == null) {
                throw r.damaged("vocab", "a list of code points");
            }
            return Vocab.of(codePoints);
        }
        JsonObject t = r.object(meta, "tokenizer");
        String kind = r.string(t, "tokenizer.kind");
        if (!t.has("pre_tokens") || !PreTokens.PATTERN.equals(r.string(t, "tokenizer.pre_tokens"))) {
            throw new InputException(r.file + ": its tokens were cut from the text by another rule than this rnn4j's ("
                    + "tokenizer.pre_tokens); use the rnn4j that wrote it");
        }
        String[] texts;
        int[][] merges;
        try {
            texts = GSON.fromJson(r.field(meta, "vocab"), String[].class);
            merges = GSON.fromJson(t.get("merges"), int[][].class);
        } catch (JsonParseException e) {
            throw r.damaged("vocab", "a list of token texts, with tokenizer.merges a list of [left, right, into]");
        }
        if (texts == null || merges == null || java.util.Arrays.stream(merges).anyMatch(m -> m == null || m.length != 3)) {
            throw r.damaged("vocab", "a list of token texts, with tokenizer.merges a list of [left, right, into]");
        }
        return Vocab.of(Subwords.Kind.of(kind), List.of(texts), merges);
    }

    private static JsonObject data(DataConfig d) {
        JsonObject o = new JsonObject();
        o.add("corpus", oneOrMany(d.corpora()));
        o.add("member", d.members().isEmpty() ? JsonNull.INSTANCE : oneOrMany(d.members()));
        o.addProperty("preprocess", name(d.preprocessing()));
        o.addProperty("max_tokens", d.maxTokens());
        o.addProperty("min_freq", d.minFreq());
        o.addProperty("val_fraction", d.valFraction());
        o.addProperty("replace_invalid", d.replaceInvalid());
        if (d.tokens().kind() != Subwords.Kind.CHAR) {
            o.addProperty("tokens", d.tokens().kind().id());
            o.addProperty("vocab_size", d.tokens().vocabSize());
        }
        return o;
    }

    private static JsonObject training(TrainConfig t) {
        JsonObject o = new JsonObject();
        o.addProperty("batch", t.batch());
        o.addProperty("steps", t.steps());
        o.addProperty("epochs", t.epochs());
        o.addProperty("optimizer", name(t.optimizer()));
        o.addProperty("lr", t.lr());
        o.addProperty("clip", t.clip());
        o.addProperty("sampling", name(t.sampling()));
        o.addProperty("random_offset", t.randomOffset());
        o.addProperty("seed", Long.toString(t.seed()));
        o.addProperty("weight_decay", t.weightDecay());
        JsonObject schedule = new JsonObject();
        schedule.addProperty("kind", name(t.schedule().kind()));
        schedule.addProperty("rate", t.schedule().rate());
        schedule.addProperty("every", t.schedule().every());
        schedule.addProperty("warmup", t.schedule().warmup());
        o.add("schedule", schedule);
        return o;
    }

    /** One source as a string, as files before several sources were written; several as an array. */
    private static JsonElement oneOrMany(List<String> values) {
        if (values.size() == 1) {
            return new JsonPrimitive(values.get(0));
        }
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    /** An enum constant as stored: its name in lower case. */
    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Checked reads of one file's metadata: a field missing or of the wrong kind is named in the error. */
    private record Reader(String file) {
        InputException damaged(String field, String expected) {
            return new InputException(file + ": the checkpoint's metadata is damaged: '" + field + "' is missing or is "
                    + "not " + expected + "; train again or use another checkpoint");
        }

        String field(Map<String, String> meta, String key) {
            String value = meta.get(key);
            if (value == null) {
                throw new InputException(file + ": the checkpoint's metadata has no '" + key + "'; the file is damaged");
            }
            return value;
        }

        JsonElement parse(Map<String, String> meta, String key) {
            try {
                return JsonParser.parseString(field(meta, key));
            } catch (JsonParseException e) {
                throw damaged(key, "JSON");
            }
        }

        JsonObject object(Map<String, String> meta, String key) {
            JsonElement e = parse(meta, key);
            if (!e.isJsonObject()) {
                throw damaged(key, "an object");
            }
            return e.getAsJsonObject();
        }

        JsonObject object(JsonObject o, String path) {
            JsonElement e = o.get(leaf(path));
            if (e == null || !e.isJsonObject()) {
                throw damaged(path, "an object");
            }
            return e.getAsJsonObject();
        }

        private JsonPrimitive primitive(JsonObject o, String path, String expected) {
            JsonElement e = o.get(leaf(path));
            if (e == null || !e.isJsonPrimitive()) {
                throw damaged(path, expected);
            }
            return e.getAsJsonPrimitive();
        }

        String string(JsonObject o, String path) {
            JsonPrimitive p = primitive(o, path, "a string");
            if (!p.isString()) {
                throw damaged(path, "a string");
            }
            return p.getAsString();
        }

        double number(JsonObject o, String path) {
            JsonPrimitive p = primitive(o, path, "a number");
            if (!p.isNumber()) {
                throw damaged(path, "a number");
            }
            return p.getAsDouble();
        }

        int integer(JsonObject o, String path) {
            long value = wholeNumber(o, path);
            if (value != (int) value) {
                throw damaged(path, "a whole number");
            }
            return (int) value;
        }

        long wholeNumber(JsonObject o, String path) {
            JsonPrimitive p = primitive(o, path, "a whole number");
            try {
                return p.getAsBigDecimal().longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw damaged(path, "a whole number");
            }
        }

        /** A 64-bit number stored as text, as JSON numbers lose precision beyond 2^53. */
        long longText(JsonObject o, String path) {
            try {
                return Long.parseLong(primitive(o, path, "a whole number as text").getAsString());
            } catch (NumberFormatException e) {
                throw damaged(path, "a whole number as text");
            }
        }

        boolean bool(JsonObject o, String path) {
            JsonPrimitive p = primitive(o, path, "true or false");
            if (!p.isBoolean()) {
                throw damaged(path, "true or false");
            }
            return p.getAsBoolean();
        }

        <E extends Enum<E>> E constant(Class<E> type, JsonObject o, String path) {
            String value = primitive(o, path, "a name").getAsString();
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw damaged(path, "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(CheckpointJson::name)
                        .toList());
            }
        }

        /** One string, or a list of them. */
        List<String> strings(JsonObject o, String path) {
            JsonElement e = o.get(leaf(path));
            if (e != null && e.isJsonPrimitive()) {
                return List.of(e.getAsString());
            }
            if (e == null || !e.isJsonArray()) {
                throw damaged(path, "a string or a list of them");
            }
            List<String> out = new ArrayList<>();
            for (JsonElement x : e.getAsJsonArray()) {
                if (!x.isJsonPrimitive()) {
                    throw damaged(path, "a string or a list of them");
                }
                out.add(x.getAsString());
            }
            return out;
        }

        private static String leaf(String path) {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }
}
