package org.rnn4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;
import org.rnn4j.text.Tokenization;
import org.rnn4j.text.Vocab;

/**
 * A prefix that ends inside a word: the model reads it up to the word, and its first tokens spell the word's typed
 * part again before going on. A model of random weights, which left alone would draw anything, shows the rule holds.
 */
class PrefixBoundaryTest {
    private static final String TEXT = "The quick brown fox jumps over the lazy dog. The brown dog sleeps; the quick "
            + "fox brings the brown bread over and over again, quickly, brilliantly, broadly.\n";

    @Test
    void theFirstTokensSpellWhatWasTypedOfTheLastWord() {
        for (Subwords.Kind kind : new Subwords.Kind[] {Subwords.Kind.BPE, Subwords.Kind.WORD}) {
            Vocab vocab = Encoded.build("t", List.of(new StringReader(TEXT.repeat(3))), Preprocessing.RAW, 0, 1, null,
                    new Tokenization(kind, 90)).vocab();
            LanguageModel model = new ModelConfig(CellType.GRU, 16, 1, 0, Init.UNIFORM)
                    .build(vocab.size(), new Rng(4), Kernels.reference());
            Rng cuts = new Rng(5);
            for (int i = 0; i < 200; i++) {
                String prefix = TEXT.substring(0, 1 + (int) (cuts.nextDouble() * (TEXT.length() - 2)));
                String[] read = Reading.split(vocab, prefix);
                assertEquals(prefix, read[0] + read[1]);
                List<Integer> ids = new ArrayList<>();
                TokenSampler sampler = new TokenSampler(new Decoding(1.0, 0, 1.0), new Rng(i), vocab.size());
                String shown = Generator.text(model, vocab, prefix, 6, sampler);
                Generator.continuation(model, vocab, prefix, 6, new TokenSampler(new Decoding(1.0, 0, 1.0), new Rng(i),
                        vocab.size()), ids::add);
                String drawn = vocab.decode(ids.stream().mapToInt(Integer::intValue).toArray());
                assertTrue(drawn.startsWith(read[1]), kind + " after '" + prefix + "': drew '" + drawn + "', which does"
                        + " not spell '" + read[1] + "' first");
                assertEquals(read[0] + drawn, shown, kind + ": the text shown is the prefix and what follows it");
                assertTrue(ids.size() >= 6, "six tokens that add text, and those that spell the prefix");
            }
        }
    }
}
