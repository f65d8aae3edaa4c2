package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;

/**
 * The exported ONNX file run by ONNX Runtime, not by rnn4j: over 1,000 tokens of text, read in windows with the state
 * carried from one to the next, the same logits as rnn4j's (to 1e-5 of their size) for every cell, one and two layers,
 * and an embedding tied to the output layer; and greedy generation gives the same text.
 */
class OnnxExportTest {
    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();
    private static final String TEXT = text();

    @TempDir
    Path dir;

    private static String text() {
        StringBuilder b = new StringBuilder();
        Corpus.read(Corpus.BUILT_IN, null, Preprocessing.RAW, 30_000, false, b::appendCodePoint);
        return b.toString();
    }

    /**
     * Each case's own settings (a {@link Training} is changed by its setters, so one each); without a memory, which
     * the graph does not hold, so that rnn4j generates what the graph does.
     */
    private static Training base(CellType cell, int layers) {
        return Training.defaults().hidden(24).batch(16).steps(25).epochs(1).preprocessing(Preprocessing.RAW).seed(3)
                .cell(cell).layers(layers).memory(0);
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("rnn, 1 layer", base(CellType.RNN, 1)),
                Arguments.of("rnn, 2 layers", base(CellType.RNN, 2)),
                Arguments.of("gru, 1 layer", base(CellType.GRU, 1)),
                Arguments.of("gru, 2 layers", base(CellType.GRU, 2)),
                Arguments.of("lstm, 1 layer", base(CellType.LSTM, 1)),
                Arguments.of("lstm, 2 layers", base(CellType.LSTM, 2)),
                Arguments.of("lstm of bpe tokens, tied embedding", base(CellType.LSTM, 2).tokens(Subwords.Kind.BPE)
                        .vocabSize(200).embedding(24).tie(true)),
                Arguments.of("gru of word tokens, embedding", base(CellType.GRU, 1).tokens(Subwords.Kind.WORD)
                        .vocabSize(300).embedding(12)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimeGivesRnn4jsLogitsAndText(String name, Training training) throws Exception {
        TextModel model = TextModel.train(TEXT.substring(0, 20_000), training);
        Path file = dir.resolve("m.onnx");
        model.exportOnnx(file);
        LanguageModel net = model.network();
        int[] ids = model.vocabulary().encode(TEXT.substring(20_000));
        assertTrue(ids.length >= 1000, ids.length + " tokens");
        try (OrtSession session = ORT.createSession(file.toString(), new OrtSession.SessionOptions())) {
            Runner ort = new Runner(session, net);
            LanguageModel.Workspace ws = net.generationWorkspace(1);
            State state = net.newState(1);
            double worst = 0;
            for (int from = 0; from < 1000; from += 100) { // ten windows, the state carried
                long[] window = new long[100];
                for (int t = 0; t < 100; t++) {
                    window[t] = ids[from + t];
                }
                float[] theirs = ort.run(window);
                for (int t = 0; t < 100; t++) {
                    net.forward(ws, new int[] {ids[from + t]}, state, null);
                    float[] mine = ws.outputs();
                    for (int v = 0; v < net.vocab; v++) {
                        float o = theirs[t * net.vocab + v];
                        worst = Math.max(worst, Math.abs(o - mine[v]) / (1 + Math.abs(mine[v])));
                    }
                }
            }
            assertTrue(worst < 1e-5, name + ": logits differ by " + worst + " of their size");
            // greedy generation after a prefix: rnn4j's text, and ONNX Runtime's step by step from a fresh state
            String prefix = "The Time Traveller ";
            String expected = model.generate(prefix, Sampling.greedy().length(60));
            if (model.vocabulary().kind() == Subwords.Kind.CHAR) {
                Runner fresh = new Runner(session, net);
                int[] read = model.vocabulary().encode(prefix);
                long[] all = new long[read.length];
                for (int i = 0; i < read.length; i++) {
                    all[i] = read[i];
                }
                float[] logits = fresh.run(all);
                StringBuilder text = new StringBuilder(prefix);
                int last = read.length - 1;
                for (int n = 0; n < 60; n++) {
                    int best = argmax(logits, last * net.vocab, net.vocab);
                    text.append(model.vocabulary().text(best));
                    logits = fresh.run(new long[] {best});
                    last = 0;
                }
                assertEquals(expected, text.toString(), name);
            }
        }
    }

    /** An empty prefix: its first step reads no token, id V, which the graph reads as zeros, as rnn4j does. */
    @Test
    void noTokenIsTheEmptyPrefixsFirstInput() throws Exception {
        for (Training t : new Training[] {Training.defaults().hidden(16).layers(1).epochs(1).batch(8).steps(20),
            Training.defaults().hidden(16).layers(1).epochs(1).batch(8).steps(20).embedding(8)}) {
            TextModel model = TextModel.train(TEXT.substring(0, 5_000), t.preprocessing(Preprocessing.RAW).seed(2));
            Path file = dir.resolve("empty.onnx");
            model.exportOnnx(file);
            LanguageModel net = model.network();
            LanguageModel.Workspace ws = net.generationWorkspace(1);
            net.forward(ws, new int[] {LanguageModel.NO_INPUT}, net.newState(1), null);
            try (OrtSession session = ORT.createSession(file.toString(), new OrtSession.SessionOptions())) {
                float[] theirs = new Runner(session, net).run(new long[] {net.vocab});
                for (int v = 0; v < net.vocab; v++) {
                    assertEquals(ws.outputs()[v], theirs[v], 1e-5 * (1 + Math.abs(ws.outputs()[v])));
                }
            }
        }
    }

    /** A model's metadata: what a program needs to read a text into ids and back. */
    @Test
    void theVocabularyAndTokenizerAreInTheMetadata() throws Exception {
        TextModel model = TextModel.train(TEXT.substring(0, 5_000), Training.defaults().hidden(16).layers(1).epochs(1)
                .batch(8).steps(20).preprocessing(Preprocessing.RAW).tokens(Subwords.Kind.BPE).vocabSize(120).seed(2));
        Path file = dir.resolve("meta.onnx");
        model.exportOnnx(file);
        try (OrtSession session = ORT.createSession(file.toString(), new OrtSession.SessionOptions())) {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertEquals("bpe", meta.get("rnn4j.tokens"));
            assertEquals("raw", meta.get("rnn4j.preprocessing"));
            assertEquals(String.valueOf(model.vocabulary().size()), meta.get("rnn4j.no_token"));
            assertEquals(TokenizerJson.of(model.vocabulary()), meta.get("rnn4j.tokenizer"));
            com.google.gson.JsonArray vocab = com.google.gson.JsonParser.parseString(meta.get("rnn4j.vocab"))
                    .getAsJsonArray();
            assertEquals(model.vocabulary().size(), vocab.size());
            assertEquals(model.vocabulary().text(7), vocab.get(7).getAsString());
            assertEquals("rnn4j", session.getMetadata().getProducerName());
        }
        assertTrue(Files.size(file) > 0);
    }

    private static int argmax(float[] a, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[from + i] > a[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** Runs the graph on one sequence, carrying its state from call to call; returns the logits (T, V). */
    static final class Runner {
        private final OrtSession session;
        private final int layers, hidden;
        private final boolean lstm;
        private float[] h, c;

        Runner(OrtSession session, LanguageModel net) {
            this.session = session;
            this.layers = net.rnn.layers;
            this.hidden = net.hidden;
            this.lstm = net.rnn.cell == CellType.LSTM;
            this.h = new float[layers * hidden];
            this.c = new float[layers * hidden];
        }

        float[] run(long[] ids) throws Exception {
            Map<String, OnnxTensor> in = new HashMap<>();
            long[] stateShape = {layers, 1, hidden};
            in.put("input_ids", OnnxTensor.createTensor(ORT, LongBuffer.wrap(ids), new long[] {ids.length, 1}));
            in.put("h0", OnnxTensor.createTensor(ORT, FloatBuffer.wrap(h), stateShape));
            if (lstm) {
                in.put("c0", OnnxTensor.createTensor(ORT, FloatBuffer.wrap(c), stateShape));
            }
            try (OrtSession.Result out = session.run(in)) {
                h = copy((OnnxTensor) out.get("hn").orElseThrow());
                if (lstm) {
                    c = copy((OnnxTensor) out.get("cn").orElseThrow());
                }
                return copy((OnnxTensor) out.get("logits").orElseThrow());
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }

        private static float[] copy(OnnxTensor t) {
            FloatBuffer b = t.getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
