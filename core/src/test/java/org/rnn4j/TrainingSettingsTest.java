package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.data.Batch;
import org.rnn4j.data.Sampler;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Engine;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.TestCorpus;
import org.rnn4j.text.Preprocessing;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Schedule;

/** Every setting of {@link Training} reaches the run through the front door and changes what comes out. */
class TrainingSettingsTest {
    @TempDir
    Path dir;

    private static final String TEXT = TestCorpus.load(Corpus.BUILT_IN, null, Preprocessing.RAW, 3_000).text();

    private static Training tiny() {
        return Training.defaults().hidden(8).layers(1).batch(4).steps(10).epochs(2).seed(1).threads(1)
                .validationFraction(0.1).earlyStop(0).memory(0);
    }

    /**
     * What a run gives: the epochs it ran, and the model it returns (the best epoch's, with validation): its weights,
     * its figures, its vocabulary and the settings it took.
     */
    private static String outcome(Training t) {
        TrainingListener.Start[] start = new TrainingListener.Start[1];
        int[] ran = {0};
        TextModel m = TextModel.train(TEXT, t.listener(new TrainingListener() {
            @Override
            public void started(Start s) {
                start[0] = s;
            }

            @Override
            public void epoch(Epoch epoch, TextModel model) {
                ran[0]++;
            }
        }));
        return ran[0] + " epochs run, " + Arrays.hashCode(m.network().params.data) + " " + m.history().stream().map(e -> e.perplexity() + "/"
                + e.validationPerplexity()).toList() + " V " + m.vocabulary().size() + " " + m.preset() + " "
                + start[0].trainingTokens();
    }

    static Stream<Arguments> settings() {
        return Stream.of(
                case_("cell", t -> t, t -> t.cell(CellType.LSTM)),
                case_("hidden", t -> t, t -> t.hidden(9)),
                case_("layers", t -> t, t -> t.layers(2)),
                case_("dropout", t -> t.layers(2), t -> t.layers(2).dropout(0.5)),
                case_("variationalDropout", t -> t, t -> t.variationalDropout(0.3)),
                case_("weightDropout", t -> t, t -> t.weightDropout(0.5)),
                case_("init", t -> t, t -> t.init(Init.NORMAL)),
                case_("optimizer", t -> t, t -> t.optimizer(Optimizer.Kind.SGD)),
                case_("learningRate", t -> t, t -> t.learningRate(0.01)),
                case_("clip", t -> t, t -> t.clip(0.001)),
                case_("weightDecay", t -> t, t -> t.weightDecay(0.5)),
                case_("schedule", t -> t, t -> t.schedule(Schedule.step(0.5, 1))),
                case_("epochs", t -> t, t -> t.epochs(3)),
                case_("batch", t -> t, t -> t.batch(5)),
                case_("steps", t -> t, t -> t.steps(11)),
                case_("sampling", t -> t, t -> t.sampling(Sampler.Kind.RANDOM)),
                case_("randomOffset", t -> t, t -> t.randomOffset(false)),
                case_("validationFraction", t -> t, t -> t.validationFraction(0.2)),
                case_("memory", t -> t, t -> t.memory(3)),
                case_("earlyStop", t -> t.epochs(8).learningRate(0.3), t -> t.epochs(8).learningRate(0.3).earlyStop(1)),
                case_("preprocessing", t -> t, t -> t.preprocessing(Preprocessing.LETTERS)),
                case_("maxTokens", t -> t, t -> t.maxTokens(2_000)),
                case_("minFrequency", t -> t, t -> t.minFrequency(20)),
                case_("seed", t -> t, t -> t.seed(2)),
                case_("timeLimit", t -> t.epochs(3), t -> t.epochs(3).timeLimit(1e-6)),
                case_("named", t -> t, t -> t.named("mine")));
    }

    private static Arguments case_(String setting, UnaryOperator<Training> base, UnaryOperator<Training> changed) {
        return Arguments.of(setting, base, changed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void eachSettingChangesTheRun(String setting, UnaryOperator<Training> base, UnaryOperator<Training> changed) {
        Training t = changed.apply(tiny());
        assertTrue(t.given().contains(setting) || setting.equals("named"), setting + " is recorded as given");
        assertNotEquals(outcome(base.apply(tiny())), outcome(t), setting);
    }

    /** The text: a corpus of files, the members of a zip archive, bytes that are not UTF-8. */
    @Test
    void theCorpusItsMembersAndInvalidBytes() throws IOException {
        Path a = Files.writeString(dir.resolve("a.txt"), TEXT), b = Files.writeString(dir.resolve("b.txt"),
                TEXT.substring(1_000) + TEXT.substring(0, 1_000));
        float[] fromA = TextModel.train(tiny().corpus(a.toString())).network().params.data;
        assertNotEquals(Arrays.hashCode(fromA), Arrays.hashCode(TextModel.train(tiny().corpus(b.toString()))
                .network().params.data));
        Path zip = dir.resolve("two.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path p : List.of(a, b)) {
                out.putNextEntry(new ZipEntry(p.getFileName().toString()));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        assertArrayEquals(fromA, TextModel.train(tiny().corpus(zip.toString()).members(List.of("a.txt")))
                .network().params.data, "the member named, alone, is file a");
        Path latin = dir.resolve("latin1.txt");
        byte[] bytes = TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bytes[100] = (byte) 0xE9;
        Files.write(latin, bytes);
        assertThrows(InputException.class, () -> TextModel.train(tiny().corpus(latin.toString())));
        assertTrue(TextModel.train(tiny().corpus(latin.toString()).replaceInvalid(true)).vocabulary().contains(0xFFFD));
    }

    /** Threads change where the products run, never the numbers; the engine runs every minibatch it is given. */
    @Test
    void threadsAndTheEngine() {
        List<String> engines = new ArrayList<>();
        TrainingListener seeEngine = new TrainingListener() {
            @Override
            public void started(Start s) {
                engines.add(s.engine());
            }

            @Override
            public void epoch(Epoch epoch, TextModel model) {
            }
        };
        float[] one = TextModel.train(TEXT, tiny().listener(seeEngine)).network().params.data;
        float[] two = TextModel.train(TEXT, tiny().threads(2).listener(seeEngine)).network().params.data;
        assertArrayEquals(one, two);
        assertTrue(engines.get(1).endsWith("× 2 threads") && !engines.get(0).contains("2 threads"), engines.toString());
        AtomicInteger steps = new AtomicInteger();
        Engine counting = new Engine() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public String describe() {
                return "counting rnn4j kernels";
            }

            @Override
            public Step steps(LanguageModel model, int batch, int stepsPerRow) {
                Step own = Engine.OWN.steps(model, batch, stepsPerRow);
                return new Step() {
                    @Override
                    public double trainStep(Batch b, State state, Rng dropoutRng) {
                        steps.incrementAndGet();
                        return own.trainStep(b, state, dropoutRng);
                    }

                    @Override
                    public double loss(Batch b, State state) {
                        return own.loss(b, state);
                    }

                    @Override
                    public float[] logits(Batch b, State state) {
                        return own.logits(b, state);
                    }

                    @Override
                    public void close() {
                        own.close();
                    }
                };
            }
        };
        assertArrayEquals(one, TextModel.train(TEXT, tiny().engine(counting).listener(seeEngine)).network().params.data);
        assertTrue(steps.get() > 0, "the engine ran the minibatches");
        assertEquals("counting rnn4j kernels", engines.get(2));
    }

    /** Checkpoints every N epochs and at the end, the best beside them; and the name of the settings. */
    @Test
    void checkpointsAndTheirEvery() {
        List<String> saved = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void epoch(Epoch epoch, TextModel model) {
            }

            @Override
            public void saved(Path file, int epoch, boolean best) {
                saved.add(file.getFileName() + "@" + epoch);
            }
        };
        Path file = dir.resolve("m.safetensors");
        TextModel.train(TEXT, tiny().epochs(4).checkpoint(file, 2).listener(record));
        List<String> every = saved.stream().filter(s -> s.startsWith("m@") || s.startsWith("m.safetensors@")).toList();
        assertEquals(List.of("m.safetensors@2", "m.safetensors@4"), every);
        assertTrue(saved.stream().anyMatch(s -> s.startsWith("m.best.safetensors@")), saved.toString());
        assertEquals(4, TextModel.load(file).history().size());
        saved.clear();
        TextModel.train(TEXT, tiny().epochs(4).checkpoint(file, 1).listener(record));
        assertEquals(4, saved.stream().filter(s -> s.startsWith("m.safetensors@")).count());
    }
}
