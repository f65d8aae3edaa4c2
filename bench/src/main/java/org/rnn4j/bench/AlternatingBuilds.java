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
import java.util.function.DoubleSupplier;

/**
 * Two or more builds of rnn4j (their {@code rnn4j.jar}s) trained in one JVM, an epoch of each in turn, and each
 * build's tokens/s as a ratio to the first's epoch by epoch: on a shared VM whose speed drifts by a third within a
 * minute, the ratio of neighbouring epochs holds where figures from separate runs do not (separate {@code bench} runs of
 * one build there differ by a third; one build against itself here gave 1.013×, and the same two builds 0.99× to
 * 1.06× in five runs: read a median under about 5 % as noise). Each build gets a class
 * loader of its own, so each has its own classes, kernels and compiled code. Run through
 * {@code scripts/compare-builds.sh}, or: {@code java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp
 * bench/target/benchmarks.jar org.rnn4j.bench.AlternatingBuilds [--cell C] [--hidden H] [--vocab V] [--threads N]
 * [--seconds S] A.jar B.jar …}.
 */
public final class AlternatingBuilds {
    private AlternatingBuilds() {
    }

    public static void main(String[] args) throws Exception {
        String cell = "rnn";
        int hidden = 512, vocab = 28, threads = Runtime.getRuntime().availableProcessors();
        double seconds = 60, warmup = 5;
        List<Path> jars = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cell": cell = args[++i]; break;
                case "--hidden": hidden = Integer.parseInt(args[++i]); break;
                case "--vocab": vocab = Integer.parseInt(args[++i]); break;
                case "--threads": threads = Integer.parseInt(args[++i]); break;
                case "--seconds": seconds = Double.parseDouble(args[++i]); break;
                case "--warmup": warmup = Double.parseDouble(args[++i]); break;
                default:
                    Path jar = Path.of(args[i]);
                    if (!Files.isRegularFile(jar)) {
                        throw new IllegalArgumentException(args[i] + ": no such jar (give two builds' rnn4j.jar)");
                    }
                    jars.add(jar);
            }
        }
        if (jars.size() < 2) {
            throw new IllegalArgumentException("give two builds' rnn4j.jar or more, the first the baseline");
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
