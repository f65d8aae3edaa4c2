package org.rnn4j.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rnn4j.generate.TokenSampler;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Kernels;

/**
 * One model's generation worker: the streams of every request in flight step together, one row each of a batch, so
 * that each step is one matrix product for all of them (at most {@link Limits#maxBatch()} rows; more wait in a
 * bounded queue). A stream's tokens are those it would give alone: each row of a batched product is computed as
 * the row alone (the kernels' products sum every element the same way whatever the tile), so a request gets the
 * text {@code rnn4j generate} prints for its seed however many others share its steps.
 */
final class Batcher implements AutoCloseable {
    /** One request's streams, as the request's thread sees them. */
    static final class Job {
        /** Tokens as they come, {sample, token}; {@link #END} when every stream has ended. */
        final BlockingQueue<int[]> events = new LinkedBlockingQueue<>();
        private final AtomicInteger open;
        private volatile boolean cancelled;

        Job(int streams) {
            open = new AtomicInteger(streams);
        }

        /** Stops the job's streams at the next step (the client went away, or it ran out of time). */
        void cancel() {
            cancelled = true;
        }

        boolean cancelled() {
            return cancelled;
        }

        private void ended() {
            if (open.decrementAndGet() == 0) {
                events.add(END);
            }
        }
    }

    static final int[] END = new int[0];

    /** A prefix already fed (but its last token) into a state of its own, and what is left to draw. */
    static final class Stream {
        final Job job;
        final int sample;
        final State state;
        final TokenSampler sampler;
        /** The next step's input: the prefix's last token, then each token drawn. */
        int token;
        int remaining;

        Stream(Job job, int sample, State state, int lastToken, TokenSampler sampler, int length) {
            this.job = job;
            this.sample = sample;
            this.state = state;
            this.token = lastToken;
            this.sampler = sampler;
            this.remaining = length;
        }
    }

    private final LanguageModel model;
    private final BlockingQueue<Stream> queue;
    private final int maxBatch;
    private final Thread worker;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final java.util.function.IntConsumer onStep;
    private volatile boolean running = true;

    /**
     * @param model  the network (its kernels are replaced by the worker's own, on {@code threads} threads)
     * @param onStep told the rows of each step (for the metrics)
     */
    Batcher(String name, LanguageModel model, int threads, Limits limits, java.util.function.IntConsumer onStep) {
        this.model = model.withKernels(Kernels.best(threads));
        this.maxBatch = limits.maxBatch();
        this.queue = new ArrayBlockingQueue<>(limits.maxQueued());
        this.onStep = onStep;
        worker = new Thread(this::loop, "rnn4j-batcher-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues every stream of one job, or none of them when the queue has no room: then false (answer 503). */
    synchronized boolean submit(List<Stream> streams) {
        if (!running || queue.remainingCapacity() < streams.size()) {
            return false;
        }
        waiting.addAndGet(streams.size());
        queue.addAll(streams);
        return true;
    }

    /** Streams waiting for a place in the batch. */
    int waiting() {
        return waiting.get();
    }

    /** Streams stepping now. */
    int active() {
        return active.get();
    }

    private void loop() {
        List<Stream> streams = new ArrayList<>();
        LanguageModel.Workspace[] workspaces = new LanguageModel.Workspace[maxBatch + 1];
        State[] states = new State[maxBatch + 1];
        int[][] tokens = new int[maxBatch + 1][];
        try {
            while (running || !streams.isEmpty() || !queue.isEmpty()) {
                if (streams.isEmpty()) {
                    Stream first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    admit(streams, first);
                }
                for (Stream s; streams.size() < maxBatch && (s = queue.poll()) != null; ) {
                    admit(streams, s);
                }
                streams.removeIf(s -> {
                    if (s.job.cancelled()) {
                        end(s);
                        return true;
                    }
                    return false;
                });
                int n = streams.size();
                if (n == 0) {
                    continue;
                }
                if (workspaces[n] == null) {
                    workspaces[n] = model.generationWorkspace(n);
                    states[n] = model.newState(n);
                    tokens[n] = new int[n];
                }
                step(streams, workspaces[n], states[n], tokens[n]);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.forEach(this::end);
            for (Stream s; (s = queue.poll()) != null; ) {
                waiting.decrementAndGet();
                s.job.cancel();
                end(s);
            }
        }
    }

    private void admit(List<Stream> streams, Stream s) {
        waiting.decrementAndGet();
        active.incrementAndGet();
        streams.add(s);
    }

    private void end(Stream s) {
        active.decrementAndGet();
        s.job.ended();
    }

    /** One token for every stream: their rows in, one forward pass, their rows out. */
    private void step(List<Stream> streams, LanguageModel.Workspace ws, State batch, int[] tokens) {
        int n = streams.size();
        for (int b = 0; b < n; b++) {
            Stream s = streams.get(b);
            batch.copyRow(b, s.state, 0);
            tokens[b] = s.token;
        }
        model.forward(ws, tokens, batch, null);
        onStep.accept(n);
        float[] logits = ws.outputs();
        TokenSampler.drawEach(model, n, b -> {
            Stream s = streams.get(b);
            s.token = s.sampler.next(logits, b * model.vocab);
        });
        for (int b = 0; b < n; b++) {
            Stream s = streams.get(b);
            int next = s.token;
            s.state.copyRow(0, batch, b);
            s.job.events.add(new int[] {s.sample, next});
            s.remaining--;
        }
        streams.removeIf(s -> {
            if (s.remaining == 0) {
                end(s);
                return true;
            }
            return false;
        });
    }

    /** Lets the streams in flight and in the queue finish (30 s at most), then stops the worker. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
    }
}
