package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Sampler;
import org.rnn4j.generate.Greedy;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.RecurrentLayer;
import org.rnn4j.nn.State;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/** The Java example of the README, line for line but for the number of epochs: it must keep compiling and running. */
class ReadmeExampleTest {
    @Test
    void theReadmeExampleRuns() {
        int epochs = 2;
        List<Epoch> reports = new ArrayList<>();

        Encoded text = Encoded.build(new Encoded.Source("timemachine", null, Preprocessing.LETTERS, 10_000, false), 1);
        Vocab vocab = text.vocab();
        Kernels kernels = Kernels.best();

        // rnn_layer = nn.LSTM(len(vocab), 256); model = RNNModel(rnn_layer, len(vocab))
        RecurrentLayer lstm = new RecurrentLayer(CellType.LSTM, vocab.size(), 256);
        LanguageModel model = new LanguageModel(lstm, vocab.size(), Init.UNIFORM, new Rng(0), kernels);

        TrainConfig config = new TrainConfig(32, 35, epochs, Optimizer.Kind.ADAM, 1e-3, 0.01,
                Sampler.Kind.CONSECUTIVE, false, 0);
        new Trainer(model, text.ids(), config, new Rng(1), new Rng(2), kernels).run(reports::add);
        String continuation = Greedy.continuation(model, vocab, "time traveller", 50);

        // by hand: X (B, T) in, outputs (T·B, V) out, the state (h, c) carried and reset
        LanguageModel.Workspace ws = model.workspace(2, 5);
        State state = model.newState(2);
        model.forward(ws, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, state, null);
        float[] outputs = ws.outputs();
        state.reset();

        assertEquals(epochs, reports.size());
        assertTrue(continuation.startsWith("time traveller") && continuation.length() == 64);
        assertEquals(5 * 2 * vocab.size(), outputs.length);
        assertEquals(0f, state.c(0)[0]);
    }
}
