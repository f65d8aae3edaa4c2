package org.rnn4j.train;

import java.util.Locale;
import java.util.function.UnaryOperator;
import org.rnn4j.InputException;

/**
 * Training stopped because a loss or a gradient stopped being a finite number: continuing would
 * only turn the weights into NaN. Thrown before the optimiser touches the weights.
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public final int epoch;
    public final int batch;
    private final String template;

    DivergenceException(int epoch, int batch, int batches, String what, TrainConfig config) {
        this(epoch, batch, String.format(Locale.ROOT, "training diverged in epoch %d, minibatch %d of %d: %s (%s lr %s, "
                        + "clip %s); lower {Training.learningRate} (try %s) or {Training.clip} (try %s)", epoch, batch,
                batches, what, config.optimizer().name().toLowerCase(Locale.ROOT), config.lr(), config.clip(),
                (float) (config.lr() / 10), (float) Math.min(config.clip() / 10, 1.0)));
    }

    private DivergenceException(int epoch, int batch, String template) {
        super(InputException.render(template, UnaryOperator.identity()));
        this.epoch = epoch;
        this.batch = batch;
        this.template = template;
    }

    /** This divergence, its message followed by what became of the run's checkpoint ({@code outcome}). */
    public DivergenceException withOutcome(String outcome) {
        return new DivergenceException(epoch, batch, template + "; " + outcome);
    }

    /** The message with the options named by {@code naming}, as {@link InputException#message} does. */
    public String message(UnaryOperator<String> naming) {
        return InputException.render(template, naming);
    }
}
