package org.rnn4j;

import java.nio.file.Path;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Epoch;

/**
 * What a training run tells as it goes, on the training thread: its start (once the text is read and the model
 * built), each epoch, what a user should know but that does not stop it, and its end. Only {@link #epoch} must be
 * written; the command line's progress, reports, metrics file and plot are one such listener.
 */
@FunctionalInterface
public interface TrainingListener {
    /**
     * What a run is about to do.
     *
     * @param settings           every setting as the run takes it: a resumed run's from its checkpoint, the epochs
     *                           set by the text's size when they were not given
     * @param corpus             the text's name for messages ({@code timemachine}, a file, "3 documents", …)
     * @param trainingTokens     the tokens trained on, after the held-out part
     * @param validationTokens   the tokens held out, 0 without a validation share
     * @param vocabulary         the tokens the model reads and writes
     * @param inherited          how many of them come from {@link Training#startFrom}'s model (0 without one); the
     *                           text's new ones follow
     * @param epochsDone         the epochs a resumed run has done, 0 for a new one
     * @param engine             where the passes run ("vector-512 × 2 threads", "libtorch 2.7.1 on cpu")
     * @param opening            the text's first words (a prefix that reads like it), up to 24 characters
     * @param unigramPerplexity  the held-out text's perplexity under the training text's token frequencies alone, a
     *                           baseline any model should beat (NaN without a validation share)
     * @param charactersPerToken the held-out text's characters per predicted token (1 for characters, 1 without a
     *                           validation share): perplexities per token ÷ this, in bits, are bits per character
     * @param model              the model as it starts (a resumed run's history with it); its weights change with
     *                           each epoch
     */
    record Start(Training settings, String corpus, long trainingTokens, long validationTokens, Vocab vocabulary,
                 int inherited, int epochsDone, String engine, String opening, double unigramPerplexity,
                 double charactersPerToken, TextModel model) {
    }

    /**
     * How a run ended.
     *
     * @param epochsDone           the epochs done, counting a resumed run's earlier ones
     * @param stoppedEarly         true when {@link Training#earlyStop} ended it
     * @param bestEpoch            the epoch of the best validation perplexity (a resumed run's earlier epochs among
     *                             them); 0 without a validation share
     * @param bestValidationPerplexity the best epoch's, NaN without a validation share
     * @param bestFile             the checkpoint that holds the best epoch's model, null when none does
     */
    record End(int epochsDone, boolean stoppedEarly, int bestEpoch, double bestValidationPerplexity, Path bestFile) {
    }

    default void started(Start start) {
    }

    /**
     * After each epoch: its figures, and the model as it stands (its weights change with the next epoch; generate
     * from it here, keep it no longer).
     */
    void epoch(Epoch epoch, TextModel model);

    /** A checkpoint was written after {@code epoch} ({@code best}: the best epoch's, beside the run's). */
    default void saved(Path file, int epoch, boolean best) {
    }

    /** Something to know that does not stop the run (a checkpoint from before checksums). */
    default void note(String note) {
    }

    default void ended(End end) {
    }
}
