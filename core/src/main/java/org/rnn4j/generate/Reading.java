package org.rnn4j.generate;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.text.PreTokens;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Vocab;

/**
 * Where a prefix's reading stops. A model of characters reads all of it. A model of words or subwords reads it but its
 * last {@link PreTokens} piece: "The quick bro" read whole would end on the tokens of " bro", which the model has
 * seen only before what follows a word " bro", never inside " brown"; so the model reads "The quick", and its first
 * tokens must spell " bro" again (and may go on: " brown"), as it would have read the whole word.
 */
final class Reading {
    private Reading() {
    }

    /** {@code prefix} as {the part the model reads, the part the first tokens drawn must spell}. */
    static String[] split(Vocab vocab, String prefix) {
        if (vocab.kind() == Subwords.Kind.CHAR || prefix.isEmpty()) {
            return new String[] {prefix, ""};
        }
        List<String> pieces = new ArrayList<>();
        PreTokens.split(prefix, pieces::add);
        String last = pieces.get(pieces.size() - 1);
        // a piece with a character the vocabulary lacks cannot be spelled by any token: the model reads it
        boolean spellable = last.codePoints().allMatch(vocab::contains);
        return spellable ? new String[] {prefix.substring(0, prefix.length() - last.length()), last}
                : new String[] {prefix, ""};
    }
}
