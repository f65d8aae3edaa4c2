package org.rnn4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Two or more builds of rnn4j (their {@code rnn4j.jar}s) trained in one JVM, an epoch of each in turn, and each
 * build's tokens/s as a ratio to the first's epoch by epoch: on a shared VM whose speed drifts by a third within a
 * minute, the ratio of neighbouring epochs holds where figures from separate runs do not (separate {@code bench} runs of
 * one build there differ by a third; one build against itself here gave 1.013×, and the same two builds 0.99× to
 * 1.06× in five runs: read a median under about 5 % as noise). Each build gets a class
 * loader of its own, so each has its own classes, kernels and compiled code. Run through
 * {@code scripts/compare-builds.sh}, or: {@code java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp
 * bench/target/benchmarks.jar org.rnn4j.bench.AlternatingBuilds --help}.
 */
@Command(name = "AlternatingBuilds", mixinStandardHelpOptions = true,
        description = "Train two or more builds' rnn4j.jar in one JVM, an epoch of each in turn; the first is the "
                + "baseline of the ratios.")
public final class AlternatingBuilds implements Callable<Integer> {
    @Option(names = "--cell", description = "rnn (default), gru or lstm.")
    private String cell = "rnn";
    @Option(names = "--hidden", paramLabel = "H", description = "Hidden units (default: 512).")
    private int hidden = 512;
    @Option(names = "--vocab", paramLabel = "V", description = "Vocabulary of the random tokens (default: 28).")
    private int vocab = 28;
    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
    private int threads = Runtime.getRuntime().availableProcessors();
    @Option(names = "--seconds", paramLabel = "S", description = "Measured time, all builds together (default: 60).")
    private double seconds = 60;
    @Option(names = "--warmup", paramLabel = "S", description = "Unmeasured time before it (default: 5).")
    private double warmup = 5;
    @Parameters(arity = "2..*", paramLabel = "JAR", description = "Builds' rnn4j.jar, the baseline first.")
    private List<Path> jars;
    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AlternatingBuilds()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new ParameterException(spec.commandLine(), jar + ": no such jar (give two builds' rnn4j.jar)");
            }
        }
        byte[] trainer = classBytes(EpochTrainer.class);
        List<DoubleSupplier> builds = new ArrayList<>();
        for (Path jar : jars) {
            Class<?> type = new BuildLoader(jar, trainer).loadClass(EpochTrainer.class.getName());
            builds.add((DoubleSupplier) type.getConstructor(String.class, int.class, int.class, int.class)
                    .newInstance(cell, hidden, vocab, threads));
        }
        for (long end = System.nanoTime() + (long) (warmup * 1e9); System.nanoTime() < end; ) {
            builds.forEach(DoubleSupplier::getAsDouble);
        }
        List<List<Double>> rates = new ArrayList<>();
        builds.forEach(b -> rates.add(new ArrayList<>()));
        // the order turns each round, so that no build always runs right after the same other one
        long end = System.nanoTime() + (long) (seconds * 1e9);
        for (int round = 0; System.nanoTime() < end; round++) {
            for (int i = 0; i < builds.size(); i++) {
                int b = (i + round) % builds.size();
                rates.get(b).add(builds.get(b).getAsDouble());
            }
        }
        System.out.printf("%s H %d, V %d, %d threads: %d epochs of each build, alternating%n", cell, hidden, vocab,
                threads, rates.get(0).size());
        for (int b = 0; b < builds.size(); b++) {
            List<Double> ratios = new ArrayList<>();
            for (int e = 0; e < rates.get(b).size(); e++) {
                ratios.add(rates.get(b).get(e) / rates.get(0).get(e));
            }
            List<Double> sorted = new ArrayList<>(rates.get(b));
            Collections.sort(sorted);
            Collections.sort(ratios);
            System.out.printf("%s: tokens/s median %,.0f (quartiles %,.0f–%,.0f); to the first, epoch by epoch: "
                            + "median %.3f× (quartiles %.3f–%.3f)%n", jars.get(b), quantile(sorted, 0.5),
                    quantile(sorted, 0.25), quantile(sorted, 0.75), quantile(ratios, 0.5), quantile(ratios, 0.25),
                    quantile(ratios, 0.75));
        }
        return 0;
    }

    private static double quantile(List<Double> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** One build's classes, and the trainer defined among them: its references resolve to that build. */
    private static final class BuildLoader extends URLClassLoader {
        private final byte[] trainer;

        BuildLoader(Path jar, byte[] trainer) throws MalformedURLException {
            super(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            this.trainer = trainer;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.equals(EpochTrainer.class.getName())) {
                return defineClass(name, trainer, 0, trainer.length);
            }
            return super.findClass(name);
        }
    }
}
