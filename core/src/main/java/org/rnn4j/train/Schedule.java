package org.rnn4j.train;

import java.util.List;

/**
 * How the learning rate changes from epoch to epoch: epoch e (from 1) trains at {@code lr · factor(e)}.
 * <ul>
 *   <li>{@link Kind#CONSTANT}: 1 (the seeds);</li>
 *   <li>{@link Kind#STEP}: {@code rate^⌊(e − 1) / every⌋}, torch-rnn's ×0.5 every 5 epochs;</li>
 *   <li>{@link Kind#PLATEAU}: ×{@code rate} each time {@code every} epochs in a row bring no better validation
 *       perplexity, PyTorch word_language_model's ÷4; its state is the validation history, so a resumed run
 *       that has the history continues it exactly;</li>
 *   <li>{@link Kind#COSINE}: a linear warm-up, {@code e / warmup} over the first {@code warmup} epochs, then
 *       half a cosine from 1 towards 0, {@code ½ (1 + cos(π k / K))} at the k-th of the K epochs after it.</li>
 * </ul>
 *
 * @param kind   which rule
 * @param rate   the factor of a step or a plateau, in (0, 1)
 * @param every  epochs between steps, or the plateau's patience
 * @param warmup epochs of warm-up of the cosine schedule
 */
public record Schedule(Kind kind, double rate, int every, int warmup) {
    public enum Kind { CONSTANT, STEP, PLATEAU, COSINE }

    public static final Schedule CONSTANT = new Schedule(Kind.CONSTANT, 1, 1, 0);

    public Schedule {
        if (kind != Kind.CONSTANT && kind != Kind.COSINE && !(rate > 0 && rate < 1)) {
            throw new IllegalArgumentException("the decay factor must be in (0, 1), got " + rate);
        }
        if (every < 1) {
            throw new IllegalArgumentException("the decay interval must be a positive whole number, got " + every);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("the warm-up must be at least 0 epochs, got " + warmup);
        }
    }

    public static Schedule step(double rate, int every) {
        return new Schedule(Kind.STEP, rate, every, 0);
    }

    public static Schedule plateau(double rate, int patience) {
        return new Schedule(Kind.PLATEAU, rate, patience, 0);
    }

    public static Schedule cosine(int warmup) {
        return new Schedule(Kind.COSINE, 1, 1, warmup);
    }

    /**
     * The factor of epoch {@code epoch} (from 1) of {@code epochs}; {@code validation} holds the validation
     * perplexities of the epochs before it (NaN where there was none), which only the plateau rule reads.
     */
    public double factor(int epoch, int epochs, List<Double> validation) {
        switch (kind) {
            case STEP:
                return Math.pow(rate, (epoch - 1) / every);
            case PLATEAU: {
                double best = Double.POSITIVE_INFINITY, factor = 1;
                int since = 0;
                for (double v : validation.subList(0, Math.min(validation.size(), epoch - 1))) {
                    if (Double.isNaN(v)) {
                        continue;
                    }
                    if (v < best) {
                        best = v;
                        since = 0;
                    } else if (++since == every) {
                        factor *= rate;
                        since = 0;
                    }
                }
                return factor;
            }
            case COSINE: {
                if (epoch <= warmup) {
                    return epoch / (double) warmup;
                }
                return 0.5 * (1 + Math.cos(Math.PI * (epoch - warmup - 1) / Math.max(1, epochs - warmup)));
            }
            default:
                return 1;
        }
    }
}
