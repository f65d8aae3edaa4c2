package org.rnn4j;

import java.util.List;
import java.util.stream.Stream;

/**
 * A prefix as a model reads it: the text after the model's preprocessing, and what its user should be told about it.
 *
 * @param text     the prefix the model continues
 * @param notes    that it reads otherwise than it was written (the model's preprocessing changed it)
 * @param warnings each character in it the model never saw, which reads as {@code <unk>}
 */
public record Prompt(String text, List<String> notes, List<String> warnings) {
    public Prompt {
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    /** The notes, then the warnings: one sentence each, in lower case, without a final stop. */
    public List<String> all() {
        return Stream.concat(notes.stream(), warnings.stream()).toList();
    }
}
