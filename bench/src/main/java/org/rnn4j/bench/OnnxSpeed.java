package org.rnn4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.LanguageModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A model's greedy generation, one stream on one thread, by rnn4j and by ONNX Runtime from its ONNX export, in
 * alternating rounds in one JVM, with the sizes of the checkpoint and of the ONNX file: {@code java --add-modules
 * jdk.incubator.vector -cp bench/target/benchmarks.jar org.rnn4j.bench.OnnxSpeed english}.
 */
@Command(name = "OnnxSpeed", mixinStandardHelpOptions = true,
        description = "Greedy generation by rnn4j and by ONNX Runtime from the model's ONNX export, rounds alternating.")
public final class OnnxSpeed implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A checkpoint, or a built-in model: 'english'.")
    private String model;
    @Option(names = "--length", paramLabel = "N", description = "Characters per round (default: 2,000).")
    private int length = 2000;
    @Option(names = "--rounds", paramLabel = "N", description = "Rounds of each (default: 5), after one unmeasured.")
    private int rounds = 5;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OnnxSpeed()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TextModel m = TextModel.open(model, System.err::println);
        Path dir = Files.createTempDirectory("rnn4j-onnx");
        Path onnx = dir.resolve("model.onnx"), weights = dir.resolve("model.safetensors");
        m.exportOnnx(onnx);
        m.saveWeights(weights);
        System.out.printf(Locale.ROOT, "%s: %s %d x %d, %d tokens; f16 checkpoint %,d bytes, ONNX (float32) %,d bytes%n",
                model, m.shape().cell(), m.shape().layers(), m.shape().hidden(), m.vocabulary().size(),
                Files.size(weights), Files.size(onnx));
        if (!model.endsWith(".safetensors")) {
            System.out.println("(the built-in model is stored in 16 bits; a float32 checkpoint is twice the f16 size, "
                    + "with Adam's state four times)");
        } else {
            System.out.printf(Locale.ROOT, "the checkpoint given: %,d bytes%n", Files.size(Path.of(model)));
        }
        String prefix = "The ";
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        try (OrtSession session = env.createSession(onnx.toString(), options)) {
            String mine = "", theirs = "";
            for (int r = 0; r <= rounds; r++) {
                long t0 = System.nanoTime();
                mine = m.generate(prefix, Sampling.greedy().length(length));
                long t1 = System.nanoTime();
                theirs = ort(env, session, m, prefix, length);
                long t2 = System.nanoTime();
                if (r > 0) {
                    System.out.printf(Locale.ROOT, "round %d: rnn4j %,.0f characters/s, ONNX Runtime %,.0f characters/s"
                            + " (%.2fx)%n", r, length / ((t1 - t0) / 1e9), length / ((t2 - t1) / 1e9),
                            (double) (t2 - t1) / (t1 - t0));
                }
            }
            System.out.println(mine.equals(theirs) ? "the same greedy text" : "the texts differ:\n" + mine + "\n" + theirs);
        }
        Files.delete(onnx);
        Files.delete(weights);
        Files.delete(dir);
        return 0;
    }

    /** Greedy text from the ONNX graph: the prefix read in one run, then one run per token, the state carried. */
    private static String ort(OrtEnvironment env, OrtSession session, TextModel m, String prefix, int length)
            throws Exception {
        LanguageModel net = m.network();
        int L = net.rnn.layers, H = net.hidden, V = net.vocab;
        boolean lstm = net.rnn.cell == CellType.LSTM;
        float[] h = new float[L * H], c = new float[L * H];
        int[] read = m.vocabulary().encode(prefix);
        long[] ids = new long[read.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = read[i];
        }
        StringBuilder text = new StringBuilder(prefix);
        for (int n = 0; n < length; n++) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {ids.length, 1}));
            in.put("h0", OnnxTensor.createTensor(env, FloatBuffer.wrap(h), new long[] {L, 1, H}));
            if (lstm) {
                in.put("c0", OnnxTensor.createTensor(env, FloatBuffer.wrap(c), new long[] {L, 1, H}));
            }
            int best = 0;
            try (OrtSession.Result out = session.run(in)) {
                ((OnnxTensor) out.get("hn").orElseThrow()).getFloatBuffer().get(h);
                if (lstm) {
                    ((OnnxTensor) out.get("cn").orElseThrow()).getFloatBuffer().get(c);
                }
                FloatBuffer logits = ((OnnxTensor) out.get("logits").orElseThrow()).getFloatBuffer();
                int last = (ids.length - 1) * V;
                for (int v = 1; v < V; v++) {
                    if (logits.get(last + v) > logits.get(last + best)) {
                        best = v;
                    }
                }
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
            text.append(m.vocabulary().text(best));
            ids = new long[] {best};
        }
        return text.toString();
    }
}
