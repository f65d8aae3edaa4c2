package org.rnn4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.rnn4j.tensor.Rng;

/**
 * All parameters of a model in one {@code float[]}, the gradients in a twin array, and a named view
 * (offset, shape) per tensor. Clipping, optimisers and checkpoints work on the whole model in one
 * loop; a layer only knows its views.
 */
public final class Parameters {
    /** One tensor inside the flat array: {@code rows × cols} floats from {@code offset}, row-major. */
    public record View(String name, int offset, int rows, int cols) {
        public int size() {
            return rows * cols;
        }
    }

    public final float[] data;
    public final float[] grad;
    private final List<View> views;

    private Parameters(List<View> views, int size) {
        this.views = Collections.unmodifiableList(views);
        this.data = new float[size];
        this.grad = new float[size];
    }

    public List<View> views() {
        return views;
    }

    public int size() {
        return data.length;
    }

    /** Fills a view with N(0, std²) samples, in row-major order. */
    public void initNormal(View v, double std, Rng rng) {
        for (int i = v.offset(); i < v.offset() + v.size(); i++) {
            data[i] = (float) (rng.nextGaussian() * std);
        }
    }

    /** Fills a view with U(−bound, bound) samples, in row-major order. */
    public void initUniform(View v, double bound, Rng rng) {
        for (int i = v.offset(); i < v.offset() + v.size(); i++) {
            data[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
    }

    /** Lays out named tensors one after another. */
    public static final class Builder {
        private final List<View> views = new ArrayList<>();
        private int size;

        public View add(String name, int rows, int cols) {
            View v = new View(name, size, rows, cols);
            views.add(v);
            size = Math.addExact(size, Math.multiplyExact(rows, cols));
            return v;
        }

        public Parameters build() {
            return new Parameters(new ArrayList<>(views), size);
        }
    }
}
