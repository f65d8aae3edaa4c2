package org.rnn4j.io;

import java.util.List;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Tokenization;

/**
 * Where the text comes from and how it becomes tokens: what a checkpoint needs to rebuild the same
 * ids on resume, and what {@code eval} applies to another text.
 *
 * @param corpora       the sources, in order: files, folders, zip archives, {@code -} or the built-in corpora
 * @param members       the zip members chosen (none: every text member)
 * @param preprocessing the character rules
 * @param maxTokens     the first N tokens (0: all)
 * @param minFreq       rarer tokens map to {@code <unk>}
 * @param valFraction   the share of the tokens, at the end, held out for validation
 * @param replaceInvalid read bytes that are not UTF-8 as U+FFFD instead of stopping
 * @param tokens        characters, words or subwords, and the most tokens of the last two
 */
public record DataConfig(List<String> corpora, List<String> members, Preprocessing preprocessing, int maxTokens, int minFreq,
                         double valFraction, boolean replaceInvalid, Tokenization tokens) {
    public DataConfig {
        corpora = List.copyOf(corpora);
        members = List.copyOf(members);
    }

    /** A text read as characters. */
    public DataConfig(List<String> corpora, List<String> members, Preprocessing preprocessing, int maxTokens,
                      int minFreq, double valFraction, boolean replaceInvalid) {
        this(corpora, members, preprocessing, maxTokens, minFreq, valFraction, replaceInvalid, Tokenization.CHARS);
    }

    /** How to read the corpus. */
    public Encoded.Source source() {
        return new Encoded.Source(corpora, members, preprocessing, maxTokens, replaceInvalid, tokens);
    }
}
