package org.rnn4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {
    @Test
    void everyChunkRunsExactlyOnceJobAfterJob() {
        for (int threads : new int[] {1, 2, 3}) {
            WorkerTeam team = new WorkerTeam(threads);
            assertEquals(threads, team.size());
            for (int job = 0; job < 20_000; job++) {
                int n = 1 + job % 13;
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                team.run(n, runs::incrementAndGet);
                for (int c = 0; c < n; c++) {
                    assertEquals(1, runs.get(c), "threads " + threads + ", job " + job + ", chunk " + c);
                }
            }
        }
    }

    /**
     * After the helper has parked, a job's chunks still reach it: a chunk on the calling thread waits until another
     * thread has run one, so a helper that stays asleep leaves the wait to time out and the test to fail.
     */
    @Test
    void helpersWakeUpAfterParking() throws InterruptedException {
        WorkerTeam team = new WorkerTeam(2);
        Thread caller = Thread.currentThread();
        for (int round = 0; round < 3; round++) {
            Thread.sleep(50); // a thousand times the spin time: the helper has parked
            Thread[] ranBy = new Thread[2];
            CountDownLatch helperRan = new CountDownLatch(1);
            team.run(2, c -> {
                ranBy[c] = Thread.currentThread();
                if (ranBy[c] != caller) {
                    helperRan.countDown();
                } else {
                    try {
                        helperRan.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            assertTrue(ranBy[0] != caller || ranBy[1] != caller, "round " + round + ": a helper ran a chunk");
            assertTrue(ranBy[0] != null && ranBy[1] != null);
        }
    }

    @Test
    void aFailingChunkFailsTheRunAndTheTeamGoesOn() {
        WorkerTeam team = new WorkerTeam(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run(8, c -> {
            if (c == 5) {
                throw new IllegalStateException("chunk 5");
            }
        }));
        assertEquals("chunk 5", e.getMessage());
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        team.run(4, runs::incrementAndGet);
        for (int c = 0; c < 4; c++) {
            assertEquals(1, runs.get(c), "chunk " + c);
        }
    }
}
