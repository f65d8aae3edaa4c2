package org.rnn4j.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.rnn4j.InputException;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.Parameters;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Schedule;
import org.rnn4j.train.TrainConfig;

/**
 * One self-describing file per model, in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format: an 8-byte little-endian header length, a JSON header, then the tensors as little-endian
 * float32. Tensors: every parameter under its name ({@code W_xh (V, G·H)}, {@code W_hh (H, G·H)},
 * {@code b_h (G·H)}, {@code b_hh (G·H)} for the GRU, {@code l2.W_xh} … for higher layers, {@code
 * W_hq (H, V)}, {@code b_q (V)}), and with Adam its moments {@code optimizer.m} and {@code
 * optimizer.v} (flat, in parameter order). The header's {@code __metadata__} (strings, as the
 * format requires; JSON inside) holds {@code format}, {@code format_version}, {@code vocab} (the
 * code points of indices 1…V−1), {@code model}, {@code data}, {@code training}, {@code preset} (whose
 * printing settings a resumed run keeps), {@code state}
 * (epochs done, generator states, optimiser steps) and {@code metrics} (one entry per epoch).
 */
public final class Checkpoint {
    public static final String FORMAT = "rnn4j-checkpoint";
    public static final int VERSION = 1;
    private static final Gson GSON = new Gson();

    /** One epoch's figures. {@code valPerplexity} is NaN without a validation split. */
    public record Metrics(int epoch, double perplexity, double valPerplexity, double seconds, double tokensPerSecond) {
        /** As stored in a checkpoint and in a {@code --metrics} JSON-lines file; no validation field without one. */
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("epoch", epoch);
            o.addProperty("perplexity", perplexity);
            if (!Double.isNaN(valPerplexity)) {
                o.addProperty("val_perplexity", valPerplexity);
            }
            o.addProperty("seconds", seconds);
            o.addProperty("tokens_per_second", tokensPerSecond);
            return o;
        }
    }

    /** Where a run stands after {@code epochsDone} epochs. */
    public record RunState(int epochsDone, long sampleRng, long dropoutRng, long optimizerSteps) {
    }

    /** A checkpoint read back: the model with its weights, and everything needed to continue or use it. */
    public record Loaded(LanguageModel model, Vocab vocab, ModelConfig modelConfig, DataConfig data,
                         TrainConfig training, String preset, RunState state, float[] adamM, float[] adamV, List<Metrics> metrics) {
        /** Puts the saved optimiser state into a fresh optimiser of the same kind. */
        public void restore(Optimizer optimizer) {
            if (optimizer instanceof Adam adam && adamM != null) {
                System.arraycopy(adamM, 0, adam.m, 0, adamM.length);
                System.arraycopy(adamV, 0, adam.v, 0, adamV.length);
                adam.restore(state.optimizerSteps());
            }
        }
    }

    private Checkpoint() {
    }

    /**
     * Writes the checkpoint to a temporary file beside {@code file}, forces it to disk, then renames
     * it over {@code file}: a crash at any point leaves the previous checkpoint whole.
     */
    public static void save(Path file, LanguageModel model, ModelConfig modelConfig, Vocab vocab, DataConfig data,
                            TrainConfig training, String preset, RunState state, Optimizer optimizer,
                            List<Metrics> metrics) {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Parameters p = model.params;
        for (Parameters.View v : p.views()) {
            float[] values = new float[v.size()];
            System.arraycopy(p.data, v.offset(), values, 0, v.size());
            tensors.put(v.name(), values);
            shapes.put(v.name(), shape(v));
        }
        if (optimizer instanceof Adam adam) {
            tensors.put("optimizer.m", adam.m);
            shapes.put("optimizer.m", new int[] {adam.m.length});
            tensors.put("optimizer.v", adam.v);
            shapes.put("optimizer.v", new int[] {adam.v.length});
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(VERSION));
        meta.put("vocab", GSON.toJson(vocab.tokens()));
        meta.put("model", modelJson(modelConfig, vocab.size()).toString());
        meta.put("data", dataJson(data).toString());
        meta.put("training", trainingJson(training).toString());
        meta.put("preset", preset);
        JsonObject st = new JsonObject();
        st.addProperty("epochs_done", state.epochsDone());
        st.addProperty("sample_rng", Long.toString(state.sampleRng()));
        st.addProperty("dropout_rng", Long.toString(state.dropoutRng()));
        st.addProperty("optimizer_steps", state.optimizerSteps());
        meta.put("state", st.toString());
        meta.put("metrics", metricsJson(metrics).toString());
        writeAtomically(file, Safetensors.encode(tensors, shapes, meta));
    }

    /** Reads a checkpoint; any defect is an {@link InputException} naming the file and what is wrong. */
    public static Loaded load(Path file, Kernels kernels) {
        return load(file, kernels, note -> { });
    }

    /**
     * Reads a checkpoint, as {@link #load(Path, Kernels)}, and hands what a user should know but that does not stop
     * the load (a file from before checksums) to {@code notes}.
     */
    public static Loaded load(Path file, Kernels kernels, Consumer<String> notes) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such model file; give the path written by 'rnn4j train --out'");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read the model file (" + e.getMessage() + ")");
        }
        Safetensors.Contents c = Safetensors.decode(bytes, file.toString());
        if (!c.checksummed()) {
            notes.accept(file + " has no checksum of its tensor data (an older rnn4j wrote it), so damage to the "
                    + "weights cannot be told; it gets one when it is saved again");
        }
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new InputException(file + ": a safetensors file, but not an rnn4j checkpoint (no format '"
                    + FORMAT + "' in its metadata)");
        }
        if (!Integer.toString(VERSION).equals(meta.get("format_version"))) {
            throw new InputException(file + ": checkpoint format version " + meta.get("format_version")
                    + "; this rnn4j reads version " + VERSION + " — use the rnn4j that wrote it, or train again");
        }
        try {
            Vocab vocab = Vocab.of(GSON.fromJson(field(meta, "vocab", file), int[].class));
            JsonObject m = object(meta, "model", file);
            ModelConfig modelConfig = new ModelConfig(
                    constant(CellType.class, m, "cell"),
                    m.get("hidden").getAsInt(), m.get("layers").getAsInt(), m.get("dropout").getAsDouble(),
                    constant(Init.class, m, "init"));
            if (m.get("vocab").getAsInt() != vocab.size()) {
                throw new InputException(file + ": the model reads " + m.get("vocab").getAsInt()
                        + " tokens but the vocabulary has " + vocab.size() + ": the file is corrupted");
            }
            DataConfig data = data(object(meta, "data", file));
            TrainConfig training = training(object(meta, "training", file));
            JsonObject st = object(meta, "state", file);
            RunState state = new RunState(st.get("epochs_done").getAsInt(), Long.parseLong(st.get("sample_rng").getAsString()),
                    Long.parseLong(st.get("dropout_rng").getAsString()), st.get("optimizer_steps").getAsLong());
            List<Metrics> metrics = new ArrayList<>();
            for (JsonElement e : JsonParser.parseString(field(meta, "metrics", file)).getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                metrics.add(new Metrics(o.get("epoch").getAsInt(), o.get("perplexity").getAsDouble(),
                        o.has("val_perplexity") ? o.get("val_perplexity").getAsDouble() : Double.NaN,
                        o.get("seconds").getAsDouble(), o.get("tokens_per_second").getAsDouble()));
            }
            // the sizes in the metadata must match the tensors before they size any allocation
            int width = modelConfig.cell().gates * modelConfig.hidden();
            c.entry("W_hh", new int[] {modelConfig.hidden(), width}, "the model");
            c.entry("W_xh", new int[] {vocab.size(), width}, "the model");
            LanguageModel model = modelConfig.build(vocab.size(), new Rng(0), kernels);
            for (Parameters.View v : model.params.views()) {
                float[] values = c.tensor(v.name(), shape(v),
                        "the model");
                System.arraycopy(values, 0, model.params.data, v.offset(), v.size());
            }
            float[] adamM = null, adamV = null;
            if (training.optimizer() == Optimizer.Kind.ADAM) {
                adamM = c.tensor("optimizer.m", new int[] {model.params.size()}, "Adam's state");
                adamV = c.tensor("optimizer.v", new int[] {model.params.size()}, "Adam's state");
            }
            return new Loaded(model, vocab, modelConfig, data, training, field(meta, "preset", file), state, adamM, adamV,
                    metrics);
        } catch (NullPointerException | UnsupportedOperationException | IllegalStateException | ArithmeticException e) {
            throw new InputException(file + ": the checkpoint's metadata is damaged (a field is missing or holds the "
                    + "wrong kind of value); train again or use another checkpoint");
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new InputException(file + ": the checkpoint's metadata is damaged (" + e.getMessage()
                    + "); train again or use another checkpoint");
        }
    }

    private static String field(Map<String, String> meta, String key, Path file) {
        String value = meta.get(key);
        if (value == null) {
            throw new InputException(file + ": the checkpoint's metadata has no '" + key + "'; the file is damaged");
        }
        return value;
    }

    private static JsonObject object(Map<String, String> meta, String key, Path file) {
        return JsonParser.parseString(field(meta, key, file)).getAsJsonObject();
    }

    /** A tensor's stored shape: a bias (one row) is one-dimensional, as in PyTorch. */
    private static int[] shape(Parameters.View v) {
        return v.rows() == 1 ? new int[] {v.cols()} : new int[] {v.rows(), v.cols()};
    }

    /** An enum constant as stored: its name in lower case. */
    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E constant(Class<E> type, JsonObject o, String key) {
        return Enum.valueOf(type, o.get(key).getAsString().toUpperCase(Locale.ROOT));
    }

    private static JsonObject modelJson(ModelConfig m, int vocab) {
        JsonObject o = new JsonObject();
        o.addProperty("cell", name(m.cell()));
        o.addProperty("vocab", vocab);
        o.addProperty("hidden", m.hidden());
        o.addProperty("layers", m.layers());
        o.addProperty("dropout", m.dropout());
        o.addProperty("init", name(m.init()));
        return o;
    }

    private static JsonObject dataJson(DataConfig d) {
        JsonObject o = new JsonObject();
        o.add("corpus", oneOrMany(d.corpora()));
        o.add("member", d.members().isEmpty() ? JsonNull.INSTANCE : oneOrMany(d.members()));
        o.addProperty("preprocess", name(d.preprocessing()));
        o.addProperty("max_tokens", d.maxTokens());
        o.addProperty("min_freq", d.minFreq());
        o.addProperty("val_fraction", d.valFraction());
        o.addProperty("replace_invalid", d.replaceInvalid());
        return o;
    }

    private static DataConfig data(JsonObject o) {
        return new DataConfig(strings(o.get("corpus")),
                o.has("member") && !o.get("member").isJsonNull() ? strings(o.get("member")) : List.of(),
                constant(Preprocessing.class, o, "preprocess"),
                o.get("max_tokens").getAsInt(), o.get("min_freq").getAsInt(), o.get("val_fraction").getAsDouble(),
                o.has("replace_invalid") && o.get("replace_invalid").getAsBoolean());
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

    private static List<String> strings(JsonElement e) {
        if (e.isJsonArray()) {
            List<String> out = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
            return out;
        }
        return List.of(e.getAsString());
    }

    private static JsonObject trainingJson(TrainConfig t) {
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
        JsonObject schedule = new JsonObject();
        schedule.addProperty("kind", name(t.schedule().kind()));
        schedule.addProperty("rate", t.schedule().rate());
        schedule.addProperty("every", t.schedule().every());
        schedule.addProperty("warmup", t.schedule().warmup());
        o.add("schedule", schedule);
        return o;
    }

    private static TrainConfig training(JsonObject o) {
        return new TrainConfig(o.get("batch").getAsInt(), o.get("steps").getAsInt(), o.get("epochs").getAsInt(),
                constant(Optimizer.Kind.class, o, "optimizer"),
                o.get("lr").getAsDouble(), o.get("clip").getAsDouble(),
                constant(Sampler.Kind.class, o, "sampling"),
                o.get("random_offset").getAsBoolean(), Long.parseLong(o.get("seed").getAsString()), schedule(o));
    }

    /** A run's learning-rate schedule; files from before schedules kept the rate constant. */
    private static Schedule schedule(JsonObject training) {
        if (!training.has("schedule")) {
            return Schedule.CONSTANT;
        }
        JsonObject s = training.getAsJsonObject("schedule");
        return new Schedule(constant(Schedule.Kind.class, s, "kind"), s.get("rate").getAsDouble(), s.get("every").getAsInt(),
                s.get("warmup").getAsInt());
    }

    private static JsonArray metricsJson(List<Metrics> metrics) {
        JsonArray a = new JsonArray();
        for (Metrics m : metrics) {
            a.add(m.toJson());
        }
        return a;
    }

    private static void writeAtomically(Path target, byte[] bytes) {
        try {
            AtomicFile.write(target, bytes);
        } catch (IOException e) {
            throw new InputException(target + ": cannot write the checkpoint (" + e.getMessage()
                    + "); check that the folder is writable and has room — the previous checkpoint is intact", e);
        }
    }
}
