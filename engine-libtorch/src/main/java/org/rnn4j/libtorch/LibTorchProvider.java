package org.rnn4j.libtorch;

import org.rnn4j.nn.Engine;

/** Lists libtorch among the engines {@code --engine} can name (through {@code META-INF/services}). */
public final class LibTorchProvider implements Engine.Provider {
    @Override
    public String name() {
        return "libtorch";
    }

    @Override
    public Engine create(String device) {
        return new LibTorch(device);
    }
}
