package org.rnn4j.train;

import java.util.Locale;

/**
 * Training stopped because a loss or a gradient stopped being a finite number: continuing would
 * only turn the weights into NaN. Thrown before the optimiser touches the weights.
 */
public final class DivergenceException extends RuntimeException {
    public final int epoch;
    public final int batch;

    DivergenceException(int epoch, int batch, int batches, String what, TrainConfig config) {
        super(String.format(Locale.ROOT, "training diverged in epoch %d, minibatch %d of %d: %s (%s lr %s, clip %s); "
                        + "lower --lr (try %s) or --clip (try %s)", epoch, batch, batches, what,
                config.optimizer().name().toLowerCase(Locale.ROOT), config.lr(), config.clip(), (float) (config.lr() / 10),
                (float) Math.min(config.clip() / 10, 1.0)));
        this.epoch = epoch;
        this.batch = batch;
    }
}
