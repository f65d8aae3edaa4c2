package org.rnn4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rnn4j.TextModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rnn4j export}: a model written in another form than its training checkpoint. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a model in another form than its checkpoint.",
                "f16: its weights alone, each in 16 bits (safetensors F16), with its vocabulary, settings and figures",
                "but not the optimiser's state: a quarter of an Adam checkpoint's size, a model to generate from or",
                "to fine-tune from (--init-from), not to resume.",
                "tokenizer: its tokens as a Hugging Face tokenizer.json, which the tokenizers library (Python, Rust,",
                "Java through DJL) loads to read a text to the model's ids.",
                "onnx: a standard ONNX graph (opset 17, IR version 8) of the model, its state an input and an output,",
                "with its vocabulary and tokenizer in the metadata: ONNX Runtime runs it in C, C++, C#, Java, Python",
                "and in a web page (web/generate.html)."})
final class ExportCommand implements Callable<Integer> {
    /** The forms a model can be exported in. */
    enum Format { F16, TOKENIZER, ONNX }

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", required = true,
            description = "A checkpoint written by 'rnn4j train --out', or a built-in model: 'english'.")
    String model;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "f16", description = "f16 (the default), tokenizer or onnx.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Where to write it (a temporary file renamed into place: never half a file).")
    String output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Format f = TrainCommand.parseEnum(Format.class, "--format", format);
        TextModel m = TextModel.open(model, Main.notes(spec.commandLine().getErr()));
        switch (f) {
            case TOKENIZER -> m.saveTokenizer(Path.of(output));
            case ONNX -> {
                m.exportOnnx(Path.of(output));
                if (m.network().memory() != null) {
                    spec.commandLine().getErr().println("note: " + output + " holds the network alone: its memory of "
                            + "the training text (an n-gram of order " + m.network().memory().ngram().order()
                            + ") is not in the graph, so what runs it generates without it");
                }
            }
            case F16 -> m.saveWeights(Path.of(output));
        }
        return 0;
    }
}
