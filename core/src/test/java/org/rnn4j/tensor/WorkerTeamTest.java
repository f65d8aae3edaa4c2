package org.rnn4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void helpersWakeUpAfterParking() throws InterruptedException {
        WorkerTeam team = new WorkerTeam(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        Thread.sleep(20); // far past the spin time: the helper has parked
        team.run(8, runs::incrementAndGet);
        for (int c = 0; c < 8; c++) {
            assertEquals(1, runs.get(c));
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
        assertTrue(runs.get(0) == 1 && runs.get(3) == 1);
    }
}
