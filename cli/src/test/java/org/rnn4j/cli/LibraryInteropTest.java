package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.cli.TrainCommandTest.run;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.text.Preprocessing;

/** One checkpoint format: a model saved by the library generates the same text from the CLI, and the other way. */
class LibraryInteropTest {
    @TempDir
    Path dir;

    private static String cliGenerate(Path model, String prefix) {
        TrainCommandTest.Run r = run("generate", "-m", model.toString(), "-p", prefix, "-t", "0.8", "-s", "3", "-n", "80");
        assertEquals(0, r.code(), r.err());
        return r.out().stripTrailing();
    }

    @Test
    void savedByTheLibraryReadByTheCli() {
        String text = Texts.timeMachine(Preprocessing.RAW, 8_000);
        TextModel model = TextModel.train(text, Training.defaults().hidden(32).layers(2).batch(8).steps(25).epochs(2));
        Path file = dir.resolve("library.safetensors");
        model.save(file);
        assertEquals(model.generate("The ", Sampling.temperature(0.8).seed(3).length(80)), cliGenerate(file, "The "));
        TrainCommandTest.Run three = run("generate", "-m", file.toString(), "-p", "The ", "-t", "0.8", "-s", "3", "-n", "80",
                "--samples", "3");
        assertEquals(String.join("\n\n", model.generate("The ", Sampling.temperature(0.8).seed(3).length(80), 3)),
                three.out().stripTrailing(), "three samples stepping together, in the library and the CLI");
    }

    @Test
    void savedByTheCliReadByTheLibrary() {
        Path file = dir.resolve("cli.safetensors");
        TrainCommandTest.Run r = run("train", "--cell", "lstm", "--hidden", "32", "--epochs", "3", "--length", "0",
                "--out", file.toString());
        assertEquals(0, r.code(), r.err());
        TextModel model = TextModel.load(file);
        assertEquals(cliGenerate(file, "Time Traveller"),
                model.generate("Time Traveller", Sampling.temperature(0.8).seed(3).length(80)),
                "the prefix read with the model's letters rule on both sides");
    }
}
