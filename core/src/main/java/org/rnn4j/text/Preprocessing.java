package org.rnn4j.text;

import java.util.function.IntConsumer;

/** How raw text becomes the token stream: one token per Unicode code point of the result. */
public enum Preprocessing {
    /**
     * The Time Machine rule: per line, every run of characters outside {@code [A-Za-z]} becomes one
     * space, the line is stripped and lower-cased, and the lines are concatenated with no separator.
     */
    LETTERS,
    /** The lyrics rule: {@code \n} and {@code \r} each become a space; everything else is kept. */
    SPACES,
    /** Every code point as it is. */
    RAW;

    /** A filter that receives code points one at a time and passes the kept ones to {@code out}. */
    public IntConsumer filter(IntConsumer out) {
        switch (this) {
            case LETTERS:
                return new LettersFilter(out);
            case SPACES:
                return cp -> out.accept(cp == '\n' || cp == '\r' ? ' ' : cp);
            default:
                return out;
        }
    }

    /**
     * A prefix as the model reads it: this rule applied, except that for {@link #LETTERS} a gap after the last letter
     * is kept as one space, since a prefix is continued from where it ends ("The " reads as "the ", not "the").
     * A ␜ ({@link Corpus#SEPARATOR_SHOWN}) reads as the separator between documents.
     */
    public String prefix(String text) {
        int shown = text.lastIndexOf(Corpus.SEPARATOR_SHOWN);
        if (shown >= 0) { // ␜ stands for the separator between documents, each read by the rule on its own
            StringBuilder before = new StringBuilder();
            for (String document : text.substring(0, shown).split("\u241C", -1)) {
                document.codePoints().forEach(filter(before::appendCodePoint));
                before.appendCodePoint(Corpus.SEPARATOR);
            }
            return before + prefix(text.substring(shown + 1));
        }
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(filter(sb::appendCodePoint));
        if (this == LETTERS && sb.length() > 0 && !text.isEmpty()) {
            int last = text.codePointBefore(text.length());
            boolean letter = (last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z');
            if (!letter && last != '\n' && last != '\r') {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    /** Streaming form of {@code re.sub('[^A-Za-z]+', ' ', line).strip().lower()} per line. */
    private static final class LettersFilter implements IntConsumer {
        private final IntConsumer out;
        private boolean lineHasLetters;
        private boolean gapPending;

        LettersFilter(IntConsumer out) {
            this.out = out;
        }

        @Override
        public void accept(int cp) {
            if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
                if (gapPending && lineHasLetters) {
                    out.accept(' ');
                }
                out.accept(cp | 0x20); // ASCII lower case
                lineHasLetters = true;
                gapPending = false;
            } else if (cp == '\n' || cp == '\r') {
                // a line ends: trailing non-letters are stripped, the next line joins with no separator
                lineHasLetters = false;
                gapPending = false;
            } else {
                gapPending = true;
            }
        }
    }
}
