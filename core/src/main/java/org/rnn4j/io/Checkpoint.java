package org.rnn4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.rnn4j.InputException;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.Parameters;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.TrainConfig;

/**
 * One self-describing file per model, in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format: an 8-byte little-endian header length, a JSON header, then the tensors as little-endian
 * float32. Tensors: every parameter under its name ({@code E (V, E)} with an embedding, {@code W_xh (V, G·H)} (or
 * (E, G·H)), {@code W_hh (H, G·H)},
 * {@code b_h (G·H)}, {@code b_hh (G·H)} for the GRU, {@code l2.W_xh} … for higher layers, {@code
 * W_hq (H, V)}, {@code b_q (V)}), and the optimiser's state tensors as {@code optimizer.NAME} (Adam's
 * {@code optimizer.m} and {@code optimizer.v}, flat, in parameter order). The header's {@code __metadata__}
 * (strings, as the format requires; JSON inside, mapped by {@link CheckpointJson}) holds {@code format},
 * {@code format_version}, {@code vocab} (the code points of indices 1…V−1), {@code model}, {@code data},
 * {@code training}, {@code preset} (whose printing settings a resumed run keeps), {@code state} (epochs done,
 * generator states, optimiser steps) and {@code metrics} (one entry per epoch). A model with a {@link Memory} also has
 * {@code memory} ({@code order}, {@code discount}, the network's {@code weight}) in its metadata and the text it counts
 * as the tensor {@code memory.text} ({@code U16}, or {@code I32} for a vocabulary above 65,536): the count model is
 * built again from it on loading.
 */
public final class Checkpoint {
    /** The tensor of a model's {@link Memory}: the training text it counts, as token indices. */
    static final String MEMORY_TEXT = "memory.text";
    public static final String FORMAT = "rnn4j-checkpoint";
    public static final int VERSION = 1;

    /** Where a run stands after {@code epochsDone} epochs: the states of its two generators. */
    public record RunState(int epochsDone, long sampleRng, long dropoutRng) {
    }

    /**
     * What a checkpoint holds: the model with its weights, and everything needed to continue its run or use it.
     *
     * @param preset    the name of the settings the run started from (the command line's preset, or "text")
     * @param optimizer the optimiser's state, {@link Optimizer.State#NONE} for SGD
     * @param metrics   each epoch's figures, in order
     */
    public record Contents(LanguageModel model, ModelConfig shape, Vocab vocab, DataConfig data, TrainConfig training,
                           String preset, RunState state, Optimizer.State optimizer, List<Epoch> metrics) {
        public Contents {
            metrics = List.copyOf(metrics);
        }
    }

    private Checkpoint() {
    }

    /**
     * Writes the checkpoint to a temporary file beside {@code file}, forces it to disk, then renames
     * it over {@code file}: a crash at any point leaves the previous checkpoint whole.
     */
    public static void save(Path file, Contents c) {
        write(file, c, false);
    }

    /**
     * Writes the model alone, as {@link #save} does but without the optimiser's state and with every weight in half
     * precision (F16, which the header says): a model to start from, a quarter of a checkpoint of Adam's run, that
     * loads, generates and fine-tunes but cannot resume its run.
     */
    public static void saveWeights(Path file, Contents c) {
        write(file, c, true);
    }

    private static void write(Path file, Contents c, boolean weightsOnly) {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Parameters p = c.model().params;
        for (Parameters.View v : p.views()) {
            float[] values = new float[v.size()];
            System.arraycopy(p.data, v.offset(), values, 0, v.size());
            tensors.put(v.name(), values);
            shapes.put(v.name(), shape(v));
        }
        for (String name : weightsOnly ? List.<String>of() : c.training().optimizer().stateTensors()) {
            float[] values = c.optimizer().tensors().get(name);
            if (values == null) { // a model loaded from weights alone: nothing to write, as it was read
                continue;
            }
            tensors.put("optimizer." + name, values);
            shapes.put("optimizer." + name, new int[] {values.length});
        }
        Map<String, int[]> integers = new LinkedHashMap<>();
        Memory memory = c.model().memory();
        if (memory != null) {
            int[] text = memory.ngram().text();
            integers.put(MEMORY_TEXT, text);
            shapes.put(MEMORY_TEXT, new int[] {text.length});
        }
        try {
            AtomicFile.write(file, Safetensors.encode(tensors, shapes, CheckpointJson.metadata(c), weightsOnly,
                    integers));
        } catch (IOException e) {
            throw new InputException(file + ": cannot write the checkpoint (" + e.getMessage()
                    + "); check that the folder is writable and has room — the previous checkpoint is intact", e);
        }
    }

    /** Reads a checkpoint; any defect is an {@link InputException} naming the file and what is wrong. */
    public static Contents load(Path file, Kernels kernels) {
        return load(file, kernels, note -> { });
    }

    /**
     * Reads a checkpoint, as {@link #load(Path, Kernels)}, and hands what a user should know but that does not stop
     * the load (a file from before checksums) to {@code notes}.
     */
    public static Contents load(Path file, Kernels kernels, Consumer<String> notes) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such model file; give the path of a checkpoint a training wrote");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read the model file (" + e.getMessage() + ")");
        }
        return load(bytes, file.toString(), kernels, notes);
    }

    /** Reads a checkpoint's bytes, named {@code file} in messages, as {@link #load(Path, Kernels, Consumer)} does. */
    public static Contents load(byte[] bytes, String file, Kernels kernels, Consumer<String> notes) {
        Safetensors.Contents c = Safetensors.decode(bytes, file);
        if (!c.checksummed()) {
            notes.accept(file + " has no checksum of its tensor data (an older rnn4j wrote it), so damage to the "
                    + "weights cannot be told; it gets one when it is saved again");
        }
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new InputException(file + ": a safetensors file, but not an rnn4j checkpoint (no format '"
                    + FORMAT + "' in its metadata)");
        }
        if (!Integer.toString(VERSION).equals(meta.get("format_version"))) {
            throw new InputException(file + ": checkpoint format version " + meta.get("format_version")
                    + "; this rnn4j reads version " + VERSION + " — use the rnn4j that wrote it, or train again");
        }
        CheckpointJson.Header h = CheckpointJson.header(meta, file);
        ModelConfig shape = h.shape();
        Vocab vocab = h.vocab();
        // the sizes in the metadata must match the tensors before they size any allocation
        int width = shape.cell().gates * shape.hidden();
        c.entry("W_hh", new int[] {shape.hidden(), width}, "the model");
        c.entry("W_xh", new int[] {shape.embedding() > 0 ? shape.embedding() : vocab.size(), width}, "the model");
        if (shape.embedding() > 0) {
            c.entry("E", new int[] {vocab.size(), shape.embedding()}, "the model");
        }
        LanguageModel model;
        try {
            model = shape.build(vocab.size(), new Rng(0), kernels);
        } catch (IllegalArgumentException e) { // a size or a dropout out of its range: the metadata was changed
            throw new InputException(file + ": the checkpoint's model is damaged (" + e.getMessage()
                    + "); train again or use another checkpoint");
        }
        for (Parameters.View v : model.params.views()) {
            float[] values = c.tensor(v.name(), shape(v), "the model");
            System.arraycopy(values, 0, model.params.data, v.offset(), v.size());
        }
        Map<String, float[]> state = new LinkedHashMap<>();
        boolean weightsOnly = h.training().optimizer().stateTensors().stream()
                .noneMatch(name -> c.tensors().containsKey("optimizer." + name));
        for (String name : weightsOnly ? List.<String>of() : h.training().optimizer().stateTensors()) {
            state.put(name, c.tensor("optimizer." + name, new int[] {model.params.size()}, "the optimiser's state"));
        }
        if (h.memory() != null) {
            int[] text = c.integers(MEMORY_TEXT, "the memory's text");
            try {
                model = model.withMemory(new Memory(new KneserNey(text, h.memory().order(), vocab.size()),
                        h.memory().weight()));
            } catch (IllegalArgumentException e) {
                throw new InputException(file + ": the checkpoint's memory is damaged (" + e.getMessage()
                        + "); train again or use another checkpoint");
            }
        }
        return new Contents(model, shape, vocab, h.data(), h.training(), h.preset(), h.state(),
                new Optimizer.State(h.optimizerSteps(), state), h.metrics());
    }

    /** A tensor's stored shape: a bias (one row) is one-dimensional, as in PyTorch. */
    private static int[] shape(Parameters.View v) {
        return v.rows() == 1 ? new int[] {v.cols()} : new int[] {v.rows(), v.cols()};
    }
}
