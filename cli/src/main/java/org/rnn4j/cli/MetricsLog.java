package org.rnn4j.cli;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.rnn4j.InputException;
import org.rnn4j.io.CheckpointJson;
import org.rnn4j.train.Epoch;

/** One line per epoch, as CSV ({@code .csv}) or JSON lines ({@code .jsonl}), flushed as it goes. */
final class MetricsLog implements Closeable {
    private final Path file;
    private final boolean csv;
    private final BufferedWriter out;

    /** Fails before any work when the file's name gives no format or its folder is missing; else returns it. */
    static Path check(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".csv") && !name.endsWith(".jsonl")) {
            throw new InputException("--metrics " + file + ": the name must end in .csv or .jsonl (the format)");
        }
        return OutputFiles.checkFolder(file, "--metrics");
    }

    /** Starts the file afresh with the epochs already run (those of a resumed checkpoint). */
    MetricsLog(Path file, List<Epoch> history) {
        this.file = check(file);
        this.csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            if (csv) {
                out.write("epoch,perplexity,val_perplexity,seconds,tokens_per_second,bits_per_character,"
                        + "val_bits_per_character,val_network_bits_per_character\n");
            }
        } catch (IOException e) {
            throw new InputException("--metrics " + file + ": cannot write (" + e.getMessage() + ")", e);
        }
        history.forEach(this::add);
    }

    void add(Epoch m) {
        String line;
        if (csv) {
            line = String.format(Locale.ROOT, "%d,%.6f,%s,%.4f,%.0f,%.6f,%s,%s", m.epoch(), m.perplexity(),
                    cell(m.validationPerplexity()), m.seconds(), m.tokensPerSecond(), m.bitsPerCharacter(),
                    cell(m.validationBitsPerCharacter()), cell(m.networkValidationBitsPerCharacter()));
        } else {
            line = CheckpointJson.epoch(m).toString();
        }
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new InputException("--metrics " + file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** A figure to 6 places, or an empty cell where there is none (NaN: no validation, or no memory). */
    private static String cell(double figure) {
        return Double.isNaN(figure) ? "" : String.format(Locale.ROOT, "%.6f", figure);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
