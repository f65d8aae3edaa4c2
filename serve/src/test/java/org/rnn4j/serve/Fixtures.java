package org.rnn4j.serve;

import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Subwords;

/**
 * Small GRUs trained on the first 20,000 characters of The Time Machine, read raw, once per test JVM: one of characters
 * and one of subwords (each with the memory of the text the defaults give it, and without), and one of words.
 */
final class Fixtures {
    private static TextModel model, networkAlone, subwords, subwordsAlone, words;

    private Fixtures() {
    }

    static synchronized TextModel model() {
        if (model == null) {
            model = TextModel.train(text(), training());
        }
        return model;
    }

    /** {@link #model}'s network without its memory of the text: what an ONNX graph of it holds. */
    static synchronized TextModel networkAlone() {
        if (networkAlone == null) {
            networkAlone = TextModel.train(text(), training().memory(0));
        }
        return networkAlone;
    }

    /** BPE tokens, 300 of them, read through a tied embedding. */
    static synchronized TextModel subwords() {
        if (subwords == null) {
            subwords = TextModel.train(text(), training().tokens(Subwords.Kind.BPE).vocabSize(300).embedding(48).tie(true));
        }
        return subwords;
    }

    /** {@link #subwords}' network without its memory: what an ONNX graph of it holds. */
    static synchronized TextModel subwordsAlone() {
        if (subwordsAlone == null) {
            subwordsAlone = TextModel.train(text(), training().tokens(Subwords.Kind.BPE).vocabSize(300).embedding(48)
                    .tie(true).memory(0));
        }
        return subwordsAlone;
    }

    /** Word tokens, 600 of them, read through an embedding; without a memory, as the graph the page runs of it. */
    static synchronized TextModel words() {
        if (words == null) {
            words = TextModel.train(text(), training().tokens(Subwords.Kind.WORD).vocabSize(600).embedding(32)
                    .memory(0));
        }
        return words;
    }

    private static String text() {
        StringBuilder text = new StringBuilder();
        Corpus.read(Corpus.BUILT_IN, null, Preprocessing.RAW, 20_000, false, text::appendCodePoint);
        return text.toString();
    }

    private static Training training() {
        return Training.defaults().hidden(48).layers(1).batch(16).steps(30).epochs(3).validationFraction(0.1)
                .preprocessing(Preprocessing.RAW).seed(11);
    }
}
