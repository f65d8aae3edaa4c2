package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Tokenization;
import org.rnn4j.text.Vocab;

/** The exported tokenizer.json read by the Hugging Face tokenizers library, not by rnn4j: the same ids, every one. */
class TokenizerJsonTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Subwords.Kind.class)
    void theTokenizersLibraryReadsATextToTheSameIds(Subwords.Kind kind) throws Exception {
        // 100 KB: the Time Machine's first 90,000 characters trained on, and its last 10,000 plus signs, digits, a
        // document separator and characters the vocabulary lacks read by both
        StringBuilder read = new StringBuilder();
        Corpus.read(Corpus.BUILT_IN, null, Preprocessing.RAW, 0, false, read::appendCodePoint);
        String book = read.toString();
        String training = book.substring(0, 90_000);
        String text = book.substring(book.length() - 10_000) + " 1895, 20 000 lb. — ça! \u001C«new» 😀 end\t\r\n";
        Vocab vocab = Encoded.build("t", List.of(new StringReader(training)), Preprocessing.RAW, 0, 1, null,
                new Tokenization(kind, kind == Subwords.Kind.WORD ? 1500 : 600)).vocab();
        Path file = dir.resolve("tokenizer.json");
        TokenizerJson.write(file, vocab);
        int[] mine = vocab.encode(text);
        try (HuggingFaceTokenizer theirs = HuggingFaceTokenizer.builder().optTokenizerPath(file).optTruncation(false)
                .build()) { // DJL cuts a text at 512 tokens unless told not to
            long[] ids = theirs.encode(text, false, false).getIds();
            assertArrayEquals(mine, Arrays.stream(ids).mapToInt(i -> (int) i).toArray(), kind.id());
            long[] wholeBook = theirs.encode(training, false, false).getIds();
            assertArrayEquals(vocab.encode(training), Arrays.stream(wholeBook).mapToInt(i -> (int) i).toArray());
        }
    }
}
