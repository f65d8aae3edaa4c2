package org.rnn4j.tensor;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A small persistent team of threads that share the chunks of one job with the calling thread.
 *
 * <p>Hand-off costs about a tenth of a microsecond while the helpers spin, so even one time step's
 * matrix product is worth splitting. Helpers spin for {@link #SPIN_NANOS} and then park, so a
 * process that takes a core slows training down instead of stalling it; and chunks are claimed one
 * at a time, each thread from its own block first, so a helper that the OS has descheduled simply
 * claims fewer and the others do the rest.
 *
 * <p>One thread at a time submits jobs; the team itself holds no job after {@link #run} returns.
 */
public final class WorkerTeam {
    /** A job: chunks 0 … n−1, run in any order, each by one thread. */
    public interface Job {
        void run(int chunk);
    }

    static final long SPIN_NANOS = 50_000;
    private static final long CLOSED = 0x7FFF_FFFFL;
    /** Longs between two threads' cursors: 128 bytes, so no two share a cache line (or its pair). */
    private static final int PAD = 16;

    private final Thread[] helpers;
    private final AtomicIntegerArray parked;
    /**
     * One cursor per thread over its own block of chunks, (generation << 32) | next chunk; CLOSED as
     * the chunk while a new job is being set up. A thread works through its own block first and then
     * helps with the others': the same thread gets the same chunks job after job (so a packed weight
     * panel stays in that core's cache), and a thread without a core leaves its block to the others.
     */
    private final AtomicLongArray cursors;
    /** Chunks finished, one padded counter per thread, so finishing a chunk contends with no one. */
    private final AtomicLongArray done;
    private volatile long generation;
    private volatile Job job;
    private volatile int chunks;
    private volatile Throwable failure;

    /** A team of {@code threads} threads in all: the caller and {@code threads − 1} helpers. */
    public WorkerTeam(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        helpers = new Thread[threads - 1];
        cursors = new AtomicLongArray(threads * PAD);
        done = new AtomicLongArray(threads * PAD);
        for (int t = 0; t < threads; t++) {
            cursors.set(t * PAD, CLOSED);
        }
        parked = new AtomicIntegerArray(threads - 1);
        for (int i = 0; i < helpers.length; i++) {
            int index = i;
            helpers[i] = new Thread(() -> helperLoop(index), "rnn4j-worker-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /** Threads in the team, the caller included. */
    public int size() {
        return helpers.length + 1;
    }

    /** Runs chunks 0 … n−1 of the job on the team; returns when all are done. */
    public void run(int n, Job j) {
        if (helpers.length == 0 || n == 1) {
            for (int c = 0; c < n; c++) {
                j.run(c);
            }
            return;
        }
        long gen = generation + 1;
        job = j;
        chunks = n;
        for (int t = 0; t < size(); t++) {
            done.set(t * PAD, 0);
            cursors.set(t * PAD, (gen << 32) | blockStart(t, n));
        }
        generation = gen;
        for (int i = 0; i < helpers.length; i++) {
            if (parked.get(i) != 0) {
                LockSupport.unpark(helpers[i]);
            }
        }
        work(gen, j, n, 0);
        long start = System.nanoTime();
        while (finished() < n) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a helper holds a chunk but has no core: let it have this one
            }
        }
        for (int t = 0; t < size(); t++) {
            cursors.set(t * PAD, (gen << 32) | CLOSED);
        }
        job = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    private long finished() {
        long sum = 0;
        for (int t = 0; t < size(); t++) {
            sum += done.get(t * PAD);
        }
        return sum;
    }

    /** The first chunk of thread t's block; the block ends where thread t + 1's starts. */
    private int blockStart(int t, int n) {
        return (int) ((long) t * n / size());
    }

    /** Claims and runs chunks of generation {@code gen}: its own block first, then the others'. */
    private void work(long gen, Job j, int n, int self) {
        for (int i = 0; i < size(); i++) {
            int t = (self + i) % size();
            int end = blockStart(t + 1, n);
            while (true) {
                long c = cursors.get(t * PAD);
                long index = c & 0xFFFF_FFFFL;
                if ((c >>> 32) != gen || index >= end) {
                    break;
                }
                if (cursors.compareAndSet(t * PAD, c, c + 1)) {
                    try {
                        j.run((int) index);
                    } catch (Throwable e) {
                        failure = e;
                    }
                    done.incrementAndGet(self * PAD);
                }
            }
        }
    }

    private void helperLoop(int index) {
        long seen = 0;
        while (true) {
            long gen;
            long start = System.nanoTime();
            int spins = 0;
            while ((gen = generation) == seen) {
                if ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(index, 1);
                    if (generation == seen) {
                        LockSupport.park(this);
                    }
                    parked.set(index, 0);
                    start = System.nanoTime();
                }
            }
            seen = gen;
            Job j = job;
            int n = chunks;
            if (j != null) {
                work(gen, j, n, index + 1);
            }
        }
    }
}
