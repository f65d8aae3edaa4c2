package org.rnn4j;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bad input, through the library or the command line: a missing, unreadable or empty text, a damaged or foreign
 * checkpoint, an option out of its range. The message names the input (a file, an option) and the fix; the command
 * line prints it as one line, without a stack trace, and exits with code 2. The cause, when there is one, is the
 * I/O error behind the message.
 * <p>
 * An option is named in the message as the library spells it, its type and setter ({@code Type.option}: the
 * training's batch, a sampling's top-p); {@link #message(UnaryOperator)} names it as another front end does (the
 * command line's {@code --batch}, a JSON field's {@code top_p}), so that each rule is stated once, in the library, and
 * read in its users' words.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** An option in a message: {@code {Type.option}}, shown as {@code Type.option}. */
    private static final Pattern OPTION = Pattern.compile("\\{([A-Z][A-Za-z]*\\.[a-z][A-Za-z]*)}");

    private final String template;

    /**
     * An error with its message: what is wrong, where, and what to do. An option written {@code {Type.option}} is
     * shown as {@code Type.option}, or as {@link #message(UnaryOperator)}'s naming gives it.
     */
    public InputException(String message) {
        this(message, null);
    }

    /** An error with its message and the I/O or format error that revealed it. */
    public InputException(String message, Throwable cause) {
        super(render(message, UnaryOperator.identity()), cause);
        this.template = message;
    }

    /** The first option the message names ({@code Type.option}), or null when it names none. */
    public String option() {
        Matcher m = OPTION.matcher(template);
        return m.find() ? m.group(1) : null;
    }

    /** The message with each option named by {@code naming} (the training's batch → {@code --batch}). */
    public String message(UnaryOperator<String> naming) {
        return render(template, naming);
    }

    /** {@code template} with each {@code {Type.option}} replaced by its name under {@code naming}. */
    public static String render(String template, UnaryOperator<String> naming) {
        return OPTION.matcher(template).replaceAll(m -> Matcher.quoteReplacement(naming.apply(m.group(1))));
    }
}
