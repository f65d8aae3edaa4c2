package org.rnn4j.text;

/**
 * What a text's tokens are: characters (the seeds'), whole words, or byte-pair subwords, and for the last two how many
 * tokens the vocabulary may hold in all, characters included.
 *
 * @param kind      characters, words or subwords
 * @param vocabSize the most tokens (words, BPE); unused for characters
 */
public record Tokenization(Subwords.Kind kind, int vocabSize) {
    /** Characters: the seeds' tokens, and the default. */
    public static final Tokenization CHARS = new Tokenization(Subwords.Kind.CHAR, 0);
    /** The vocabulary size of words and subwords when none is given. */
    public static final int DEFAULT_VOCAB_SIZE = 2048;
}
