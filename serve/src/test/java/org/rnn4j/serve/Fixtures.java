package org.rnn4j.serve;

import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;

/** A small GRU trained on the first 20,000 characters of The Time Machine, read raw, once per test JVM. */
final class Fixtures {
    private static TextModel model;

    private Fixtures() {
    }

    static synchronized TextModel model() {
        if (model == null) {
            StringBuilder text = new StringBuilder();
            Corpus.read(Corpus.BUILT_IN, null, Preprocessing.RAW, 20_000, false, text::appendCodePoint);
            model = TextModel.train(text.toString(), Training.defaults().hidden(48).layers(1).batch(16).steps(30).epochs(3)
                    .validationFraction(0.1).preprocessing(Preprocessing.RAW).seed(11));
        }
        return model;
    }
}
