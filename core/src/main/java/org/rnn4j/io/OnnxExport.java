package org.rnn4j.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.InputException;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Parameters;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Vocab;
import org.rnn4j.io.onnx.Onnx.AttributeProto;
import org.rnn4j.io.onnx.Onnx.GraphProto;
import org.rnn4j.io.onnx.Onnx.ModelProto;
import org.rnn4j.io.onnx.Onnx.NodeProto;
import org.rnn4j.io.onnx.Onnx.OperatorSetIdProto;
import org.rnn4j.io.onnx.Onnx.StringStringEntryProto;
import org.rnn4j.io.onnx.Onnx.TensorProto;
import org.rnn4j.io.onnx.Onnx.TensorShapeProto;
import org.rnn4j.io.onnx.Onnx.TypeProto;
import org.rnn4j.io.onnx.Onnx.ValueInfoProto;

/**
 * A model as a standard ONNX graph (opset {@value #OPSET}, IR version {@value #IR_VERSION}: what ONNX 1.12 and every
 * ONNX Runtime since 1.13 read), its state an input and an output, so that a runtime can step it a token at a time or
 * read a whole sequence:
 * <pre>
 *   input_ids (T, B) int64 ─ OneHot (V)  or  Gather of the embedding ─▶ (T, B, D)
 *   ─ per layer: one RNN / GRU / LSTM node, its initial state sliced from h0 (and c0) (L, B, H) ─▶ (T, B, H)
 *   ─ MatMul W_hq + Add b_q ─▶ logits (T, B, V);   hn (and cn) (L, B, H): each layer's last state
 * </pre>
 * The id V (one past the vocabulary) means no token, as an empty prefix's first step reads: a one-hot of zeros, or the
 * embedding's row of zeros. The vocabulary, the tokenizer and the preprocessing ride in the model's metadata
 * properties ({@code rnn4j.*}).
 *
 * <p>rnn4j keeps PyTorch's gate order and x·W; ONNX wants W·x with its own order: GRU z, r, h (PyTorch r, z, n), with
 * {@code linear_before_reset=1}, which is PyTorch's (and rnn4j's) candidate, r applied after W_hn·h + b_hn; LSTM
 * i, o, f, c (PyTorch i, f, g, o). The vanilla RNN's one bias is ONNX's input bias, its recurrent bias zero.
 */
public final class OnnxExport {
    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private OnnxExport() {
    }

    /** What a page or program needs besides the weights: how to read a text into ids and the ids back into text. */
    public record Text(Vocab vocab, Preprocessing preprocessing) {
    }

    /** Writes the model to {@code file}, whole or not at all. */
    public static void write(Path file, LanguageModel model, Text text, String description) {
        byte[] bytes = model(model, text, description).toByteArray();
        try {
            AtomicFile.write(file, bytes);
        } catch (IOException e) {
            throw new InputException(file + ": cannot write the ONNX model (" + e.getMessage()
                    + "); give {Export.output} a path in a folder that exists and can be written", e);
        }
    }

    /** The model as ONNX's message. */
    public static ModelProto model(LanguageModel model, Text text, String description) {
        return new Graph(model).model(text, description);
    }

    /** Builds the graph's nodes and initializers. */
    private static final class Graph {
        private final LanguageModel m;
        private final GraphProto.Builder g = GraphProto.newBuilder().setName("rnn4j");
        private final float[] w;

        Graph(LanguageModel model) {
            this.m = model;
            this.w = model.params.data;
        }

        ModelProto model(Text text, String description) {
            CellType cell = m.rnn.cell;
            int V = m.vocab, H = m.hidden, L = m.rnn.layers;
            g.addInput(value("input_ids", TensorProto.DataType.INT64_VALUE, "time", "batch"));
            g.addInput(value("h0", TensorProto.DataType.FLOAT_VALUE, L, "batch", H));
            if (cell == CellType.LSTM) {
                g.addInput(value("c0", TensorProto.DataType.FLOAT_VALUE, L, "batch", H));
            }
            String x;
            if (m.embedding != null) { // a row of zeros after the vocabulary's: the embedding of no token
                int D = m.rnn.inputSize;
                g.addInitializer(floats("E", view(m.embedding), V, D));
                g.addInitializer(floats("no_token_row", new float[D], 1, D));
                node("Concat", List.of("E", "no_token_row"), List.of("E_with_no_token"), intAttr("axis", 0));
                x = node("Gather", List.of("E_with_no_token", "input_ids"), List.of("x0"), intAttr("axis", 0));
            } else { // ids outside [-V, V - 1] give all zeros: V is no token
                g.addInitializer(longs("depth", new long[] {V}));
                g.addInitializer(floats("off_on", new float[] {0, 1}, 2));
                x = node("OneHot", List.of("input_ids", "depth", "off_on"), List.of("x0"), intAttr("axis", -1));
            }
            List<String> lastH = new ArrayList<>(), lastC = new ArrayList<>();
            g.addInitializer(longs("axis0", new long[] {0}));
            g.addInitializer(longs("axis1", new long[] {1}));
            for (int l = 0; l < L; l++) {
                String p = "l" + l + ".";
                int D = l == 0 ? m.rnn.inputSize : H;
                g.addInitializer(longs(p + "from", new long[] {l}));
                g.addInitializer(longs(p + "to", new long[] {l + 1}));
                String h0 = node("Slice", List.of("h0", p + "from", p + "to", "axis0"), List.of(p + "h0"));
                List<String> inputs = new ArrayList<>(List.of(x, p + "W", p + "R", p + "B", "", h0));
                List<String> outputs = new ArrayList<>(List.of(p + "Y", p + "h"));
                if (cell == CellType.LSTM) {
                    inputs.add(node("Slice", List.of("c0", p + "from", p + "to", "axis0"), List.of(p + "c0")));
                    outputs.add(p + "c");
                    lastC.add(p + "c");
                }
                lastH.add(p + "h");
                weights(l, p, D);
                List<AttributeProto> attributes = new ArrayList<>(List.of(intAttr("hidden_size", H)));
                if (cell == CellType.GRU) {
                    attributes.add(intAttr("linear_before_reset", 1));
                }
                String op = switch (cell) {
                    case RNN -> "RNN";
                    case GRU -> "GRU";
                    case LSTM -> "LSTM";
                };
                node(op, inputs, outputs, attributes.toArray(AttributeProto[]::new));
                // Y is (T, directions, B, H): the next layer reads (T, B, H)
                x = node("Squeeze", List.of(p + "Y", "axis1"), List.of(p + "out"));
            }
            if (m.tied()) {
                node("Transpose", List.of("E"), List.of("W_hq"), intsAttr("perm", 1, 0));
            } else {
                g.addInitializer(floats("W_hq", view(m.whq), H, V));
            }
            g.addInitializer(floats("b_q", view(m.bq), V));
            node("MatMul", List.of(x, "W_hq"), List.of("projected"));
            node("Add", List.of("projected", "b_q"), List.of("logits"));
            node("Concat", lastH, List.of("hn"), intAttr("axis", 0));
            g.addOutput(value("logits", TensorProto.DataType.FLOAT_VALUE, "time", "batch", V));
            g.addOutput(value("hn", TensorProto.DataType.FLOAT_VALUE, L, "batch", H));
            if (cell == CellType.LSTM) {
                node("Concat", lastC, List.of("cn"), intAttr("axis", 0));
                g.addOutput(value("cn", TensorProto.DataType.FLOAT_VALUE, L, "batch", H));
            }
            ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("rnn4j")
                    .setDocString(description).setGraph(g)
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
            metadata(text).forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k)
                    .setValue(v)));
            return model.build();
        }

        /**
         * Layer l's W (1, G·H, D), R (1, G·H, H) and B (1, 2·G·H) in ONNX's gate order: rnn4j's x·W transposed, gate
         * block by gate block.
         */
        private void weights(int l, String p, int D) {
            String pre = l == 0 ? "" : "l" + (l + 1) + ".";
            CellType cell = m.rnn.cell;
            int H = m.hidden, G = cell.gates;
            // ONNX's gate k is PyTorch's gate order[k]
            int[] order = switch (cell) {
                case RNN -> new int[] {0};
                case GRU -> new int[] {1, 0, 2};
                case LSTM -> new int[] {0, 3, 1, 2};
            };
            g.addInitializer(floats(p + "W", gates(view(pre + "W_xh"), D, order, H), 1, G * H, D));
            g.addInitializer(floats(p + "R", gates(view(pre + "W_hh"), H, order, H), 1, G * H, H));
            float[] bias = new float[2 * G * H];
            float[] bx = view(pre + "b_h"), bh = cell == CellType.GRU ? view(pre + "b_hh") : new float[G * H];
            for (int k = 0; k < G; k++) {
                System.arraycopy(bx, order[k] * H, bias, k * H, H);
                System.arraycopy(bh, order[k] * H, bias, (G + k) * H, H);
            }
            g.addInitializer(floats(p + "B", bias, 1, 2 * G * H));
        }

        /** x·W's (rows, G·H) as ONNX's (G·H, rows), its gate blocks reordered. */
        private static float[] gates(float[] xw, int rows, int[] order, int H) {
            int GH = order.length * H;
            float[] out = new float[GH * rows];
            for (int k = 0; k < order.length; k++) {
                for (int j = 0; j < H; j++) {
                    int column = order[k] * H + j, row = k * H + j;
                    for (int d = 0; d < rows; d++) {
                        out[row * rows + d] = xw[d * GH + column];
                    }
                }
            }
            return out;
        }

        private float[] view(String name) {
            for (Parameters.View v : m.params.views()) {
                if (v.name().equals(name)) {
                    return view(v);
                }
            }
            throw new IllegalStateException("the model has no tensor " + name);
        }

        private float[] view(Parameters.View v) {
            float[] out = new float[v.size()];
            System.arraycopy(w, v.offset(), out, 0, out.length);
            return out;
        }

        /** Adds a node; returns its first output's name. */
        private String node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(outputs.get(0) + "." + op)
                    .addAllInput(inputs).addAllOutput(outputs);
            for (AttributeProto a : attributes) {
                n.addAttribute(a);
            }
            g.addNode(n);
            return outputs.get(0);
        }

        /** The page's and a program's way in: how text becomes ids, and ids text. */
        private Map<String, String> metadata(Text text) {
            Vocab vocab = text.vocab();
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("rnn4j.format", "rnn4j-onnx 1");
            meta.put("rnn4j.cell", m.rnn.cell.name().toLowerCase(Locale.ROOT));
            meta.put("rnn4j.hidden", String.valueOf(m.hidden));
            meta.put("rnn4j.layers", String.valueOf(m.rnn.layers));
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < vocab.size(); i++) {
                texts.add(i == Vocab.UNK ? Vocab.UNK_TEXT : vocab.text(i));
            }
            meta.put("rnn4j.vocab", GSON.toJson(texts));
            meta.put("rnn4j.unk", String.valueOf(Vocab.UNK));
            meta.put("rnn4j.no_token", String.valueOf(m.vocab));
            meta.put("rnn4j.tokens", vocab.kind().name().toLowerCase(Locale.ROOT));
            meta.put("rnn4j.preprocessing", text.preprocessing().name().toLowerCase(Locale.ROOT));
            if (vocab.kind() != Subwords.Kind.CHAR) {
                meta.put("rnn4j.tokenizer", TokenizerJson.of(vocab));
            }
            return meta;
        }
    }

    private static ValueInfoProto value(String name, int type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof Integer n ? TensorShapeProto.Dimension.newBuilder().setDimValue(n)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(dimsOf(dims)).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static TensorProto longs(String name, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static List<Long> dimsOf(long[] dims) {
        List<Long> out = new ArrayList<>();
        for (long d : dims) {
            out.add(d);
        }
        return out;
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
