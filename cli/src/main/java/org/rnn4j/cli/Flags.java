package org.rnn4j.cli;

import java.util.Map;
import org.rnn4j.InputException;

/**
 * The flags of the library's options, so that a message of the library names what a command-line user typed; and the
 * range checks of the flags that only the command line has (what it prints, where it writes).
 */
final class Flags {
    /** Each option of the library's messages, as its flag. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("Training.cell", "--cell"), Map.entry("Training.hidden", "--hidden"),
            Map.entry("Training.layers", "--layers"), Map.entry("Training.dropout", "--dropout"),
            Map.entry("Training.variationalDropout", "--variational-dropout"),
            Map.entry("Training.weightDropout", "--weight-dropout"),
            Map.entry("Training.init", "--init"), Map.entry("Training.optimizer", "--optimizer"),
            Map.entry("Training.learningRate", "--lr"), Map.entry("Training.clip", "--clip"),
            Map.entry("Training.weightDecay", "--weight-decay"),
            Map.entry("Training.schedule", "--lr-decay/--lr-plateau/--lr-cosine"),
            Map.entry("Training.epochs", "--epochs"), Map.entry("Training.batch", "--batch"),
            Map.entry("Training.steps", "--steps"), Map.entry("Training.sampling", "--sampling"),
            Map.entry("Training.randomOffset", "--random-offset"),
            Map.entry("Training.validationFraction", "--val-fraction"), Map.entry("Training.earlyStop", "--early-stop"),
            Map.entry("Training.memory", "--memory"),
            Map.entry("Training.preprocessing", "--preprocess"), Map.entry("Training.maxTokens", "--max-tokens"),
            Map.entry("Training.minFrequency", "--min-freq"), Map.entry("Training.corpus", "--corpus"),
            Map.entry("Training.tokens", "--tokens"), Map.entry("Training.embedding", "--embedding"),
            Map.entry("Training.tie", "--tie"), Map.entry("Training.vocabSize", "--vocab-size"),
            Map.entry("Training.members", "--member"), Map.entry("Training.replaceInvalid", "--replace-invalid"),
            Map.entry("Training.seed", "--seed"), Map.entry("Training.threads", "--threads"),
            Map.entry("Training.engine", "--engine"), Map.entry("Engine.device", "--device"),
            Map.entry("Training.startFrom", "--init-from"), Map.entry("Training.resume", "--resume"),
            Map.entry("Training.checkpoint", "--out"), Map.entry("Training.checkpointEvery", "--save-every"),
            Map.entry("Training.timeLimit", "--time-limit"), Map.entry("Export.output", "--output"),
            Map.entry("Sampling.temperature", "--temperature"), Map.entry("Sampling.topK", "--top-k"),
            Map.entry("Sampling.topP", "--top-p"), Map.entry("Sampling.length", "--length"),
            Map.entry("Sampling.seed", "--seed"));

    private Flags() {
    }

    /** The flag of a library option ({@code Training.learningRate} → {@code --lr}); an unlisted one as it is. */
    static String name(String option) {
        return NAMES.getOrDefault(option, option);
    }

    static int positive(String flag, int value) {
        if (value <= 0) {
            throw new InputException(flag + " must be a positive whole number, got " + value);
        }
        return value;
    }

    static double positive(String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InputException(flag + " must be a positive finite number, got " + value);
        }
        return value;
    }

    static int atLeast(String flag, int value, int min) {
        if (value < min) {
            throw new InputException(flag + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A factor in (0, 1). */
    static double open(String flag, double value) {
        if (!(value > 0 && value < 1)) {
            throw new InputException(flag + " must be in (0, 1), got " + value);
        }
        return value;
    }
}
