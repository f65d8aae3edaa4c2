package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellType;
import org.rnn4j.train.Epoch;

/** The built-in base model, {@code english}: what it is, what it knows, and fine-tuning from it. */
class PretrainedTest {
    /** A text none of its five documents holds: English of the last century, plain prose. */
    private static final String UNSEEN = "It was a bright cold day in the middle of winter, and the village was quiet. "
            + "The children had gone to school, the shops were open, and the old man who kept the bakery stood at "
            + "his door and watched the snow fall on the road. Nobody knew when the train would come back, but "
            + "everyone hoped it would be soon, because the town needed the letters and the bread it carried. ";

    /**
     * A 2-layer GRU of 256 that says what it was trained on, stored in at most 10 MB, with its held-out figure; on
     * prose it never saw it scores under 2.6 bits per character, where the text's own letter frequencies need over 4.
     */
    @Test
    void theEnglishModelKnowsEnglish() throws IOException {
        TextModel english = TextModel.pretrained("english");
        assertEquals(List.of(CellType.GRU, 256, 2), List.of(english.shape().cell(), english.shape().hidden(),
                english.shape().layers()));
        assertEquals(List.of("nt.txt", "sqlite.txt", "devil.txt", "jargon.txt", "timemachine.txt"), english.corpora());
        assertNull(english.network().memory(), "the network alone: a memory would hold its 6.6 MB of text");
        Epoch last = english.history().get(english.history().size() - 1);
        assertTrue(last.validationBitsPerCharacter() < 2.5, "its held-out figure: " + last);
        try (InputStream in = TextModel.class.getResourceAsStream("/org/rnn4j/models/english.safetensors")) {
            assertTrue(in.readAllBytes().length < 10 << 20, "at most 10 MB in the jar");
        }
        double bits = english.bitsPerCharacter(UNSEEN);
        assertTrue(bits < 2.6, "unseen English: " + bits + " bits/char");
        String greedy = english.generate("The ", Sampling.greedy().length(40));
        assertTrue(greedy.startsWith("The ") && greedy.length() > 30, greedy);
    }

    /** A name it does not know is an error that lists those it does; a path is not a name. */
    @Test
    void anUnknownNameListsTheKnownOnes() {
        InputException e = assertThrows(InputException.class, () -> TextModel.pretrained("french"));
        assertEquals("no built-in model 'french': the built-in models are english; or give a checkpoint's path",
                e.getMessage());
        assertThrows(InputException.class, () -> TextModel.open("./english", note -> { }), "a file, which is missing");
    }

    /**
     * Fine-tuned on a text with characters it never saw (€, ∑), its vocabulary grows after its own and its own weights
     * start as they were; one epoch on the unseen prose takes it below where it started on that prose.
     */
    @Test
    void fineTuningFromItGrowsItsVocabularyAndLearns() {
        TextModel english = TextModel.pretrained("english");
        String text = (UNSEEN + "It cost 5 € in all, the ∑ of it. ").repeat(12);
        TextModel tuned = TextModel.train(text, Training.defaults().startFrom(english).batch(8).steps(50).epochs(2)
                .validationFraction(0).earlyStop(0).threads(1));
        int[] own = english.vocabulary().tokens(), wide = tuned.vocabulary().tokens();
        assertArrayEquals(own, Arrays.copyOf(wide, own.length), "its own tokens keep their indices");
        assertTrue(tuned.vocabulary().contains('€') && tuned.vocabulary().contains('∑'));
        assertTrue(tuned.bitsPerCharacter(text) < english.bitsPerCharacter(text) - 0.2,
                tuned.bitsPerCharacter(text) + " against " + english.bitsPerCharacter(text));
    }
}
