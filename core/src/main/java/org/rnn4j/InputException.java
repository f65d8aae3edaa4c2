package org.rnn4j;

/**
 * Bad input, through the library or the command line: a missing, unreadable or empty text, a damaged or foreign
 * checkpoint, an option out of its range. The message names the input (a file, an option) and the fix; the command
 * line prints it as one line, without a stack trace, and exits with code 2. The cause, when there is one, is the
 * I/O error behind the message.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with its message: what is wrong, where, and what to do. */
    public InputException(String message) {
        super(message);
    }

    /** An error with its message and the I/O or format error that revealed it. */
    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
