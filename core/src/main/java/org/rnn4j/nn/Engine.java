package org.rnn4j.nn;

import java.util.ServiceLoader;
import org.rnn4j.InputException;
import org.rnn4j.data.Batch;
import org.rnn4j.tensor.Rng;

/**
 * Where a model's tensor work runs: rnn4j's own kernels ({@link #OWN}), or an engine in a module of its own (libtorch
 * through DJL), found by {@link ServiceLoader} as a {@link Provider}. The model's parameters stay rnn4j's
 * {@code float[]}: an engine computes one minibatch's loss and gradient, and the samplers, clipping, optimisers,
 * schedules and checkpoints are the same whatever the engine.
 */
public interface Engine {
    /** The name {@link #named} takes. */
    String name();

    /** Where it computes, as {@code bench} prints it ("vector-256 × 2 threads", "libtorch 2.7.1 on cpu"). */
    String describe();

    /** A worker for (batch, steps) minibatches of this model; close it when done. */
    Step steps(LanguageModel model, int batch, int steps);

    /** One model's minibatches on an engine. */
    interface Step extends AutoCloseable {
        /**
         * Forward from {@code state} (which then holds the state after the last step), the mean cross-entropy and its
         * gradient, written into {@code model.params.grad}; returns the summed loss. {@code dropoutRng} draws the
         * masks (null: no dropout).
         */
        double trainStep(Batch batch, State state, Rng dropoutRng);

        /** The forward pass and the summed loss alone, from {@code state} (updated), no dropout. */
        double loss(Batch batch, State state);

        /** The forward pass alone: the logits (T·B, V), time-major, of {@code batch.x} from {@code state} (updated). */
        float[] logits(Batch batch, State state);

        @Override
        void close();
    }

    /** An engine's maker, listed in {@code META-INF/services/org.rnn4j.nn.Engine$Provider} of its module. */
    interface Provider {
        String name();

        /** The engine on {@code device} ("cpu" or "gpu"). */
        Engine create(String device);
    }

    /** rnn4j's own kernels: the model's, whatever it was built with. */
    Engine OWN = new Engine() {
        @Override
        public String name() {
            return "rnn4j";
        }

        @Override
        public String describe() {
            return "rnn4j kernels";
        }

        @Override
        public Step steps(LanguageModel model, int batch, int steps) {
            LanguageModel.Workspace ws = model.workspace(batch, steps);
            return new Step() {
                @Override
                public double trainStep(Batch b, State state, Rng dropoutRng) {
                    return model.trainStep(ws, b, state, dropoutRng);
                }

                @Override
                public double loss(Batch b, State state) {
                    model.forward(ws, b.x, state, null);
                    return model.loss(ws, b.y);
                }

                @Override
                public float[] logits(Batch b, State state) {
                    model.forward(ws, b.x, state, null);
                    return ws.outputs().clone();
                }

                @Override
                public void close() {
                }
            };
        }
    };

    /**
     * The engine named {@code name} on {@code device}: {@code rnn4j} (the CPU only), or one whose module is on the
     * class path.
     *
     * @throws InputException naming what to build when the engine is not there
     */
    static Engine named(String name, String device) {
        if (name.equals(OWN.name())) {
            if (!device.equals("cpu")) {
                throw new InputException("{Engine.device} " + device + ": rnn4j's own kernels run on the CPU; "
                        + "{Training.engine} libtorch runs on a GPU");
            }
            return OWN;
        }
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.name().equals(name)) {
                return p.create(device);
            }
        }
        if (name.equals("libtorch")) {
            throw new InputException("{Training.engine} libtorch: this build has no libtorch engine; build it with "
                    + "'mvn -Plibtorch package -DskipTests' (see the README's \"libtorch\" section), then run again");
        }
        throw new InputException("{Training.engine} " + name + ": no such engine; the engines are rnn4j and libtorch");
    }
}
