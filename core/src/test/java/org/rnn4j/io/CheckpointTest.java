package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.InputException;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.NgramReader;
import org.rnn4j.nn.Parameters;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Schedule;
import org.rnn4j.train.TrainConfig;

class CheckpointTest {
    @TempDir
    Path dir;

    private final Vocab vocab = Vocab.of("abcé想 ".codePoints().toArray());
    private final ModelConfig shape = new ModelConfig(CellType.LSTM, 3, 2, 0.1, Init.UNIFORM, 0.3, 0.2);
    private final TrainConfig training = new TrainConfig(2, 4, 9, Optimizer.Kind.ADAM, 0.01, 1, Sampler.Kind.RANDOM,
            true, -5L, Schedule.CONSTANT, 0.25);
    private final DataConfig data = new DataConfig(List.of("lyrics.zip"), List.of("a.txt"), Preprocessing.SPACES, 0, 1, 0.1, true);

    /** Epochs with and without validation and a learning rate, and one of a mixture with a memory. */
    private static final List<Epoch> HISTORY = List.of(new Epoch(1, 20.5, 21.25, 0.01, 0.5, 1000),
            new Epoch(2, 10, Double.NaN, Double.NaN, 0.25, 2000), new Epoch(3, 9, 0, 0.01, 0.25, 2000).validated(8, 9.5));

    private Path save(LanguageModel model, Optimizer.State optimizer) {
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, new Checkpoint.Contents(model, shape, vocab, data, training, "jaychou",
                new Checkpoint.RunState(7, Long.MIN_VALUE + 3, 42), optimizer,
                HISTORY));
        return file;
    }

    private LanguageModel model() {
        return shape.build(vocab.size(), new Rng(3), Kernels.reference());
    }

    /** Adam's state after 11 steps, with moments that differ from element to element. */
    private static Optimizer.State adam(LanguageModel model) {
        float[] m = new float[model.params.size()], v = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = i * 0.5f;
            v[i] = i * 0.25f;
        }
        return new Optimizer.State(11, Map.of("m", m, "v", v));
    }

    @Test
    void everythingComesBack() {
        LanguageModel model = model();
        Optimizer.State adam = adam(model);
        Checkpoint.Contents back = Checkpoint.load(save(model, adam), Kernels.reference());
        assertArrayEquals(model.params.data, back.model().params.data);
        assertArrayEquals(vocab.tokens(), back.vocab().tokens());
        assertEquals(shape, back.shape());
        assertEquals(data, back.data());
        assertEquals(training, back.training());
        assertEquals("jaychou", back.preset());
        assertEquals(new Checkpoint.RunState(7, Long.MIN_VALUE + 3, 42), back.state());
        assertEquals(HISTORY, back.metrics());
        Adam fresh = new Adam(0.01, 0.9, 0.999, 1e-8, model.params.size(), Kernels.reference());
        fresh.restore(back.optimizer());
        assertArrayEquals(adam.tensors().get("m"), fresh.state().tensors().get("m"));
        assertArrayEquals(adam.tensors().get("v"), fresh.state().tensors().get("v"));
        assertEquals(11, fresh.state().steps());
    }

    /**
     * The safetensors part read by a reader written here from the format's definition alone
     * (8-byte little-endian header size, JSON header, little-endian F32 data): names, shapes, values.
     */
    @Test
    void anIndependentReaderSeesTheTensors() throws IOException {
        LanguageModel model = model();
        Path file = save(model, adam(model));
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        JsonObject header;
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            byte[] size = data.readNBytes(8);
            long n = ByteBuffer.wrap(size).order(ByteOrder.LITTLE_ENDIAN).getLong();
            header = JsonParser.parseString(new String(data.readNBytes((int) n), StandardCharsets.UTF_8)).getAsJsonObject();
            byte[] rest = data.readAllBytes();
            for (String name : header.keySet()) {
                if (name.equals("__metadata__")) {
                    continue;
                }
                JsonObject t = header.getAsJsonObject(name);
                assertEquals("F32", t.get("dtype").getAsString());
                int begin = t.getAsJsonArray("data_offsets").get(0).getAsInt();
                int end = t.getAsJsonArray("data_offsets").get(1).getAsInt();
                float[] values = new float[(end - begin) / 4];
                ByteBuffer.wrap(rest, begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                tensors.put(name, values);
                shapes.put(name, t.getAsJsonArray("shape").asList().stream().map(e -> e.getAsInt()).toList());
            }
        }
        int V = vocab.size();
        assertEquals(List.of("W_xh", "W_hh", "b_h", "l2.W_xh", "l2.W_hh", "l2.b_h", "W_hq", "b_q", "optimizer.m",
                "optimizer.v"), List.copyOf(tensors.keySet()));
        assertEquals(List.of(V, 12), shapes.get("W_xh"));
        assertEquals(List.of(3, 12), shapes.get("W_hh"));
        assertEquals(List.of(12), shapes.get("b_h"));
        assertEquals(List.of(3, V), shapes.get("W_hq"));
        assertEquals(List.of(V), shapes.get("b_q"));
        for (Parameters.View v : model.params.views()) {
            float[] expected = java.util.Arrays.copyOfRange(model.params.data, v.offset(), v.offset() + v.size());
            assertArrayEquals(expected, tensors.get(v.name()), v.name());
        }
        JsonObject meta = header.getAsJsonObject("__metadata__");
        assertEquals("rnn4j-checkpoint", meta.get("format").getAsString());
        assertEquals("1", meta.get("format_version").getAsString());
        assertEquals("lstm", JsonParser.parseString(meta.get("model").getAsString()).getAsJsonObject().get("cell").getAsString());
        JsonObject d = JsonParser.parseString(meta.get("data").getAsString()).getAsJsonObject();
        assertEquals("lyrics.zip", d.get("corpus").getAsString(), "one source is a string, as before there were several");
        assertEquals("a.txt", d.get("member").getAsString());
    }

    /**
     * The weights alone in 16 bits: the header says F16, the file holds 2 bytes a weight and no optimiser state, and
     * every weight reads back as its nearest half, the rest of the checkpoint as it was; saved again in full it stays so.
     */
    @Test
    void weightsAloneIn16BitsComeBackAsTheirNearestHalves() throws IOException {
        LanguageModel model = model();
        Path full = save(model, adam(model)), half = dir.resolve("h.safetensors");
        Checkpoint.Contents c = Checkpoint.load(full, Kernels.reference());
        Checkpoint.saveWeights(half, c);
        byte[] bytes = Files.readAllBytes(half);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(List.of("__metadata__", "W_xh", "W_hh", "b_h", "l2.W_xh", "l2.W_hh", "l2.b_h", "W_hq", "b_q"),
                List.copyOf(header.keySet()));
        header.keySet().stream().filter(k -> !k.equals("__metadata__"))
                .forEach(k -> assertEquals("F16", header.getAsJsonObject(k).get("dtype").getAsString(), k));
        assertEquals(8 + n + 2L * model.params.size(), bytes.length);
        Checkpoint.Contents back = Checkpoint.load(half, Kernels.reference());
        float[] expected = model.params.data.clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Half.toFloat(Half.fromFloat(expected[i]));
        }
        assertArrayEquals(expected, back.model().params.data);
        assertTrue(back.optimizer().tensors().isEmpty(), "no optimiser state");
        assertArrayEquals(c.vocab().tokens(), back.vocab().tokens());
        assertEquals(c.metrics(), back.metrics());
        assertEquals(c.training(), back.training());
        Path again = dir.resolve("again.safetensors");
        Checkpoint.save(again, back);
        assertArrayEquals(expected, Checkpoint.load(again, Kernels.reference()).model().params.data);
        assertTrue(Checkpoint.load(again, Kernels.reference()).optimizer().tensors().isEmpty());
    }

    /**
     * A memory comes back: its text a {@code U16} tensor (whole in the 16-bit file too), its order and weight in the
     * metadata, the count model built again the same; a damaged one is a clear error.
     */
    @Test
    void aMemoryComesBack() throws IOException {
        int[] text = {1, 2, 3, 1, 2, 4, 5, 6, 1, 2, 3, 6, 6, 5};
        Memory memory = new Memory(new KneserNey(text, 3, vocab.size()), 0.625);
        LanguageModel model = model().withMemory(memory);
        Path file = save(model, adam(model)), half = dir.resolve("h.safetensors");
        Checkpoint.saveWeights(half, Checkpoint.load(file, Kernels.reference()));
        for (Path f : List.of(file, half)) {
            Memory back = Checkpoint.load(f, Kernels.reference()).model().memory();
            assertArrayEquals(text, back.ngram().text(), f.toString());
            assertEquals(3, back.ngram().order());
            assertEquals(0.625, back.weight());
            int[] history = {6, 1, 2};
            for (int t = 0; t < vocab.size(); t++) {
                assertEquals(new NgramReader(memory.ngram()).probability(history, 3, t),
                        new NgramReader(back.ngram()).probability(history, 3, t));
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        JsonObject entry = JsonParser.parseString(header).getAsJsonObject().getAsJsonObject("memory.text");
        assertEquals("U16", entry.get("dtype").getAsString());
        assertEquals(2L * text.length, entry.getAsJsonArray("data_offsets").get(1).getAsLong()
                - entry.getAsJsonArray("data_offsets").get(0).getAsLong(), "2 bytes a token");
        Path damaged = dir.resolve("damaged");
        String changed = header.replace("\\\"order\\\":3", "\\\"order\\\":0");
        assertTrue(!changed.equals(header), header);
        byte[] d = bytes.clone();
        System.arraycopy(changed.getBytes(StandardCharsets.UTF_8), 0, d, 8, (int) n);
        Files.write(damaged, d);
        assertMessage(damaged, "the checkpoint's memory is damaged");
        assertEquals(null, Checkpoint.load(save(model(), adam(model())), Kernels.reference()).model().memory(),
                "none saved, none read");
    }

    /** Whole numbers come back as they went: as U16 where they all fit, as I32 where one does not. */
    @Test
    void wholeNumbersTakeTwoBytesWhereTheyFit() {
        Map<String, int[]> integers = new LinkedHashMap<>();
        integers.put("small", new int[] {0, 7, 65_535});
        integers.put("large", new int[] {1, 65_536, 3});
        Map<String, int[]> shapes = Map.of("small", new int[] {3}, "large", new int[] {3});
        Safetensors.Contents c = Safetensors.decode(Safetensors.encode(Map.of(), shapes, Map.of(), false, integers),
                "t");
        assertArrayEquals(integers.get("small"), c.integers("small", "a test"));
        assertArrayEquals(integers.get("large"), c.integers("large", "a test"));
        assertEquals(2, c.tensors().get("small").width());
        assertEquals(4, c.tensors().get("large").width());
    }

    /** Several sources and members come back in their order. */
    @Test
    void severalSourcesComeBack() {
        DataConfig several = new DataConfig(List.of("b.txt", "texts", "-", "a.zip"), List.of("y.txt", "x.txt"),
                Preprocessing.RAW, 0, 1, 0.05, false);
        Path file = dir.resolve("several.safetensors");
        LanguageModel model = model();
        Checkpoint.save(file, new Checkpoint.Contents(model, shape, vocab, several, training, "text",
                new Checkpoint.RunState(1, 2, 3), adam(model), List.of()));
        assertEquals(several, Checkpoint.load(file, Kernels.reference()).data());
    }

    @Test
    void damagedFilesAreClearErrors() throws IOException {
        LanguageModel model = model();
        Path good = save(model, adam(model));
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertMessage(truncated, "the file is truncated");

        Path headerCut = dir.resolve("header-cut");
        Files.write(headerCut, java.util.Arrays.copyOf(bytes, 50));
        assertMessage(headerCut, "the file is truncated");

        Path text = dir.resolve("text.txt");
        Files.writeString(text, "time traveller, not a model");
        assertMessage(text, "not a checkpoint");

        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        assertMessage(empty, "too short for a checkpoint");

        Path garbled = dir.resolve("garbled");
        byte[] g = bytes.clone();
        g[8] = (byte) '#'; // the opening brace of the header
        Files.write(garbled, g);
        assertMessage(garbled, "not a checkpoint (its header is not JSON)");

        Path renamed = dir.resolve("renamed");
        byte[] r = bytes.clone();
        r[12] = '#'; // inside "__metadata__": the header is JSON, the metadata entry is not one any more
        Files.write(renamed, r);
        assertMessage(renamed, "the checkpoint's header is damaged");

        Path version = dir.resolve("version");
        Files.write(version, new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("\"format_version\":\"1\"", "\"format_version\":\"9\"").getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(version, "checkpoint format version 9; this rnn4j reads version 1");

        Path other = dir.resolve("other-model");
        Files.write(other, new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("\\\"hidden\\\":3", "\\\"hidden\\\":4").getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(other, "written by a different model");

        Path field = dir.resolve("missing-field");
        Files.write(field, new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("\\\"epochs_done\\\"", "\\\"epochs_gone\\\"").getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(field, "the checkpoint's metadata is damaged: 'state.epochs_done' is missing or is not a whole "
                + "number; train again or use another checkpoint");
        Path kind = dir.resolve("wrong-kind");
        Files.write(kind, new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("\\\"cell\\\":\\\"lstm\\\"", "\\\"cell\\\":\\\"lxtm\\\"").getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(kind, "'model.cell' is missing or is not one of [rnn, gru, lstm]");
        Path noLayers = dir.resolve("no-layers"); // a size the model cannot have: named, not an exception of its own
        Files.write(noLayers, new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("\\\"layers\\\":2", "\\\"layers\\\":0").getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(noLayers, "the checkpoint's model is damaged (sizes must be positive: input");

        assertMessage(dir.resolve("missing"), "no such model file");

        // at the boundaries: a header that fills the file exactly, an empty one, and 8 bytes with no header
        Path bare = dir.resolve("bare");
        Files.write(bare, container("{}"));
        assertMessage(bare, "a safetensors file, but not an rnn4j checkpoint");
        Path eight = dir.resolve("eight");
        Files.write(eight, new byte[8]);
        assertMessage(eight, "not a checkpoint (no safetensors header: its first 8 bytes give a header length of 0)");
        Path cut = dir.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(container("{}  "), 11));
        assertMessage(cut, "the header says 4 bytes but the file has 3 after the length: the file is truncated");
        Path lenient = dir.resolve("lenient");
        Files.write(lenient, container("{a:1}"));
        assertMessage(lenient, "not a checkpoint (its header is not JSON)");
    }

    /**
     * A file from before checksums, schedules and weight decay (the same file without its data_crc32c,
     * training.schedule and training.weight_decay) loads whole, with a constant learning rate, no decay and a note.
     */
    @Test
    void aFileWithoutAChecksumLoadsWithANote() throws IOException {
        LanguageModel model = model();
        byte[] bytes = Files.readAllBytes(save(model, adam(model)));
        int n = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, n, StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject meta = header.getAsJsonObject("__metadata__");
        assertTrue(meta.remove("data_crc32c") != null);
        JsonObject trainingJson = JsonParser.parseString(meta.get("training").getAsString()).getAsJsonObject();
        assertTrue(trainingJson.remove("schedule") != null, "and from before schedules");
        assertTrue(trainingJson.remove("weight_decay") != null, "and from before weight decay");
        meta.addProperty("training", trainingJson.toString());
        JsonObject modelJson = JsonParser.parseString(meta.get("model").getAsString()).getAsJsonObject();
        assertTrue(modelJson.remove("variational_dropout") != null, "and from before variational dropout");
        assertTrue(modelJson.remove("weight_dropout") != null, "and from before weight dropout");
        meta.addProperty("model", modelJson.toString());
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer old = ByteBuffer.allocate(8 + json.length + bytes.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        old.putLong(json.length).put(json).put(bytes, 8 + n, bytes.length - 8 - n);
        Path file = dir.resolve("old.safetensors");
        Files.write(file, old.array());
        List<String> notes = new java.util.ArrayList<>();
        Checkpoint.Contents back = Checkpoint.load(file, Kernels.reference(), notes::add);
        assertArrayEquals(model.params.data, back.model().params.data);
        assertEquals(new TrainConfig(2, 4, 9, Optimizer.Kind.ADAM, 0.01, 1, Sampler.Kind.RANDOM, true, -5L),
                back.training(), "a constant learning rate, no weight decay");
        assertEquals(new ModelConfig(CellType.LSTM, 3, 2, 0.1, Init.UNIFORM), back.shape(), "no variational or weight dropout");
        assertEquals(List.of(file + " has no checksum of its tensor data (an older rnn4j wrote it), so damage to the "
                + "weights cannot be told; it gets one when it is saved again"), notes);
        assertEquals(List.of(), noteOf(save(model, adam(model))), "a new file loads without a note");
    }

    private static List<String> noteOf(Path file) {
        List<String> notes = new java.util.ArrayList<>();
        Checkpoint.load(file, Kernels.reference(), notes::add);
        return notes;
    }

    /** A safetensors container of this header and no data. */
    private static byte[] container(String header) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).array();
    }

    private static void assertMessage(Path file, String expected) {
        InputException e = assertThrows(InputException.class, () -> Checkpoint.load(file, Kernels.reference()));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
    }
}
