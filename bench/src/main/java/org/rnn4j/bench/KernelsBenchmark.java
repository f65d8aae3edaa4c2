package org.rnn4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;

/**
 * The kernels of one training minibatch at the Time Machine shape (B 32, T 35, H 512, V 28), plain
 * against Vector API, on one and two threads. Run: {@code java --add-modules jdk.incubator.vector
 * -jar bench/target/benchmarks.jar}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class KernelsBenchmark {
    @Param({"reference", "vector-1", "vector-2"})
    String kernels;

    @Param({"512"})
    int hidden;

    /** 28 for the Time Machine, 1028 for the Jay Chou lyrics. */
    @Param({"28"})
    int vocab;

    private static final int B = 32, T = 35;
    private Kernels k;
    private float[] h, w, packed, c, hs, dz, dw, logits;
    private int[] labels;

    @Setup
    public void setup() {
        k = kernels.equals("reference") ? Kernels.reference() : Kernels.best(kernels.equals("vector-1") ? 1 : 2);
        Rng rng = new Rng(1);
        h = random(B * hidden, rng);
        w = random(hidden * hidden, rng);
        packed = new float[k.packedSize(hidden, hidden)];
        k.pack(hidden, hidden, w, 0, hidden, false, packed);
        c = new float[B * hidden];
        hs = random(T * B * hidden, rng);
        dz = random(T * B * hidden, rng);
        dw = new float[hidden * hidden];
        logits = random(T * B * vocab, rng);
        labels = new int[T * B];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(vocab);
        }
    }

    private static float[] random(int n, Rng rng) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.1 * rng.nextGaussian());
        }
        return x;
    }

    /** One recurrent step: (B, H)·(H, H). */
    @Benchmark
    public float recurrentStep() {
        k.matmul(B, hidden, hidden, h, 0, hidden, w, 0, hidden, c, 0, hidden, false);
        return c[0];
    }

    /** The same step with W_hh packed and the tanh fused. */
    @Benchmark
    public float recurrentStepPacked() {
        k.matmulPackedAddTanh(B, hidden, hidden, h, 0, hidden, packed, c, 0, hidden);
        return c[0];
    }

    /** dW_hh = H_prevᵀ dZ over all T·B rows. */
    @Benchmark
    public float weightGradient() {
        k.matmulTN(hidden, hidden, T * B, hs, 0, hidden, dz, 0, hidden, dw, 0, hidden, false);
        return dw[0];
    }

    /** The output layer's logits O = H W_hq over all T·B rows: (T·B, H)·(H, V). */
    @Benchmark
    public float outputLogits() {
        k.matmul(T * B, vocab, hidden, hs, 0, hidden, w, 0, vocab, logits, 0, vocab, false);
        return logits[0];
    }

    /** Packing W_hh transposed, as backward does once per minibatch. */
    @Benchmark
    public float packTransposed() {
        k.pack(hidden, hidden, w, 0, hidden, true, packed);
        return packed[0];
    }

    /** Softmax cross-entropy of the (T·B, V) outputs (the logits are overwritten by the gradient). */
    @Benchmark
    public double softmaxCrossEntropy() {
        return k.softmaxCrossEntropy(logits, 0, T * B, vocab, labels);
    }

    /** tanh over one step's (B, H) activations. */
    @Benchmark
    public float tanh() {
        k.tanh(h, 0, B * hidden);
        return h[0];
    }
}
