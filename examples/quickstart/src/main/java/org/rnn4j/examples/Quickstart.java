package org.rnn4j.examples;

import java.nio.file.Path;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.Training;

/** From a text file to generated text, with the model saved and loaded in between: four calls to rnn4j. */
public final class Quickstart {
    public static void main(String[] args) {
        Path text = Path.of(args.length > 0 ? args[0] : "keeper.txt");
        Path saved = Path.of("target", "keeper.safetensors");

        TextModel model = TextModel.train(text, Training.defaults().batch(8).steps(40).epochs(30)
                .onEpoch(e -> System.out.printf("epoch %d: perplexity %.2f, validation %.2f%n",
                        e.epoch(), e.perplexity(), e.validationPerplexity())));
        model.save(saved);

        TextModel loaded = TextModel.load(saved);
        System.out.println(loaded.generate("The sea ", Sampling.temperature(0.7).seed(1).length(300)));
    }
}
