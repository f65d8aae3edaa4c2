package org.rnn4j.io;

import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;

/**
 * Where the text comes from and how it becomes tokens: what a checkpoint needs to rebuild the same
 * ids on resume, and what {@code eval} applies to another text.
 *
 * @param corpus        a file, or {@code timemachine} for the built-in corpus
 * @param member        the zip member, or null
 * @param preprocessing the character rules
 * @param maxTokens     the first N tokens (0: all)
 * @param minFreq       rarer tokens map to {@code <unk>}
 * @param valFraction   the share of the tokens, at the end, held out for validation
 * @param replaceInvalid read bytes that are not UTF-8 as U+FFFD instead of stopping
 */
public record DataConfig(String corpus, String member, Preprocessing preprocessing, int maxTokens, int minFreq,
                         double valFraction, boolean replaceInvalid) {
    /** How to read the corpus. */
    public Encoded.Source source() {
        return new Encoded.Source(corpus, member, preprocessing, maxTokens, replaceInvalid);
    }
}
