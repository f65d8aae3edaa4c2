package org.rnn4j.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.rnn4j.TextModel;
import org.rnn4j.generate.Decoding;
import org.rnn4j.generate.Generator;
import org.rnn4j.generate.TokenSampler;
import org.rnn4j.io.Checkpoint;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Vocab;

/**
 * A model the server serves, named by its file's stem: its card for {@code GET /v1/models}, and its generation,
 * prefixes fed on the request's own thread and the continuations stepped by the model's {@link Batcher}.
 */
final class ServedModel implements AutoCloseable {
    /** A request thread's view of the network and its workspace for feeding prefixes, one token at a time. */
    private record Feeder(LanguageModel model, LanguageModel.Workspace workspace) {
    }

    final String name;
    final TextModel text;
    final Batcher batcher;
    private final ThreadLocal<Feeder> feeders;
    private final SecureRandom seeds = new SecureRandom();

    ServedModel(Path file, int threads, Limits limits, java.util.function.IntConsumer onStep) {
        String stem = file.getFileName().toString();
        this.name = stem.contains(".") ? stem.substring(0, stem.lastIndexOf('.')) : stem;
        this.text = TextModel.load(file);
        this.batcher = new Batcher(name, text.network(), threads, limits, onStep);
        this.feeders = ThreadLocal.withInitial(() -> {
            LanguageModel view = text.network().withKernels(Kernels.best(1));
            return new Feeder(view, view.generationWorkspace(1));
        });
    }

    /** The prefix as the model reads it, and the warnings a client should see about it. */
    record Prefix(String given, List<String> warnings) {
    }

    Prefix read(String raw) {
        String given = text.preprocessing().prefix(raw);
        List<String> warnings = new ArrayList<>();
        if (!given.equals(raw)) {
            warnings.add("the prefix reads as '" + given + "' (the model's "
                    + text.preprocessing().name().toLowerCase(Locale.ROOT) + " preprocessing)");
        }
        Vocab vocab = text.vocabulary();
        LinkedHashSet<Integer> unknown = new LinkedHashSet<>();
        given.codePoints().filter(c -> !vocab.contains(c)).forEach(unknown::add);
        for (int c : unknown) {
            warnings.add("the prefix has '" + Character.toString(c)
                    + "', which is not in the model's vocabulary: it reads as <unk>");
        }
        return new Prefix(given, warnings);
    }

    /**
     * Feeds the prefix (but its last token) and queues one stream per sample, each drawing with its own split of
     * {@code new Rng(seed)} as {@code rnn4j generate --samples} does; null when the queue is full.
     */
    Batcher.Job start(String given, GenerationRequest r, long seed) {
        Vocab vocab = text.vocabulary();
        Feeder f = feeders.get();
        State state = f.model().newState(1);
        int last = Generator.prime(f.model(), f.workspace(), vocab.encode(given), state);
        Decoding decoding = new Decoding(r.temperature(), r.topK(), r.topP());
        Rng rng = new Rng(seed);
        Batcher.Job job = new Batcher.Job(r.samples());
        List<Batcher.Stream> streams = new ArrayList<>();
        for (int i = 0; i < r.samples(); i++) {
            TokenSampler sampler = new TokenSampler(decoding, rng.split(), vocab.size());
            streams.add(new Batcher.Stream(job, i, i == r.samples() - 1 ? state : state.copy(), last, sampler,
                    r.length()));
        }
        return batcher.submit(streams) ? job : null;
    }

    long freshSeed() {
        return seeds.nextLong();
    }

    /** A token's text as {@code rnn4j generate} prints it (a document separator as ␜). */
    String shown(int token) {
        return text.vocabulary().shown(token);
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
        List<Checkpoint.Metrics> history = text.history();
        if (!history.isEmpty()) {
            Checkpoint.Metrics last = history.get(history.size() - 1);
            o.addProperty("epochs", last.epoch());
            o.addProperty("perplexity", last.perplexity());
            if (!Double.isNaN(last.valPerplexity())) {
                o.addProperty("val_perplexity", last.valPerplexity());
            }
        }
        JsonArray curve = new JsonArray();
        history.forEach(m -> curve.add(m.toJson()));
        o.add("history", curve);
        return o;
    }

    @Override
    public void close() {
        batcher.close();
    }
}
