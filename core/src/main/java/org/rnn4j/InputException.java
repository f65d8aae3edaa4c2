package org.rnn4j;

/**
 * Bad input from the user (a file, a flag, a corpus): the message names what is wrong and how to
 * fix it, and the command line prints it without a stack trace.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
