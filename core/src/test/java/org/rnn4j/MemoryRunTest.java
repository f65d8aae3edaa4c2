package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.TestCorpus;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Evaluation;

/** A run's memory of its text: sized, fitted, kept in the model file, resumed, and refused where it cannot be. */
class MemoryRunTest {
    @TempDir
    Path dir;

    private static final String TEXT = TestCorpus.load(Corpus.BUILT_IN, null, Preprocessing.RAW, 6_000).text();

    private static Training small() {
        return Training.defaults().hidden(24).layers(1).batch(4).steps(20).epochs(3).seed(7);
    }

    /**
     * A small text's run mixes its network with a memory of order 6 of the whole text (the held-out part too), its
     * weight fitted; the network trains as it would alone, and the mixture reads the held-out part better than it.
     */
    @Test
    void aSmallTextGetsAMemory() {
        TextModel model = TextModel.train(TEXT, small());
        Memory memory = model.network().memory();
        assertNotNull(memory);
        assertEquals(6, memory.ngram().order());
        assertTrue(memory.weight() > 0 && memory.weight() < 1, "fitted: " + memory.weight());
        assertEquals(TEXT.codePointCount(0, TEXT.length()), memory.ngram().text().length, "the whole text");
        TextModel alone = TextModel.train(TEXT, small().memory(0));
        assertNull(alone.network().memory());
        List<Epoch> mixed = model.history(), own = alone.history();
        for (int e = 0; e < own.size(); e++) {
            assertEquals(own.get(e).perplexity(), mixed.get(e).perplexity(), "the network trains the same");
            assertEquals(own.get(e).validationPerplexity(), mixed.get(e).networkValidationPerplexity(),
                    1e-6 * own.get(e).validationPerplexity(), "the network's own validation figure beside the mixture's");
            assertTrue(Double.isNaN(own.get(e).networkValidationPerplexity()), "none without a memory");
            assertTrue(mixed.get(e).validationPerplexity() < own.get(e).validationPerplexity(),
                    "epoch " + (e + 1) + ": " + mixed.get(e).validationPerplexity() + " against "
                            + own.get(e).validationPerplexity());
        }
        assertTrue(model.perplexity(TEXT) < alone.perplexity(TEXT), "it reads with its memory");
        // the validation figure is the mixture's with the n-gram of the training part alone, at the weight kept
        int[] all = memory.ngram().text();
        int held = (int) Math.round(all.length * 0.1);
        LanguageModel validated = model.network().withMemory(new Memory(new KneserNey(
                Arrays.copyOf(all, all.length - held), 6, model.vocabulary().size()), memory.weight()));
        double expected = Evaluation.perplexity(validated, TokenIds.of(Arrays.copyOfRange(all, all.length - held,
                all.length)), model.steps());
        assertEquals(expected, mixed.get(mixed.size() - 1).validationPerplexity(), 1e-9 * expected);
    }

    /** A run resumed keeps its memory and goes on fitting its weight; a resumed run may not change it. */
    @Test
    void aResumedRunKeepsItsMemory() {
        Path file = dir.resolve("m.safetensors");
        TextModel.train(TEXT, small().epochs(2).checkpoint(file, 1));
        TextModel resumed = TextModel.train(TEXT, Training.defaults().resume(file).epochs(3));
        TextModel whole = TextModel.train(TEXT, small());
        assertArrayEquals(whole.network().memory().ngram().text(), resumed.network().memory().ngram().text());
        assertEquals(whole.network().memory().weight(), resumed.network().memory().weight(), 1e-12);
        assertArrayEquals(whole.network().params.data, resumed.network().params.data);
        assertThrows(InputException.class, () -> TextModel.train(TEXT, Training.defaults().resume(file).memory(3)));
    }

    @Test
    void aMemoryNeedsAHeldOutPart() {
        InputException e = assertThrows(InputException.class,
                () -> TextModel.train(TEXT, small().memory(4).validationFraction(0)));
        assertEquals("text: Training.memory 4 needs a held-out part to fit its weight on; give "
                + "Training.validationFraction above 0, or Training.memory 0", e.getMessage());
        assertNull(TextModel.train(TEXT, small().validationFraction(0)).network().memory(),
                "sized, it is left out where it cannot be");
        assertThrows(InputException.class, () -> small().memory(1));
        assertThrows(InputException.class, () -> small().memory(Training.MOST_MEMORY + 1));
        Training subwords = small().tokens(org.rnn4j.text.Subwords.Kind.BPE).vocabSize(200).embedding(16);
        TextModel remembering = TextModel.train(TEXT, subwords.copy());
        assertNotNull(remembering.network().memory(), "subwords have one too");
        assertTrue(remembering.bitsPerCharacter(TEXT) < TextModel.train(TEXT, subwords.copy().memory(0))
                .bitsPerCharacter(TEXT));
        String text = remembering.generate("The Time Tra", Sampling.greedy().length(12)); // a piece left to spell
        assertTrue(text.startsWith("The Time Tra") && text.length() > 14, text);
    }
}
