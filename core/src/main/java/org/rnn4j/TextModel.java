package org.rnn4j;

import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;
import org.rnn4j.data.TokenIds;
import org.rnn4j.generate.Generator;
import org.rnn4j.generate.StateCache;
import org.rnn4j.generate.Stream;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.io.OnnxExport;
import org.rnn4j.io.TokenizerJson;
import org.rnn4j.io.DataConfig;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Evaluation;
import org.rnn4j.train.TrainConfig;

/**
 * A character-level language model and its vocabulary: the library's front door, and the one the command line and
 * the server use. Train one from a file, a string, documents or a reader (or continue a run, or fine-tune a model:
 * {@link Training#resume}, {@link Training#startFrom}); generate text after a prefix; measure perplexity; save and load
 * it as a safetensors checkpoint, the same file {@code rnn4j train --out} writes and {@code rnn4j generate --model}
 * reads.
 * <pre>{@code
 * TextModel model = TextModel.train(Path.of("lyrics.txt"), Training.defaults().epochs(20));
 * model.save(Path.of("lyrics.safetensors"));
 * String text = TextModel.load(Path.of("lyrics.safetensors"))
 *         .generate("Love ", Sampling.temperature(0.8).seed(1).length(200));
 * }</pre>
 * <b>Threads</b>: once trained or loaded, a model is read-only, and {@link #generate}, {@link #perplexity} and
 * {@link #save} may run from any number of threads at once, each call with its own state and its own single-threaded
 * kernels ({@link #onThreads} gives a view for one caller on more). Training uses the cores {@link Training#threads}
 * gives it.
 * <p>
 * <b>Errors</b>: bad input (a missing or unreadable file, a text too short to train on, a damaged checkpoint, an option
 * out of range) is an {@link InputException} whose message names the input and the fix.
 */
public final class TextModel {
    /** Each thread's own kernels for inference: a kernel instance serves one thread at a time. */
    private static final ThreadLocal<Kernels> INFERENCE = ThreadLocal.withInitial(() -> Kernels.best(1));

    private final LanguageModel model;
    private final Vocab vocab;
    private final ModelConfig shape;
    private final DataConfig data;
    private final TrainConfig config;
    private final String preset;
    private final Checkpoint.RunState state;
    private final Supplier<Optimizer.State> optimizer;
    private final List<Epoch> metrics;
    /** The kernels of generation and perplexity, or null for each calling thread's own. */
    private final Kernels kernels;
    /**
     * For {@link #streams}: each thread's view of the network and its workspace for feeding prefixes, whose weights are
     * packed at the thread's first use and kept, as a server's request threads feed prefix after prefix (a model's
     * weights never change once it is made). The other calls, which step their streams to the end themselves, make
     * theirs anew: a training's listener hears a new model after each epoch, which a thread's cache would hold on to.
     */
    private final ThreadLocal<Feeder> feeders = ThreadLocal.withInitial(() -> {
        LanguageModel view = inference();
        return new Feeder(view, view.generationWorkspace(1));
    });

    private record Feeder(LanguageModel model, LanguageModel.Workspace one) {
    }

    /** @param optimizer the optimiser's state, read when the model is saved */
    TextModel(Checkpoint.Contents c, Supplier<Optimizer.State> optimizer) {
        this.model = c.model();
        this.vocab = c.vocab();
        this.shape = c.shape();
        this.data = c.data();
        this.config = c.training();
        this.preset = c.preset();
        this.state = c.state();
        this.optimizer = optimizer;
        this.metrics = c.metrics();
        this.kernels = null;
    }

    private TextModel(TextModel of, Kernels kernels) {
        this.model = of.model;
        this.vocab = of.vocab;
        this.shape = of.shape;
        this.data = of.data;
        this.config = of.config;
        this.preset = of.preset;
        this.state = of.state;
        this.optimizer = of.optimizer;
        this.metrics = of.metrics;
        this.kernels = kernels;
    }

    /**
     * Trains on a UTF-8 text file, a folder of them (in order of their paths) or a zip archive of them; several
     * documents are joined by the separator token U+001C.
     */
    public static TextModel train(Path file, Training options) {
        Objects.requireNonNull(file, "file");
        return TrainingRun.run(options.copy().corpus(file.toString()));
    }

    /** Trains on {@link Training#corpus}, or, for a {@link Training#resume resumed} run without one, its own. */
    public static TextModel train(Training options) {
        return TrainingRun.run(options);
    }

    /** Trains on a text held in memory. */
    public static TextModel train(String text, Training options) {
        return train(List.of(Objects.requireNonNull(text, "text")), options);
    }

    /** Trains on documents held in memory, joined by the separator token U+001C. */
    public static TextModel train(List<String> documents, Training options) {
        List<Reader> readers = documents.stream().map(d -> (Reader) new StringReader(Objects.requireNonNull(d)))
                .toList();
        return TrainingRun.run(options, documents.size() == 1 ? "text" : documents.size() + " documents", readers);
    }

    /** Trains on the text a reader gives, read to its end (the reader is not closed). */
    public static TextModel train(Reader reader, Training options) {
        return TrainingRun.run(options, "reader", List.of(Objects.requireNonNull(reader, "reader")));
    }

    /**
     * A model built into rnn4j, to generate from or to fine-tune from ({@link Training#startFrom}): {@code english}, a
     * 2-layer GRU of 256 trained by rnn4j on public-domain English (the King James New Testament, SQLite's
     * documentation, The Devil's Dictionary, the Jargon File and The Time Machine; {@code scripts/train-english.sh} is
     * its recipe), its weights stored in 16 bits.
     */
    public static TextModel pretrained(String name) {
        if (!PRETRAINED.contains(name)) {
            throw new InputException("no built-in model '" + name + "': the built-in models are "
                    + String.join(", ", PRETRAINED) + "; or give a checkpoint's path");
        }
        String resource = "/org/rnn4j/models/" + name + ".safetensors";
        try (java.io.InputStream in = TextModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("rnn4j's jar lacks " + resource);
            }
            Checkpoint.Contents c = Checkpoint.load(in.readAllBytes(), "built-in model " + name, Kernels.best(),
                    note -> { });
            return new TextModel(c, c::optimizer);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("rnn4j's jar: cannot read " + resource, e);
        }
    }

    /** The names {@link #pretrained} knows. */
    public static final List<String> PRETRAINED = List.of("english");

    /**
     * A built-in model by its name ({@link #pretrained}), or else the checkpoint at that path ({@link #load(Path,
     * Consumer)}): what the command line's {@code --model} and {@code --init-from} take ({@code ./english} is a file).
     */
    public static TextModel open(String model, Consumer<String> notes) {
        Objects.requireNonNull(model, "model");
        return PRETRAINED.contains(model) ? pretrained(model) : load(Path.of(model), notes);
    }

    /** Loads a checkpoint written by {@link #save} or by {@code rnn4j train --out}. */
    public static TextModel load(Path file) {
        return load(file, note -> { });
    }

    /**
     * Loads a checkpoint, as {@link #load(Path)}, handing what a user should know but that does not stop the load (a
     * file from before checksums) to {@code notes}.
     */
    public static TextModel load(Path file, Consumer<String> notes) {
        Checkpoint.Contents c = Checkpoint.load(Objects.requireNonNull(file, "file"), Kernels.best(), notes);
        return new TextModel(c, c::optimizer);
    }

    /**
     * Writes the model as a safetensors checkpoint: to a temporary file, forced to disk and renamed over {@code file},
     * so that no reader ever sees half of one.
     */
    public void save(Path file) {
        Checkpoint.save(Objects.requireNonNull(file, "file"), new Checkpoint.Contents(model, shape, vocab, data, config,
                preset, state, optimizer.get(), metrics));
    }

    /**
     * Writes the model's weights alone, each in 16 bits (safetensors' F16, as its header says), with its vocabulary,
     * settings and figures but not its optimiser's state: a quarter of the size of {@link #save}'s file after Adam, a
     * model that loads, generates and fine-tunes as before (to 16-bit precision) but whose run cannot be resumed.
     */
    public void saveWeights(Path file) {
        Checkpoint.saveWeights(Objects.requireNonNull(file, "file"), new Checkpoint.Contents(model, shape, vocab, data,
                config, preset, state, Optimizer.State.NONE, metrics));
    }

    /**
     * Writes this model's tokens as a Hugging Face {@code tokenizer.json} ({@link TokenizerJson}): the {@code tokenizers}
     * library then reads a (preprocessed) text to the ids this model does.
     */
    public void saveTokenizer(Path file) {
        TokenizerJson.write(Objects.requireNonNull(file, "file"), vocab);
    }

    /**
     * Writes this model as a standard ONNX graph ({@link OnnxExport}: opset 17, IR version 8), its state an input and
     * an output, its vocabulary, tokenizer and preprocessing in the metadata, for ONNX Runtime (in C, C++, C#, Java,
     * Python, and a web page with {@code onnxruntime-web}) to run; whole or not at all.
     */
    public void exportOnnx(Path file) {
        OnnxExport.write(Objects.requireNonNull(file, "file"), model, new OnnxExport.Text(vocab, data.preprocessing()),
                "rnn4j " + shape.cell().name().toLowerCase(Locale.ROOT) + " " + shape.layers() + " × " + shape.hidden()
                        + ", " + vocab.size() + " " + vocab.kind().name().toLowerCase(Locale.ROOT) + " tokens, trained on "
                        + String.join(", ", data.corpora()));
    }

    /**
     * A prefix as this model reads it, with its preprocessing, and what to tell about it: that it reads otherwise
     * than written, and each character the model never saw (it reads as {@code <unk>}).
     */
    public Prompt prompt(String prefix) {
        String given = read(List.of(prefix)).get(0);
        List<String> notes = given.equals(prefix) ? List.of() : List.of("the prefix reads as '" + given
                + "' (the model's " + data.preprocessing().name().toLowerCase(Locale.ROOT) + " preprocessing)");
        List<String> warnings = new ArrayList<>();
        Set<Integer> unknown = new LinkedHashSet<>();
        given.codePoints().filter(c -> !vocab.contains(c)).forEach(unknown::add);
        for (int c : unknown) {
            warnings.add("the prefix '" + given + "' has '" + Character.toString(c)
                    + "', which is not in the model's vocabulary: it reads as <unk>");
        }
        return new Prompt(given, notes, warnings);
    }

    /**
     * The prefix, read with the model's preprocessing, followed by {@code sampling.length()} generated tokens; a
     * document separator shows as ␜. The same seed, prefix and model give the same text, as {@code rnn4j generate
     * --seed} does.
     */
    public String generate(String prefix, Sampling sampling) {
        return generate(List.of(prefix), sampling).get(0);
    }

    /** Generates as {@link #generate(String, Sampling)}, handing each token's text to {@code onToken} as it comes. */
    public void generate(String prefix, Sampling sampling, Consumer<String> onToken) {
        Objects.requireNonNull(onToken, "onToken");
        generate(List.of(prefix), sampling, (text, stream) -> onToken.accept(text));
    }

    /**
     * {@code samples} texts after one prefix, sampled together as one batch (each step one matrix product for all):
     * the first is {@link #generate(String, Sampling)}'s text, and each the same as {@code rnn4j generate --samples}
     * gives for the same seed.
     */
    public List<String> generate(String prefix, Sampling sampling, int samples) {
        if (samples < 1) {
            throw new InputException("samples must be a positive whole number, got " + samples);
        }
        return generate(Collections.nCopies(samples, prefix), sampling);
    }

    /** Each prefix continued, all of them stepping together, as {@link #generate(List, Sampling, ObjIntConsumer)}. */
    public List<String> generate(List<String> prefixes, Sampling sampling) {
        List<String> given = read(prefixes);
        List<StringBuilder> texts = new ArrayList<>();
        for (String g : given) {
            texts.add(new StringBuilder(Corpus.shown(g)));
        }
        continueRead(given, sampling, (text, stream) -> texts.get(stream).append(text));
        return texts.stream().map(StringBuilder::toString).toList();
    }

    /**
     * Continues each prefix (read with the model's preprocessing), the continuations stepping together as one batch,
     * handing each token's text and its prefix's index to {@code onToken} as they come, step by step. The i-th
     * continuation draws with the i-th split of the seed's generator, so the first is {@link #generate(String,
     * Sampling)}'s and each is what it would be alone.
     */
    public void generate(List<String> prefixes, Sampling sampling, ObjIntConsumer<String> onToken) {
        Objects.requireNonNull(onToken, "onToken");
        continueRead(read(prefixes), sampling, onToken);
    }

    /** Each prefix as the model reads it (what {@link #prompt} gives, without its notes). */
    private List<String> read(List<String> prefixes) {
        return prefixes.stream().map(p -> data.preprocessing().prefix(Objects.requireNonNull(p, "prefix"))).toList();
    }

    /** {@link #generate(List, Sampling, ObjIntConsumer)} of prefixes already read. */
    private void continueRead(List<String> given, Sampling sampling, ObjIntConsumer<String> onToken) {
        LanguageModel view = inference();
        Feeder f = new Feeder(view, view.generationWorkspace(1));
        List<Stream> streams = streams(f, given, sampling);
        Generator.run(f.model(), streams, (stream, token) -> onToken.accept(streams.get(stream).text(), stream));
    }

    /**
     * {@code samples} continuations of a prompt, ready for a {@link org.rnn4j.generate.Stepper} to step (with those of
     * other requests, as a server does): the prompt is fed here, on the calling thread, and the i-th draws with the
     * i-th split of the seed's generator, as {@link #generate(String, Sampling, int)}'s samples do.
     */
    public List<Stream> streams(Prompt prompt, Sampling sampling, int samples) {
        return streams(prompt, sampling, samples, null);
    }

    /**
     * {@link #streams(Prompt, Sampling, int)} with the prompt read from the state of its longest prefix in
     * {@code cache} (null: none), whose entries must all be of this model, and its own state kept there: the same
     * streams, reading only what is new.
     */
    public List<Stream> streams(Prompt prompt, Sampling sampling, int samples, StateCache cache) {
        return streams(feeders.get(), Collections.nCopies(samples, prompt.text()), sampling, cache);
    }

    private List<Stream> streams(Feeder f, List<String> prefixes, Sampling sampling) {
        return streams(f, prefixes, sampling, null);
    }

    private List<Stream> streams(Feeder f, List<String> prefixes, Sampling sampling, StateCache cache) {
        Objects.requireNonNull(sampling, "sampling");
        return Generator.streams(f.model(), f.one(), vocab, prefixes,
                Generator.samplers(sampling.decoding(), sampling.seed(), prefixes.size(), vocab.size()),
                sampling.length(), cache);
    }

    /** A token's text as generation shows it (a document separator as ␜). */
    public String shown(int token) {
        return vocab.shown(token);
    }

    /**
     * The perplexity of the model on a text, read with its preprocessing: exp of the mean cross-entropy of each token
     * after the first; characters the model never saw count as {@code <unk>}. A model with a memory of its training
     * text ({@link Training#memory}) is read as the mixture, as it generates.
     */
    public double perplexity(String text) {
        return Evaluation.perplexity(inference(), read(text), config.steps());
    }

    /**
     * {@link #perplexity}'s cross-entropy in bits per character: log₂ of the perplexity, divided by the characters per
     * token for words and subwords.
     */
    public double bitsPerCharacter(String text) {
        TokenIds ids = read(text);
        return Epoch.bits(Evaluation.perplexity(inference(), ids, config.steps()),
                Evaluation.charactersPerToken(ids, vocab));
    }

    private TokenIds read(String text) {
        Encoded e = Encoded.with("text", List.of(new StringReader(Objects.requireNonNull(text, "text"))),
                data.preprocessing(), vocab);
        if (e.ids().length() < 2) {
            throw new InputException("the text has " + e.ids().length() + " tokens after "
                    + data.preprocessing().name().toLowerCase(Locale.ROOT)
                    + " preprocessing; perplexity needs at least 2");
        }
        return e.ids();
    }

    /**
     * This model generating and measuring on {@code threads} threads: a view for one calling thread at a time, which
     * shares the weights.
     */
    public TextModel onThreads(int threads) {
        if (threads < 1) {
            throw new InputException("threads must be a positive whole number, got " + threads);
        }
        return new TextModel(this, Kernels.best(threads));
    }

    private LanguageModel inference() {
        return model.withKernels(kernels != null ? kernels : INFERENCE.get());
    }

    /** The tokens the model knows: {@code <unk>} at index 0, then code points by descending frequency. */
    public Vocab vocabulary() {
        return vocab;
    }

    /** The shape of the network: cell, hidden units, layers, dropout, initialisation. */
    public ModelConfig shape() {
        return shape;
    }

    /** How the model reads text (its prefixes and the texts of {@link #perplexity}). */
    public Preprocessing preprocessing() {
        return data.preprocessing();
    }

    /** The corpora the model was trained on, as they were named ({@code timemachine}, a file, a folder, …). */
    public List<String> corpora() {
        return data.corpora();
    }

    /** The name of the settings it was trained with ({@code text} for {@link Training#defaults()}). */
    public String preset() {
        return preset;
    }

    /** The minibatch's time steps it was trained on: the window {@link #perplexity} reads with. */
    public int steps() {
        return config.steps();
    }

    /** Each epoch's figures, in order, up to the epoch this model's weights are from. */
    public List<Epoch> history() {
        return metrics;
    }

    /** The explicit network, for the seeds' pieces ({@link LanguageModel#forward} and friends); its kernels are the
     * ones it was trained or loaded with, for one thread at a time. */
    public LanguageModel network() {
        return model;
    }
}
