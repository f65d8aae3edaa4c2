package org.rnn4j.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rnn4j.Prompt;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.generate.StateCache;
import org.rnn4j.generate.Stream;
import org.rnn4j.io.CheckpointJson;
import org.rnn4j.train.Epoch;

/**
 * A model the server serves, named by its file's stem: its card for {@code GET /v1/models}, and its generation,
 * prefixes fed on the request's own thread and the continuations stepped by the model's {@link Batcher}.
 */
final class ServedModel implements AutoCloseable {
    final String name;
    final TextModel text;
    final Batcher batcher;
    private final SecureRandom seeds = new SecureRandom();

    /** The states its prompts reached, so that one extending another reads only what is new. */
    final StateCache cache;
    /** When its file was last written (a built-in model: when loaded), in seconds since 1970: OpenAI's {@code created}. */
    private final long created;

    /**
     * {@code model}: a checkpoint's path, served under its file's stem, or a built-in model's name, as
     * {@link TextModel#open} takes them.
     */
    ServedModel(String model, int threads, Limits limits, java.util.function.IntConsumer onStep) {
        this.text = TextModel.open(model, note -> { });
        if (TextModel.PRETRAINED.contains(model)) {
            this.name = model;
            this.created = System.currentTimeMillis() / 1000; // a built-in model has no file: when it was loaded
        } else {
            Path file = Path.of(model);
            String stem = file.getFileName().toString();
            this.name = stem.contains(".") ? stem.substring(0, stem.lastIndexOf('.')) : stem;
            long modified;
            try {
                modified = java.nio.file.Files.getLastModifiedTime(file).toMillis() / 1000;
            } catch (java.io.IOException e) {
                modified = 0;
            }
            this.created = modified;
        }
        this.cache = new StateCache(limits.cacheBytes());
        this.batcher = new Batcher(name, text.network(), threads, limits, onStep);
    }

    /**
     * Feeds the prompt (but its last token) and queues one stream per sample, each drawing as the same sample of
     * {@code rnn4j generate --samples} does; null when the queue is full.
     */
    Batcher.Job start(Prompt prompt, Sampling sampling, int samples) {
        return start(prompt, sampling, samples, -1);
    }

    /** As {@link #start(Prompt, Sampling, int)}, each token with its log-probability and {@code top} alternatives'. */
    Batcher.Job start(Prompt prompt, Sampling sampling, int samples, int top) {
        List<Stream> streams = text.streams(prompt, sampling, samples, cache);
        Batcher.Job job = new Batcher.Job(samples);
        List<Batcher.Entry> entries = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            if (top >= 0) {
                streams.get(i).reportTop(top);
            }
            entries.add(new Batcher.Entry(job, i, streams.get(i)));
        }
        return batcher.submit(entries) ? job : null;
    }

    long created() {
        return created;
    }

    long freshSeed() {
        return seeds.nextLong();
    }

    JsonObject card() {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("cell", text.shape().cell().name().toLowerCase(Locale.ROOT));
        o.addProperty("hidden", text.shape().hidden());
        o.addProperty("layers", text.shape().layers());
        o.addProperty("parameters", text.network().params.size());
        o.addProperty("vocabulary", text.vocabulary().size());
        o.addProperty("preprocessing", text.preprocessing().name().toLowerCase(Locale.ROOT));
        JsonArray corpora = new JsonArray();
        text.corpora().forEach(corpora::add);
        o.add("corpus", corpora);
        if (text.network().memory() != null) { // the figures below are the mixture's
            JsonObject memory = new JsonObject();
            memory.addProperty("order", text.network().memory().ngram().order());
            memory.addProperty("weight", text.network().memory().weight());
            o.add("memory", memory);
        }
        List<Epoch> history = text.history();
        if (!history.isEmpty()) {
            Epoch last = history.get(history.size() - 1);
            o.addProperty("epochs", last.epoch());
            JsonObject figures = CheckpointJson.epoch(last); // the names and the absent validation, as the history's
            for (String key : List.of("perplexity", "bits_per_character", "val_perplexity", "val_bits_per_character",
                    "val_network_perplexity", "val_network_bits_per_character")) {
                if (figures.has(key)) {
                    o.add(key, figures.get(key));
                }
            }
        }
        JsonArray curve = new JsonArray();
        history.forEach(m -> curve.add(CheckpointJson.epoch(m)));
        o.add("history", curve);
        return o;
    }

    @Override
    public void close() {
        batcher.close();
    }
}
