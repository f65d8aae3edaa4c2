/**
 * rnn4j: character-level recurrent language models. {@link org.rnn4j.TextModel} is the front door (train, resume,
 * fine-tune, generate, save, load), with {@link org.rnn4j.Training}, {@link org.rnn4j.Sampling} and
 * {@link org.rnn4j.TrainingListener}. The other packages exported hold the types its options name and the seeds'
 * explicit pieces for those who want them (a {@code LanguageModel}'s forward and backward, the {@code Trainer}, the
 * samplers, the kernels); the checkpoint's file format ({@code org.rnn4j.io}) stays inside, behind
 * {@code TextModel.save} and {@code load}.
 */
module org.rnn4j {
    requires jdk.incubator.vector;
    requires com.google.gson;
    requires com.google.protobuf; // the ONNX export's messages (org.rnn4j.io.onnx, compiled from ONNX's onnx.proto)
    requires jdk.unsupported; // sun.misc.Unsafe: the address of an array's data, for its alignment (tensor.Alignment)

    exports org.rnn4j;
    exports org.rnn4j.data;
    exports org.rnn4j.generate;
    exports org.rnn4j.nn;
    exports org.rnn4j.optim;
    exports org.rnn4j.tensor;
    exports org.rnn4j.text;
    exports org.rnn4j.train;

    uses org.rnn4j.nn.Engine.Provider;
}
