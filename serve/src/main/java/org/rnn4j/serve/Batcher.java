package org.rnn4j.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rnn4j.generate.Stepper;
import org.rnn4j.generate.Stream;
import org.rnn4j.nn.LanguageModel;
import org.rnn4j.tensor.Kernels;

/**
 * One model's generation worker: the streams of every request in flight step together through one {@link Stepper}, one
 * row each of a batch, so that each step is one matrix product for all of them (at most {@link Limits#maxBatch()}
 * rows; more wait in a bounded queue). A stream's tokens are those it would give alone, so a request gets the text
 * {@code rnn4j generate} prints for its seed however many others share its steps.
 */
final class Batcher implements AutoCloseable {
    /** One request's streams, as the request's thread sees them. */
    static final class Job {
        /** Tokens as they come; {@link #END} when every stream has ended. */
        final BlockingQueue<Drawn> events = new LinkedBlockingQueue<>();
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

    /**
     * A token drawn by sample {@code sample}, the text it adds ({@link Stream#text}), and when the stream reports them
     * its log-probability and the most likely tokens' ({@link Stream#reportTop}; else NaN and none).
     */
    record Drawn(int sample, int token, String text, double logprob, int[] top, double[] topLogprobs) {
    }

    static final Drawn END = new Drawn(-1, -1, "", Double.NaN, new int[0], new double[0]);

    /** One sample of a job: a continuation whose prefix is fed, and the job it belongs to. */
    record Entry(Job job, int sample, Stream stream) {
    }

    private final Stepper stepper;
    private final BlockingQueue<Entry> queue;
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
        this.stepper = new Stepper(model.withKernels(Kernels.best(threads)), limits.maxBatch());
        this.maxBatch = limits.maxBatch();
        this.queue = new ArrayBlockingQueue<>(limits.maxQueued());
        this.onStep = onStep;
        worker = new Thread(this::loop, "rnn4j-batcher-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues every stream of one job, or none of them when the queue has no room: then false (answer 503). */
    synchronized boolean submit(List<Entry> streams) {
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
        List<Entry> entries = new ArrayList<>();
        List<Stream> streams = new ArrayList<>();
        try {
            while (running || !entries.isEmpty() || !queue.isEmpty()) {
                if (entries.isEmpty()) {
                    Entry first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    admit(entries, first);
                }
                for (Entry e; entries.size() < maxBatch && (e = queue.poll()) != null; ) {
                    admit(entries, e);
                }
                entries.removeIf(e -> {
                    if (e.job.cancelled() || e.stream.done()) {
                        end(e);
                        return true;
                    }
                    return false;
                });
                if (entries.isEmpty()) {
                    continue;
                }
                streams.clear();
                entries.forEach(e -> streams.add(e.stream));
                stepper.step(streams);
                onStep.accept(streams.size());
                for (Entry e : entries) {
                    e.job.events.add(new Drawn(e.sample, e.stream.token(), e.stream.text(), e.stream.logprob(),
                            e.stream.topTokens(), e.stream.topLogprobs()));
                }
                entries.removeIf(e -> {
                    if (e.stream.done()) {
                        end(e);
                        return true;
                    }
                    return false;
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            entries.forEach(this::end);
            for (Entry e; (e = queue.poll()) != null; ) {
                waiting.decrementAndGet();
                e.job.cancel();
                end(e);
            }
        }
    }

    private void admit(List<Entry> entries, Entry e) {
        waiting.decrementAndGet();
        active.incrementAndGet();
        entries.add(e);
    }

    private void end(Entry e) {
        active.decrementAndGet();
        e.job.ended();
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
