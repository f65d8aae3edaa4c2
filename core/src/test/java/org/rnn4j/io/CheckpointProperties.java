package org.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.rnn4j.InputException;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.TrainConfig;

/** The checkpoint reader over random and damaged files: a model, or a clear error, never anything else. */
class CheckpointProperties {
    private static final byte[] VALID = valid();

    private static byte[] valid() {
        try {
            Vocab vocab = Vocab.of("abc ".codePoints().toArray());
            ModelConfig shape = ModelConfig.of(CellType.GRU, 4);
            LanguageModel model = shape.build(vocab.size(), new Rng(1), Kernels.reference());
            TrainConfig training = new TrainConfig(2, 3, 5, Optimizer.Kind.ADAM, 0.01, 1, Sampler.Kind.RANDOM, false, 0);
            Path f = Files.createTempFile("rnn4j", ".safetensors");
            Checkpoint.save(f, new Checkpoint.Contents(model, shape, vocab, new DataConfig(List.of("t.txt"), List.of(),
                    Preprocessing.RAW, 0, 1, 0, false), training, "timemachine", new Checkpoint.RunState(1, 2, 3),
                    Optimizer.Kind.ADAM.create(0.01, model.params, Kernels.reference()).state(), List.of()));
            byte[] bytes = Files.readAllBytes(f);
            Files.delete(f);
            return bytes;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void loadsOrFailsClearly(byte[] bytes) throws IOException {
        Path f = Files.createTempFile("rnn4j", ".safetensors");
        try {
            Files.write(f, bytes);
            try {
                Checkpoint.load(f, Kernels.reference());
            } catch (InputException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), "the message names the file: " + e.getMessage());
            }
        } finally {
            Files.delete(f);
        }
    }

    @Property(tries = 200)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) throws IOException {
        loadsOrFailsClearly(bytes);
    }

    @Property(tries = 300)
    void aValidCheckpointWithOneByteChanged(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
                                            @ForAll byte value) throws IOException {
        byte[] bytes = VALID.clone();
        bytes[where % bytes.length] = value;
        loadsOrFailsClearly(bytes);
    }

    /** Any one byte of the tensor data changed, to any other value: refused, naming the file and the checksum. */
    @Property(tries = 300)
    void aChangedByteOfTensorDataIsRefused(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
                                           @ForAll @IntRange(min = 1, max = 255) int flip) throws IOException {
        int dataStart = 8 + (int) java.nio.ByteBuffer.wrap(VALID, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] bytes = VALID.clone();
        bytes[dataStart + where % (bytes.length - dataStart)] ^= (byte) flip;
        Path f = Files.createTempFile("rnn4j", ".safetensors");
        try {
            Files.write(f, bytes);
            InputException e = assertThrows(InputException.class, () -> Checkpoint.load(f, Kernels.reference()));
            assertTrue(e.getMessage().startsWith(f + ": the tensor data does not match its checksum"), e.getMessage());
        } finally {
            Files.delete(f);
        }
    }

    @Property(tries = 200)
    void aValidCheckpointCutShort(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int length) throws IOException {
        loadsOrFailsClearly(Arrays.copyOf(VALID, length % VALID.length));
    }
}
