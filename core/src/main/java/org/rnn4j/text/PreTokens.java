package org.rnn4j.text;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pieces that word and subword tokens never cross: a word with the space before it, a number likewise, a run of
 * other signs likewise, a run of whitespace (less its last space when a word follows, which that word takes), and the
 * document separator alone. Every character of a text is in exactly one piece, so joining them gives the text back.
 * The same regular expression goes into an exported {@code tokenizer.json} (a {@code Split} pre-tokenizer), and it
 * means the same to Java's engine and to the Hugging Face library's (Oniguruma): no class whose meaning differs
 * between them ({@code \s}, {@code \w}) is used.
 */
public final class PreTokens {
    private static final String SPACE = " \\t\\n\\r";
    /** The expression, as Java and Oniguruma both read it. */
    public static final String PATTERN = "\\x1C| ?\\p{L}+| ?\\p{N}+| ?[^" + SPACE + "\\p{L}\\p{N}\\x1C]+"
            + "|[" + SPACE + "]+(?![^" + SPACE + "])|[" + SPACE + "]+";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private PreTokens() {
    }

    /** Hands each piece of {@code text} to {@code out}, in order. */
    public static void split(CharSequence text, Consumer<String> out) {
        Matcher m = COMPILED.matcher(text);
        while (m.find()) {
            out.accept(m.group());
        }
    }
}
