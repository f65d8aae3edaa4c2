package org.rnn4j.generate;

import org.rnn4j.nn.LanguageModel;
import org.rnn4j.tensor.Rng;
import org.rnn4j.tensor.WorkerTeam;

/**
 * Picks the next token from one row of logits by a {@link Decoding}; reuses its scratch arrays.
 * Never {@code <unk>} (index 0) when there is another token: it stands for characters the model
 * does not know, so it has no text to print.
 */
public final class TokenSampler {
    private final Decoding decoding;
    private final Rng rng;
    private final double[] p;
    /** Every token but {@code <unk>}, in index order: boxed once here, so that a draw allocates nothing. */
    private final Integer[] tokens;
    /**
     * {@link #tokens} sorted by probability for top-k and top-p, from the order the last draw left (the sort's order
     * is total, ties broken by index, so the result does not depend on it).
     */
    private final Integer[] order;

    /**
     * Logits (streams × vocabulary) from which several streams draw on the model's threads rather than one after
     * another on the caller's (at V 1,028 sixteen streams' draws, a softmax of 1,028 in double each, took most of a
     * generation step); fewer are not worth handing out.
     */
    private static final int PARALLEL_LOGITS = 256;

    /**
     * Runs {@code draw} for each of {@code streams} streams stepping together in {@code model}: on the model's threads
     * when they have many logits between them, else one after another. Each stream must draw with a sampler of its
     * own, so that its tokens do not depend on the thread that draws them.
     */
    public static void drawEach(LanguageModel model, int streams, WorkerTeam.Job draw) {
        if (streams > 1 && (long) streams * model.vocab >= PARALLEL_LOGITS) {
            model.parallel(streams, draw);
        } else {
            for (int b = 0; b < streams; b++) {
                draw.run(b);
            }
        }
    }

    public TokenSampler(Decoding decoding, Rng rng, int vocab) {
        this.decoding = decoding;
        this.rng = rng;
        p = new double[vocab];
        tokens = new Integer[Math.max(1, vocab - 1)];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i + 1;
        }
        order = tokens.clone();
    }

    /** The index of the chosen token among {@code logits[off … off + V)}. */
    public int next(float[] logits, int off) {
        final int V = p.length;
        if (V == 1) {
            return 0;
        }
        if (decoding.greedy()) {
            int best = 1;
            for (int i = 2; i < V; i++) {
                if (logits[off + i] > logits[off + best]) {
                    best = i;
                }
            }
            return best;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 1; i < V; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 1; i < V; i++) {
            p[i] = Math.exp((logits[off + i] - max) / decoding.temperature());
            sum += p[i];
        }
        int kept = V - 1;
        Integer[] candidates = tokens;
        if (decoding.topK() > 0 || decoding.topP() < 1) {
            candidates = order;
            // most likely first; ties by index, so the draw depends only on the seed
            java.util.Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
            if (decoding.topK() > 0) {
                kept = Math.min(kept, decoding.topK());
            }
            if (decoding.topP() < 1) {
                double cumulative = 0;
                for (int i = 0; i < kept; i++) {
                    cumulative += p[order[i]] / sum;
                    if (cumulative >= decoding.topP()) {
                        kept = i + 1;
                        break;
                    }
                }
            }
            sum = 0;
            for (int i = 0; i < kept; i++) {
                sum += p[order[i]];
            }
        }
        double u = rng.nextDouble() * sum;
        for (int i = 0; i < kept - 1; i++) {
            u -= p[candidates[i]];
            if (u < 0) {
                return candidates[i];
            }
        }
        return candidates[kept - 1];
    }
}
