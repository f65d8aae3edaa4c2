package org.rnn4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.KneserNey;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.Memory;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.NgramReader;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;
import org.rnn4j.tensor.Rng;
import org.rnn4j.text.Vocab;

/** Generation against the model stepped by hand: the prefix fed token by token, then the argmax of each step fed back. */
class GeneratorTest {
    private final Vocab vocab = Vocab.of("abcdef".codePoints().toArray());
    private final LanguageModel model = new ModelConfig(CellType.LSTM, 16, 1, 0, Init.UNIFORM)
            .build(vocab.size(), new Rng(2), Kernels.reference());

    /** The greedy continuation of {@code first} tokens fed from a zero state, computed step by step here. */
    private List<Integer> byHand(int[] first, int length) {
        LanguageModel.Workspace ws = model.generationWorkspace(1);
        State state = model.newState(1);
        for (int token : first) {
            model.forward(ws, new int[] {token}, state, null);
        }
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < length; n++) {
            float[] o = ws.outputs();
            int best = 1; // never <unk>
            for (int i = 2; i < o.length; i++) {
                best = o[i] > o[best] ? i : best;
            }
            out.add(best);
            if (n + 1 < length) {
                model.forward(ws, new int[] {best}, state, null);
            }
        }
        return out;
    }

    private List<Integer> generated(String prefix, int length) {
        List<Integer> out = new ArrayList<>();
        Generator.continuation(model, vocab, prefix, length, new TokenSampler(Decoding.GREEDY, null, vocab.size()), out::add);
        return out;
    }

    /**
     * With a memory, each token is drawn from the mixture: at weight 0 from the n-gram alone, which, having counted
     * "abcdef" over and over, spells it on after any prefix (its last tokens its context); at weight 1 the network
     * alone, as without one; and the log-probability reported is the mixture's.
     */
    @Test
    void withAMemoryEachTokenIsDrawnFromTheMixture() {
        KneserNey kn = new KneserNey(vocab.encode("abcdef".repeat(20)), 3, vocab.size());
        LanguageModel recalling = model.withMemory(new Memory(kn, 0));
        assertEquals("efabcdefab", Greedy.continuation(recalling, vocab, "cd", 10).substring(2));
        assertEquals("cdefabcdef", Greedy.continuation(recalling, vocab, "xab", 10).substring(3),
                "a character it never saw is read, not remembered");
        assertEquals(Greedy.continuation(model, vocab, "cab", 9),
                Greedy.continuation(model.withMemory(new Memory(kn, 1)), vocab, "cab", 9));
        Stream stream = Generator.streams(recalling, recalling.generationWorkspace(1), vocab, List.of("ab"),
                List.of(new TokenSampler(Decoding.GREEDY, null, vocab.size())), 1).get(0);
        stream.reportTop(1);
        Generator.run(recalling, List.of(stream), (b, token) -> { });
        assertEquals(Math.log(NgramReader.after(kn, vocab.encode("ab")).probability(vocab.encode("ab"), 2,
                vocab.encode("c")[0])), stream.logprob(), 1e-6);
    }

    /**
     * The memory counts the prefix it reads: after "cbacbacb", which the text never had, the n-gram alone goes on with
     * the prefix's own cycle where the text's counts alone would say "c" after "b"; the tokens drawn are not counted.
     */
    @Test
    void theMemoryCountsThePrefixButNotWhatItDraws() {
        KneserNey kn = new KneserNey(vocab.encode("abcdef".repeat(20)), 3, vocab.size());
        LanguageModel recalling = model.withMemory(new Memory(kn, 0));
        assertEquals("acbacb", Greedy.continuation(recalling, vocab, "cbacbacb", 6).substring(8));
        Stream stream = Generator.streams(recalling, recalling.generationWorkspace(1), vocab, List.of("cbacbacb"),
                List.of(new TokenSampler(Decoding.GREEDY, null, vocab.size())), 30).get(0);
        Generator.run(recalling, List.of(stream), (b, token) -> { });
        assertEquals(8, stream.reader().length(), "the prefix's 8 tokens, none of the 30 drawn");
    }

    @Test
    void aPrefixIsFedThenEachChosenTokenIsFedBack() {
        assertEquals(byHand(vocab.encode("cab"), 12), generated("cab", 12));
        assertEquals(byHand(vocab.encode("f"), 5), generated("f", 5));
        assertEquals(List.of(), generated("cab", 0));
        StringBuilder text = new StringBuilder("cab");
        byHand(vocab.encode("cab"), 7).forEach(id -> text.append(vocab.text(id)));
        assertEquals(text.toString(), Greedy.continuation(model, vocab, "cab", 7));
    }

    /** An empty prefix is one step of no input from a zero state. */
    @Test
    void anEmptyPrefixStartsFromNoInput() {
        assertEquals(byHand(new int[] {LanguageModel.NO_INPUT}, 9), generated("", 9));
    }

    /**
     * Seventeen streams stepping together (prefixes of every length, an empty one among them; greedy, and sampled at
     * several temperatures with their own seeds) give each the tokens it gives alone, with the fast kernels and the
     * reference ones, for an RNN of 33 (vector bodies and tails) and a 2-layer LSTM.
     */
    @Test
    void streamsSteppingTogetherGiveWhatEachGivesAlone() {
        Vocab v = Vocab.of("abcdefghijklmnopqrstuvwxyz ".codePoints().toArray());
        for (Kernels k : new Kernels[] {Kernels.best(2), Kernels.reference()}) {
            for (ModelConfig shape : new ModelConfig[] {new ModelConfig(CellType.RNN, 33, 1, 0, Init.UNIFORM),
                    new ModelConfig(CellType.LSTM, 24, 2, 0, Init.UNIFORM)}) {
                LanguageModel m = shape.build(v.size(), new Rng(9), k);
                List<String> prefixes = new ArrayList<>();
                List<Decoding> decodings = new ArrayList<>();
                for (int b = 0; b < 17; b++) {
                    prefixes.add("the quick brown fox".substring(0, b));
                    decodings.add(b % 3 == 0 ? Decoding.GREEDY : new Decoding(0.5 + b % 4, 0, 1));
                }
                List<TokenSampler> samplers = new ArrayList<>();
                for (int b = 0; b < 17; b++) {
                    samplers.add(new TokenSampler(decodings.get(b), new Rng(100 + b), v.size()));
                }
                List<StringBuilder> together = new ArrayList<>();
                prefixes.forEach(x -> together.add(new StringBuilder()));
                Generator.continuations(m, v, prefixes, 40, samplers, (b, id) -> together.get(b).append(v.text(id)));
                for (int b = 0; b < 17; b++) {
                    StringBuilder alone = new StringBuilder();
                    Generator.continuation(m, v, prefixes.get(b), 40,
                            new TokenSampler(decodings.get(b), new Rng(100 + b), v.size()), id -> alone.append(v.text(id)));
                    assertEquals(alone.toString(), together.get(b).toString(), k.name() + " " + shape + " stream " + b);
                }
            }
        }
    }

    /**
     * A stepper whose set of streams changes from step to step (as a server's does: requests come, end and are
     * cancelled; one comes back after others stepped without it) draws for each stream what it draws alone.
     */
    @Test
    void streamsThatComeAndGoDrawWhatTheyDrawAlone() {
        Vocab v = Vocab.of("abcdefghijklmnopqrstuvwxyz ".codePoints().toArray());
        LanguageModel m = new ModelConfig(CellType.RNN, 20, 2, 0, Init.UNIFORM).build(v.size(), new Rng(4),
                Kernels.best(1));
        for (int i = 0; i < m.params.size(); i++) { // large weights: each draw depends on the state, not on chance alone
            m.params.data[i] *= 20;
        }
        List<String> prefixes = List.of("the", "a quick", "", "fox");
        List<Stream> streams = Generator.streams(m, m.generationWorkspace(1), v, prefixes,
                Generator.samplers(Decoding.GREEDY, 11, prefixes.size(), v.size()), 30);
        List<StringBuilder> drawn = new ArrayList<>();
        prefixes.forEach(x -> drawn.add(new StringBuilder()));
        Stepper stepper = new Stepper(m, 4);
        int[][] schedule = {{0, 1, 2, 3}, {0, 1, 2, 3}, {0, 2, 3}, {0, 2}, {0, 1, 2, 3}, {1}, {1, 3}, {3, 1}};
        for (int step = 0; streams.stream().anyMatch(s -> !s.done()); step++) {
            List<Stream> now = new ArrayList<>();
            for (int b : schedule[Math.min(step, schedule.length - 1)]) {
                if (!streams.get(b).done()) {
                    now.add(streams.get(b));
                }
            }
            if (now.isEmpty()) {
                streams.stream().filter(s -> !s.done()).forEach(now::add);
            }
            stepper.step(now);
            now.forEach(s -> drawn.get(streams.indexOf(s)).append(v.text(s.token())));
        }
        List<TokenSampler> alone = Generator.samplers(Decoding.GREEDY, 11, prefixes.size(), v.size());
        for (int b = 0; b < prefixes.size(); b++) {
            StringBuilder text = new StringBuilder();
            Generator.continuation(m, v, prefixes.get(b), 30, alone.get(b), id -> text.append(v.text(id)));
            assertEquals(text.toString(), drawn.get(b).toString(), "stream " + b);
        }
    }
}
