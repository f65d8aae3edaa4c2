package org.rnn4j.cli;

import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;

/** Texts for the tests: the built-in Time Machine as the library reads it. */
final class Texts {
    private Texts() {
    }

    /** The first {@code maxTokens} tokens (0: all) of The Time Machine under {@code mode}. */
    static String timeMachine(Preprocessing mode, int maxTokens) {
        StringBuilder sb = new StringBuilder();
        Corpus.read(Corpus.BUILT_IN, null, mode, maxTokens, false, sb::appendCodePoint);
        return sb.toString();
    }
}
