package org.rnn4j.generate;

import java.util.List;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;

/**
 * Steps streams together, one row each of a batch: their states in, one forward pass for all (each step one matrix
 * product), a token drawn for each, their states out. Each row of a batched product is computed as the row alone
 * (the kernels' products sum every element the same way whatever the tile), so a stream draws the tokens it would
 * alone, whatever others share its steps. A stepper keeps one workspace per batch size it has seen; it is for one
 * thread at a time.
 * <p>
 * While the same streams step again and again (a generation's common case), their rows stay in the batch's state
 * between steps: they are copied in when the set of streams changes, and back out to each stream's own state then
 * (or at {@link #flush}), not at every step.
 */
public final class Stepper {
    private final LanguageModel model;
    private final LanguageModel.Workspace[] workspaces;
    private final State[] states;
    private final int[][] tokens;
    /** The streams whose rows the batch state of their size holds, newer than their own states; none at first. */
    private List<Stream> resident = List.of();

    /** @param most the most streams one step takes */
    public Stepper(LanguageModel model, int most) {
        this.model = model;
        this.workspaces = new LanguageModel.Workspace[most + 1];
        this.states = new State[most + 1];
        this.tokens = new int[most + 1][];
    }

    /** Draws one token for each stream (none of them done), at most {@code most} of them. */
    public void step(List<Stream> streams) {
        int n = streams.size();
        if (n == 0) {
            return;
        }
        if (workspaces[n] == null) {
            workspaces[n] = model.generationWorkspace(n);
            states[n] = model.newState(n);
            tokens[n] = new int[n];
        }
        LanguageModel.Workspace ws = workspaces[n];
        State batch = states[n];
        int[] in = tokens[n];
        if (!isResident(streams)) {
            flush();
            for (int b = 0; b < n; b++) {
                batch.copyRow(b, streams.get(b).state, 0);
            }
            resident = List.copyOf(streams);
        }
        for (int b = 0; b < n; b++) {
            in[b] = streams.get(b).token;
        }
        model.forward(ws, in, batch, null);
        float[] logits = ws.outputs();
        TokenSampler.drawEach(model, n, b -> {
            streams.get(b).draw(logits, b * model.vocab);
        });
    }

    /** Copies the rows of the streams that stepped last back into their own states. */
    public void flush() {
        State batch = states[resident.size()];
        for (int b = 0; b < resident.size(); b++) {
            resident.get(b).state.copyRow(0, batch, b);
        }
        resident = List.of();
    }

    /** True when {@code streams} are the ones that stepped last, in the same order. */
    private boolean isResident(List<Stream> streams) {
        if (streams.size() != resident.size()) {
            return false;
        }
        for (int b = 0; b < streams.size(); b++) {
            if (streams.get(b) != resident.get(b)) {
                return false;
            }
        }
        return true;
    }
}
