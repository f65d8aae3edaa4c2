package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsATableAndWritesJsonForEveryCombination() throws Exception {
        Path json = dir.resolve("bench.json");
        TrainCommandTest.Run r = TrainCommandTest.run("bench", "--hidden", "16,32", "--threads", "1,2",
                "--seconds", "0.2", "--warmup", "0", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FMA peak"), r.out());
        assertEquals(4, r.out().lines().filter(l -> l.matches("\\s+(16|32)\\s+28\\s+32\\s+35\\s+[12]\\s+.*%")).count(),
                r.out());
        JsonObject doc = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonArray results = doc.getAsJsonArray("results");
        assertEquals(4, results.size());
        for (var e : results) {
            JsonObject row = e.getAsJsonObject();
            double tokens = row.get("tokens_per_second").getAsDouble();
            double gflops = row.get("gflops").getAsDouble();
            int h = row.get("hidden").getAsInt();
            assertTrue(tokens > 0, row.toString());
            assertEquals(tokens * (6.0 * h * h + 6.0 * h * 28) / 1e9, gflops, 1e-6 * gflops, row.toString());
            assertTrue(row.get("peak_share").getAsDouble() > 0 && row.get("peak_share").getAsDouble() < 1, row.toString());
        }
        assertTrue(doc.getAsJsonObject("fma_peak_gflops").get("2").getAsDouble() > 0);
    }

    /** --generate: a row of characters/s for each number of streams (their speeds compared in the README, not here). */
    @Test
    void generationIsMeasuredPerNumberOfStreams() {
        TrainCommandTest.Run r = TrainCommandTest.run("bench", "--generate", "--hidden", "64", "--streams", "1,8",
                "--threads", "1", "--seconds", "0.5", "--warmup", "0.5");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.matches(" +64 +28 +[18] +1 +[\\d,]+")).toList();
        assertEquals(2, rows.size(), r.out());
        assertTrue(rows.stream().allMatch(l -> Double.parseDouble(l.trim().split(" +")[4].replace(",", "")) > 0), r.out());
    }

    @Test
    void aJsonTargetInAMissingFolderIsRejectedBeforeAnyWork() {
        Path target = dir.resolve("missing").resolve("bench.json");
        TrainCommandTest.Run r = TrainCommandTest.run("bench", "--hidden", "16", "--json", target.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--json " + target + ": the folder " + target.getParent() + " does not exist"),
                r.err());
        assertTrue(!Files.exists(target.getParent()), "nothing written");
    }

    @Test
    void badSizesAreRejectedBeforeAnyWork() {
        TrainCommandTest.Run r = TrainCommandTest.run("bench", "--hidden", "64,0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--hidden must be a positive whole number, got 0"), r.err());
    }
}
