package org.rnn4j.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.InputException;
import org.rnn4j.text.Vocab;
import org.rnn4j.generate.TokenSampler;
import org.rnn4j.generate.Generator;
import org.rnn4j.generate.Decoding;
import org.rnn4j.data.Sampler;
import org.rnn4j.data.TokenIds;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Encoded;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j bench}: trains each configuration for a fixed time and reports its throughput, the
 * effective GFLOPS and their share of the machine's measured multiply-add peak.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure training throughput: tokens/s, effective GFLOPS and share of the FMA peak.",
                "Lists (--hidden 128,256) run every combination."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--corpus", paramLabel = "FILE",
            description = "Train on a corpus ('timemachine' for the built-in one; its first 10,000 tokens)"
                    + " instead of random tokens.")
    String corpus;

    @Option(names = "--preprocess", paramLabel = "MODE", description = "letters (default), spaces or raw, for --corpus.")
    String preprocess = "letters";

    @Option(names = "--vocab", paramLabel = "V", description = "Vocabulary of the random tokens (default: 28).")
    int vocab = 28;

    @Option(names = "--cell", paramLabel = "CELL", description = "rnn (default), gru or lstm.")
    String cell = "rnn";

    @Option(names = "--layers", paramLabel = "L", description = "Stacked recurrent layers (default: 1).")
    int layers = 1;

    @Option(names = "--hidden", paramLabel = "H", split = ",", description = "Hidden units (default: 512).")
    List<Integer> hidden = List.of(512);

    @Option(names = "--batch", paramLabel = "B", split = ",", description = "Batch sizes (default: 32).")
    List<Integer> batch = List.of(32);

    @Option(names = "--steps", paramLabel = "T", description = "Time steps (default: 35).")
    int steps = 35;

    @Option(names = "--threads", paramLabel = "N", split = ",", description = "Thread counts (default: all cores).")
    List<Integer> threads = List.of(Runtime.getRuntime().availableProcessors());

    @Option(names = "--seconds", paramLabel = "S", description = "Measured time per configuration (default: 10).")
    double seconds = 10;

    @Option(names = "--warmup", paramLabel = "S", description = "Unmeasured time before it (default: 3).")
    double warmup = 3;

    @Option(names = "--generate", description = "Measure generation instead: characters/s of --streams sampling together.")
    boolean generate;

    @Option(names = "--streams", paramLabel = "N", split = ",",
            description = "With --generate, streams stepping together as one batch (default: 1,16).")
    List<Integer> streams = List.of(1, 16);

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON ('-': standard output).")
    String json;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "rnn4j (default) or libtorch (a build with -Plibtorch): where training runs.")
    String engineName = "rnn4j";

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu (default) or gpu, for --engine libtorch.")
    String device = "cpu";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Flags.positive("--vocab", vocab);
        Flags.positive("--steps", steps);
        Flags.positive("--layers", layers);
        CellType cellType = TrainCommand.parseEnum(CellType.class, "--cell", cell);
        Flags.positive("--seconds", seconds);
        Flags.atLeast("--warmup", (int) Math.ceil(warmup), 0);
        hidden.forEach(h -> Flags.positive("--hidden", h));
        batch.forEach(b -> Flags.positive("--batch", b));
        threads.forEach(t -> Flags.positive("--threads", t));
        if (json != null && !json.equals("-")) {
            OutputFiles.checkFolder(Path.of(json), "--json");
        }
        PrintWriter out = spec.commandLine().getOut();
        Engine engine = Engine.named(engineName, device);
        if (engine != Engine.OWN && generate) {
            throw new InputException("--generate measures rnn4j's own kernels; leave out --engine " + engineName);
        }

        TokenIds ids;
        int v;
        String data;
        if (corpus != null) {
            Encoded text = Encoded.build(new Encoded.Source(corpus, null,
                    TrainCommand.parseEnum(Preprocessing.class, "--preprocess", preprocess), 10_000, false), 1);
            ids = text.ids();
            v = text.vocab().size();
            data = text.name();
        } else {
            Rng rng = new Rng(1);
            int[] random = new int[10_000];
            for (int i = 0; i < random.length; i++) {
                random[i] = rng.nextInt(vocab);
            }
            ids = TokenIds.of(random);
            v = vocab;
            data = "random tokens";
        }

        Map<Integer, Kernels> teams = new LinkedHashMap<>(); // one worker team per thread count
        Map<Integer, Double> peaks = new LinkedHashMap<>();
        for (int t : threads) {
            teams.computeIfAbsent(t, Kernels::best);
            peaks.put(t, teams.get(t).fmaPeakGflops());
        }
        out.printf(Locale.ROOT, "%s × %d layer%s; data: %s, V %d, T %d; kernels %s; FMA peak %s%s%n",
                TrainCommand.lower(cellType), layers, layers == 1 ? "" : "s", data, v, steps,
                Kernels.best(1).name().replace(" × 1 thread", "") + ", tile " + Kernels.best(1).tile(), peakText(peaks),
                engine == Engine.OWN ? "" : "; training on " + engine.describe());
        List<Map<String, Object>> rows = new ArrayList<>();
        if (generate) {
            streams.forEach(n -> Flags.positive("--streams", n));
            out.printf("%6s %6s %8s %8s %14s%n", "H", "V", "streams", "threads", "characters/s");
            for (int h : hidden) {
                for (int n : streams) {
                    for (int t : threads) {
                        Map<String, Object> row = measureGeneration(v, new ModelConfig(cellType, h, layers, 0,
                                Init.UNIFORM), n, teams.get(t));
                        rows.add(row);
                        out.printf(Locale.ROOT, "%6d %6d %8d %8d %,14.0f%n", h, v, n, t,
                                (double) row.get("characters_per_second"));
                    }
                }
            }
        }
        if (!generate) {
            out.printf("%6s %6s %5s %4s %8s %12s %9s %7s%n", "H", "V", "B", "T", "threads", "tokens/s", "GFLOPS",
                    "% peak");
        }
        for (int h : generate ? List.<Integer>of() : hidden) {
            for (int b : batch) {
                for (int t : threads) {
                    int needed = Sampler.minimumTokens(b, steps);
                    if (ids.length() < needed) {
                        throw new InputException("--batch " + b + " × --steps " + steps + " needs " + needed
                                + " tokens; the benchmark data has " + ids.length());
                    }
                    Map<String, Object> row = measure(ids, v, new ModelConfig(cellType, h, layers, 0, Init.NORMAL), b,
                            teams.get(t), peaks.get(t), engine);
                    rows.add(row);
                    out.printf(Locale.ROOT, "%6d %6d %5d %4d %8d %,12.0f %9.1f %6.1f%%%n", h, v, b, steps, t,
                            (double) row.get("tokens_per_second"), (double) row.get("gflops"),
                            (double) row.get("peak_share") * 100);
                }
            }
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("cell", TrainCommand.lower(cellType));
            doc.put("layers", layers);
            doc.put("data", data);
            doc.put("kernels", Kernels.best(1).name());
            doc.put("engine", engine.describe());
            doc.put("fma_peak_gflops", peaks);
            doc.put("results", rows);
            String text = new GsonBuilder().setPrettyPrinting().create().toJson(doc) + "\n";
            if (json.equals("-")) {
                out.print(text);
                out.flush();
            } else {
                OutputFiles.writeAtomically(Path.of(json), text.getBytes(StandardCharsets.UTF_8), "--json");
            }
        }
        return 0;
    }

    private Map<String, Object> measure(TokenIds ids, int v, ModelConfig shape, int b, Kernels kernels, double peak,
                                        Engine engine) {
        Rng rng = new Rng(0);
        LanguageModel model = shape.build(v, rng.split(), kernels);
        TrainConfig config = new TrainConfig(b, steps, Integer.MAX_VALUE, Optimizer.Kind.SGD, 1.0, 1.0,
                Sampler.Kind.CONSECUTIVE, false, 0);
        Trainer trainer = new Trainer(model, ids, config, rng.split(), rng.split(), kernels).on(engine);
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        trainer.run(r -> { }, () -> System.nanoTime() > warmEnd);
        long[] tokens = {0};
        double[] time = {0};
        trainer.run(r -> {
            tokens[0] += r.tokens();
            time[0] += r.seconds();
        }, () -> time[0] >= seconds);
        double tokensPerSecond = tokens[0] / time[0];
        double gflops = tokensPerSecond * model.flopsPerToken() / 1e9;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("hidden", shape.hidden());
        row.put("vocab", v);
        row.put("batch", b);
        row.put("steps", steps);
        row.put("threads", kernels.threads());
        row.put("tokens_per_second", tokensPerSecond);
        row.put("gflops", gflops);
        row.put("peak_share", gflops / peak);
        return row;
    }

    /** Characters/s of {@code n} streams sampling 200 tokens together from an empty prefix, call after call. */
    private Map<String, Object> measureGeneration(int v, ModelConfig shape, int n, Kernels kernels) {
        LanguageModel model = shape.build(v, new Rng(0), kernels);
        Vocab vocabulary = Vocab.of(java.util.stream.IntStream.range(0, v - 1).map(i -> 0x4E00 + i).toArray());
        Rng rng = new Rng(1);
        int length = 200;
        long[] characters = {0};
        Runnable call = () -> {
            List<TokenSampler> samplers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                samplers.add(new TokenSampler(new Decoding(1, 0, 1), rng.split(), v));
            }
            Generator.continuations(model, vocabulary, java.util.Collections.nCopies(n, ""), length, samplers,
                    (b, id) -> characters[0]++);
        };
        for (long end = System.nanoTime() + (long) (warmup * 1e9); System.nanoTime() < end; ) {
            call.run();
        }
        characters[0] = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9) {
            call.run();
        }
        double perSecond = characters[0] / ((System.nanoTime() - start) / 1e9);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("hidden", shape.hidden());
        row.put("vocab", v);
        row.put("streams", n);
        row.put("threads", kernels.threads());
        row.put("characters_per_second", perSecond);
        return row;
    }

    private static String peakText(Map<Integer, Double> peaks) {
        StringBuilder sb = new StringBuilder();
        peaks.forEach((t, g) -> sb.append(sb.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%.0f GFLOPS on %d thread%s", g, t, t == 1 ? "" : "s")));
        return sb.toString();
    }
}
