package org.rnn4j.cli;

import org.rnn4j.InputException;
import org.rnn4j.train.Schedule;
import picocli.CommandLine.Option;

/** The learning-rate schedule flags of {@code train}, and the {@link Schedule} they ask for. */
final class ScheduleOptions {
    @Option(names = "--lr-decay", paramLabel = "F",
            description = "Step decay: multiply the learning rate by F, in (0, 1), every --lr-decay-every epochs.")
    Double lrDecay;

    @Option(names = "--lr-decay-every", paramLabel = "N", description = "Epochs between two steps of --lr-decay (default: 1).")
    Integer lrDecayEvery;

    @Option(names = "--lr-plateau", paramLabel = "F",
            description = "Multiply the learning rate by F, in (0, 1), after --lr-patience epochs without a better "
                    + "validation perplexity (needs --val-fraction).")
    Double lrPlateau;

    @Option(names = "--lr-patience", paramLabel = "N", description = "Epochs without improvement before --lr-plateau acts (default: 1).")
    Integer lrPatience;

    @Option(names = "--lr-cosine", description = "Cosine decay of the learning rate over the run, after --warmup epochs.")
    boolean lrCosine;

    @Option(names = "--warmup", paramLabel = "N", description = "With --lr-cosine, epochs of linear warm-up (default: 0).")
    Integer warmup;

    /** True when a schedule flag is given. */
    boolean given() {
        return lrDecay != null || lrDecayEvery != null || lrPlateau != null || lrPatience != null || lrCosine
                || warmup != null;
    }

    /** The learning-rate schedule the flags ask for: one kind at most. */
    Schedule schedule(double valFraction) {
        int kinds = (lrDecay != null ? 1 : 0) + (lrPlateau != null ? 1 : 0) + (lrCosine ? 1 : 0);
        if (kinds > 1) {
            throw new InputException("--lr-decay, --lr-plateau and --lr-cosine are schedules of their own; give one");
        }
        if (lrDecayEvery != null && lrDecay == null || lrPatience != null && lrPlateau == null
                || warmup != null && !lrCosine) {
            throw new InputException(lrDecayEvery != null && lrDecay == null ? "--lr-decay-every needs --lr-decay F"
                    : lrPatience != null && lrPlateau == null ? "--lr-patience needs --lr-plateau F"
                    : "--warmup needs --lr-cosine");
        }
        if (lrDecay != null) {
            return Schedule.step(Flags.open("--lr-decay", lrDecay), Flags.positive("--lr-decay-every",
                    lrDecayEvery != null ? lrDecayEvery : 1));
        }
        if (lrPlateau != null) {
            if (valFraction == 0) {
                throw new InputException("--lr-plateau watches the validation perplexity: give --val-fraction F too");
            }
            return Schedule.plateau(Flags.open("--lr-plateau", lrPlateau), Flags.positive("--lr-patience",
                    lrPatience != null ? lrPatience : 1));
        }
        if (lrCosine) {
            return Schedule.cosine(Flags.atLeast("--warmup", warmup != null ? warmup : 0, 0));
        }
        return Schedule.CONSTANT;
    }
}
