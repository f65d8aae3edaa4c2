package org.rnn4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the size of one's own text decides when {@link Training#defaults()} leaves it open: the share held out, the
 * dropout that keeps a recurrent model from memorising a small text (variational on the inputs and outputs, weight
 * dropout on W_hh), and the patience of early stopping. A small text is learnt by heart within a few epochs and then
 * scores worse on new text each epoch; dropout slows that, and costs a large text more than it gives back, as it slows
 * learning that has no memorising to hold back (measured in README, "Your own text"). Up to 10 million characters
 * the network is mixed with an n-gram model of the text, which recalls the strings the network cannot (README, "A
 * memory of the text"); above, the model file would hold too much of the text (2 bytes a character).
 *
 * @param validationFraction the share held out: 50,000 characters' worth, within 2 % and 10 %
 * @param hidden             units per layer: fewer for a small text, which has less to learn and more to learn by heart
 * @param batch              sequences per minibatch: fewer for a small text, for more steps per epoch
 * @param mostEpochs         the most epochs of about {@link Training#TOKEN_BUDGET} tokens' worth: a small text, held
 *                           back by dropout, takes more than {@link Training#MOST_EPOCHS} to reach its best
 * @param variationalDropout variational dropout of the inputs and outputs of the recurrent stack
 * @param weightDropout      weight dropout of each W_hh
 * @param earlyStop          epochs without a better validation figure before stopping: a small text's held-out part
 *                           is small, its figure noisy, so it waits longer
 * @param memory             the order of the n-gram model of the text mixed with the network, 0 for none (above
 *                           {@link #MOST_REMEMBERED} characters)
 * @param kind               what the text is to the choice ("a small text", "fine-tuning"), for the settings line
 * @param model              what the choice of units does, said when the size decides them; null: nothing to say
 * @param dropout            what the choice of dropout does, said when the size decides it
 */
record Sizing(double validationFraction, int hidden, int batch, int mostEpochs, double variationalDropout,
              double weightDropout, int earlyStop, int memory, String kind, String model, String dropout) {
    /** The {@link Training} options a text's size decides, by their setters' names. */
    static final List<String> OPTIONS = List.of("validationFraction", "hidden", "batch", "epochs", "variationalDropout",
            "weightDropout", "earlyStop", "memory");
    /** Below this many characters a text is small. */
    static final long SMALL = 100_000;
    /** Below this many, and from {@link #SMALL} on, a text is middling; from here on, large. */
    static final long LARGE = 1_000_000;
    /** The characters held out, as a share of the text within [2 %, 10 %]. */
    static final long HELD_OUT = 50_000;
    /** The order of a text's memory. */
    static final int MEMORY = 6;
    /** Above this many characters a text gets no memory: the model file would hold 20 MB of it and more. */
    static final long MOST_REMEMBERED = 10_000_000;

    /**
     * The text's size and what it made of the options it decided, {@code sized} (by their setters' names), for the
     * settings line: nothing of those a setter or flag gave.
     */
    String why(long tokens, Set<String> sized) {
        List<String> parts = new ArrayList<>();
        if (model != null && sized.contains("hidden")) {
            parts.add(model);
        }
        if (sized.contains("variationalDropout") || sized.contains("weightDropout")) {
            parts.add(dropout);
        }
        if (sized.contains("memory")) {
            parts.add(memory > 0 ? "a memory of its exact strings"
                    : "no memory, which would make the model file as large as it");
        }
        String head = String.format(Locale.ROOT, "%,d characters, %s", tokens, kind);
        if (parts.isEmpty()) {
            return head;
        }
        String last = parts.remove(parts.size() - 1);
        return head + ": " + (parts.isEmpty() ? last : String.join(", ", parts) + ", and " + last);
    }

    /** The epochs of about {@link Training#TOKEN_BUDGET} tokens' worth over {@code trainingTokens}, 1 to the most. */
    int epochs(long trainingTokens) {
        return Training.epochsFor(trainingTokens, mostEpochs);
    }

    /**
     * The choice for fine-tuning a trained model on a text of {@code tokens} tokens: as {@link #of(long)}, but without
     * dropout, as what the model knows already holds it back from learning the text by heart and dropout only slows
     * it (with the built-in {@code english}, on three texts of 300,000 characters, no dropout scored 0.06 to 0.13 bits
     * per character better than the middling text's: README, "Start from English").
     */
    static Sizing fineTuning(long tokens) {
        Sizing s = of(tokens);
        return new Sizing(s.validationFraction, s.hidden, s.batch, s.mostEpochs, 0, 0, s.earlyStop, s.memory,
                "fine-tuning", null, "no dropout, the model's knowledge holds it back");
    }

    /** The choice for a text of {@code tokens} tokens, before any is held out. */
    static Sizing of(long tokens) {
        double share = Math.min(0.1, Math.max(0.02, (double) HELD_OUT / Math.max(1, tokens)));
        share = Math.round(share * 1000) / 1000.0;
        if (tokens < SMALL) {
            return new Sizing(share, 128, 16, 200, 0.2, 0.3, 8, MEMORY, "a small text", "a smaller model",
                    "dropout that keeps it from learning the text by heart");
        }
        if (tokens < LARGE) {
            return new Sizing(share, 256, 32, Training.MOST_EPOCHS, 0.1, 0.2, 3, MEMORY, "a middling text", null,
                    "some dropout");
        }
        return new Sizing(share, 256, 32, Training.MOST_EPOCHS, 0, 0, 3, tokens <= MOST_REMEMBERED ? MEMORY : 0,
                "a large text", null, "no dropout, which would slow it more than help it");
    }
}
