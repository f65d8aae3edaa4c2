package org.rnn4j.libtorch;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.recurrent.RNN;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.rnn4j.InputException;
import org.rnn4j.data.Batch;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Parameters;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Rng;

/**
 * rnn4j's models on libtorch through DJL: each minibatch runs libtorch's own fused recurrent op ({@code torch.rnn_tanh},
 * {@code gru}, {@code lstm}) on rnn4j's tensors, which have the same equations and gate order as PyTorch's (RNN; GRU
 * r, z, n with its second bias on the recurrent side; LSTM i, f, g, o), then the output layer and the mean
 * cross-entropy, and autograd's gradient is
 * copied into the model's {@code params.grad}. The weights stay rnn4j's: they are uploaded for each minibatch, so
 * rnn4j's clipping and optimisers update them as with its own kernels.
 */
public final class LibTorch implements Engine {
    private final ai.djl.engine.Engine engine;
    private final Device device;

    LibTorch(String device) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // the natives come from the jar; never a download
        }
        // DJL looks for CUDA on every start and warns twice where there is none: a CPU user needs no such news
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        try {
            engine = ai.djl.engine.Engine.getEngine("PyTorch");
        } catch (EngineException | UnsatisfiedLinkError | IllegalArgumentException e) {
            throw new InputException("--engine libtorch: libtorch did not start (" + e.getMessage() + "); build with "
                    + "'mvn -Plibtorch package -DskipTests', whose jar carries the CPU natives", e);
        }
        if (device.equals("gpu")) {
            if (engine.getGpuCount() == 0) {
                throw new InputException("--device gpu: libtorch sees no GPU here; with an NVIDIA GPU build with "
                        + "'mvn -Plibtorch,cuda package -DskipTests' (the README's libtorch section)");
            }
            this.device = Device.gpu();
        } else {
            this.device = Device.cpu();
        }
    }

    @Override
    public String name() {
        return "libtorch";
    }

    @Override
    public String describe() {
        return "libtorch " + engine.getVersion() + " on " + (device.isGpu() ? "gpu " + device.getDeviceId() : "cpu");
    }

    @Override
    public Step steps(LanguageModel model, int batch, int steps) {
        if (model.embedding != null) { // the uploaded graph reads one-hot tokens into W_xh
            throw new InputException("{Training.embedding} with {Training.engine} libtorch: an embedding runs on "
                    + "rnn4j's kernels only so far; train without one or the other");
        }
        return new Steps(model, batch, steps);
    }

    private final class Steps implements Step {
        private final LanguageModel model;
        private final int batch, steps;
        private final NDManager root = NDManager.newBaseManager(device, "PyTorch");
        private final int[] inputs, labels;

        Steps(LanguageModel model, int batch, int steps) {
            this.model = model;
            this.batch = batch;
            this.steps = steps;
            this.inputs = new int[batch * steps];
            this.labels = new int[batch * steps];
        }

        @Override
        public double trainStep(Batch b, State state, Rng dropoutRng) {
            if (dropoutRng != null && model.rnn.dropout > 0 && model.rnn.layers > 1) {
                throw new InputException("--dropout with --engine libtorch: dropout between layers runs on rnn4j's "
                        + "kernels only so far; train with --dropout 0 or without --engine libtorch");
            }
            if (dropoutRng != null && model.rnn.variational > 0) {
                throw new InputException("{Training.variationalDropout} with {Training.engine} libtorch: variational "
                        + "dropout runs on rnn4j's kernels only so far; train without one or the other");
            }
            if (dropoutRng != null && model.rnn.weightDrop > 0) {
                throw new InputException("{Training.weightDropout} with {Training.engine} libtorch: weight dropout "
                        + "runs on rnn4j's kernels only so far; train without one or the other");
            }
            try (NDManager m = root.newSubManager()) {
                Map<String, NDArray> w;
                double loss;
                try (GradientCollector gc = engine.newGradientCollector()) { // autograd records inside it only
                    w = upload(m, true);
                    NDArray l = forwardLoss(m, w, b, state, DataType.FLOAT32);
                    loss = -l.toType(DataType.FLOAT64, false).getDouble() * batch * steps;
                    gc.backward(l.neg());
                }
                float[] grad = model.params.grad;
                for (Parameters.View v : model.params.views()) {
                    float[] g = w.get(v.name()).getGradient().toFloatArray();
                    System.arraycopy(g, 0, grad, v.offset(), v.size());
                }
                return loss;
            }
        }

        @Override
        public double loss(Batch b, State state) {
            try (NDManager m = root.newSubManager()) {
                return -forwardLoss(m, upload(m, false), b, state, DataType.FLOAT64).getDouble() * batch * steps;
            }
        }

        @Override
        public float[] logits(Batch b, State state) {
            try (NDManager m = root.newSubManager()) {
                return forward(m, upload(m, false), b, state).toFloatArray();
            }
        }

        /** The model's tensors on the device, by name. */
        private Map<String, NDArray> upload(NDManager m, boolean gradients) {
            Map<String, NDArray> w = new HashMap<>();
            float[] data = model.params.data;
            for (Parameters.View v : model.params.views()) {
                NDArray a = m.create(FloatBuffer.wrap(data, v.offset(), v.size()), new Shape(v.rows(), v.cols()));
                if (gradients) {
                    a.setRequiresGradient(true);
                }
                w.put(v.name(), a);
            }
            return w;
        }

        /**
         * The mean log-likelihood of the labels, in float32 or float64 (evaluation: DJL's conversion to float64 cuts
         * autograd's graph, so training takes its loss in float32 as PyTorch would).
         */
        private NDArray forwardLoss(NDManager m, Map<String, NDArray> w, Batch b, State state, DataType type) {
            NDArray logits = forward(m, w, b, state);
            if (type != DataType.FLOAT32) {
                logits = logits.toType(type, false);
            }
            NDArray picked = logits.logSoftmax(1).mul(m.create(labels, new Shape(labels.length))
                    .oneHot(model.vocab, type));
            return picked.sum().div(labels.length);
        }

        /** The logits (T·B, V), time-major; the labels made time-major too; the state carried and written back. */
        private NDArray forward(NDManager m, Map<String, NDArray> w, Batch b, State state) {
            final int B = batch, T = steps, H = model.hidden, L = model.rnn.layers, V = model.vocab;
            for (int t = 0; t < T; t++) { // time-major, as rnn4j stacks its outputs
                for (int r = 0; r < B; r++) {
                    inputs[t * B + r] = b.x[r * T + t];
                    labels[t * B + r] = b.y[r * T + t];
                }
            }
            CellType cell = model.rnn.cell;
            // libtorch's own fused recurrent ops, with rnn4j's tensors laid out as PyTorch's flat weights:
            // per layer W_ihᵀ, W_hhᵀ, b_ih, b_hh (rnn4j's GRU has its b_hh; the RNN and LSTM add none)
            NDList params = new NDList();
            for (int l = 0; l < L; l++) {
                String pre = l == 0 ? "" : "l" + (l + 1) + ".";
                params.add(w.get(pre + "W_xh").transpose());
                params.add(w.get(pre + "W_hh").transpose());
                params.add(w.get(pre + "b_h").reshape(-1));
                params.add(cell == CellType.GRU ? w.get(pre + "b_hh").reshape(-1) : m.zeros(new Shape(cell.gates * H)));
            }
            // one-hot inputs, as the seeds' concise model feeds them (a row of W_xh, exactly)
            NDArray x = m.create(inputs, new Shape(T, B)).oneHot(V);
            NDArray h0 = stacked(m, state, false, L, B, H);
            NDList out = switch (cell) {
                case RNN -> x.getNDArrayInternal().rnn(x, h0, params, true, L, RNN.Activation.TANH, 0, true, false,
                        false);
                case GRU -> x.getNDArrayInternal().gru(x, h0, params, true, L, 0, true, false, false);
                case LSTM -> x.getNDArrayInternal().lstm(x, new NDList(h0, stacked(m, state, true, L, B, H)), params,
                        true, L, 0, true, false, false);
            };
            float[] hy = out.get(1).toFloatArray();
            for (int l = 0; l < L; l++) {
                System.arraycopy(hy, l * B * H, state.h(l), 0, B * H);
            }
            if (cell == CellType.LSTM) {
                float[] cy = out.get(2).toFloatArray();
                for (int l = 0; l < L; l++) {
                    System.arraycopy(cy, l * B * H, state.c(l), 0, B * H);
                }
            }
            return out.get(0).reshape(T * B, H).matMul(w.get("W_hq")).add(w.get("b_q").reshape(-1));
        }

        /** The state's h (or c) of every layer as one (L, B, H) array. */
        private NDArray stacked(NDManager m, State state, boolean cells, int layers, int batchSize, int hidden) {
            float[] all = new float[layers * batchSize * hidden];
            for (int l = 0; l < layers; l++) {
                System.arraycopy(cells ? state.c(l) : state.h(l), 0, all, l * batchSize * hidden, batchSize * hidden);
            }
            return m.create(all, new Shape(layers, batchSize, hidden));
        }

        @Override
        public void close() {
            root.close();
        }
    }
}
