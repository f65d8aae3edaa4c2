package org.rnn4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Training;
import org.rnn4j.text.Subwords;
import org.rnn4j.train.Schedule;
import picocli.CommandLine.ParseResult;

/**
 * A run's settings as the flags that would give them, each with where it came from (a flag, a preset, the defaults
 * for one's own text, a model or a checkpoint): the first line a run prints, so that nothing is chosen silently.
 */
final class Settings {
    private final ParseResult parsed;
    private final String fallback;
    private final Map<String, List<String>> byOrigin = new LinkedHashMap<>();

    /** @param fallback where a setting no flag gives comes from, e.g. "preset timemachine" */
    Settings(ParseResult parsed, String fallback) {
        this.parsed = parsed;
        this.fallback = fallback;
        byOrigin.put("flags", new ArrayList<>());
    }

    /** Records a setting: from the flags when given there, else from the fallback. */
    Settings add(String flag, Object value) {
        return add(flag, value, fallback);
    }

    /** Records a setting: from the flags when given there, else from {@code origin}. */
    Settings add(String flag, Object value, String origin) {
        List<String> flags = byOrigin.computeIfAbsent(parsed.hasMatchedOption(flag) ? "flags" : origin,
                k -> new ArrayList<>());
        if (value instanceof List<?> values) {
            values.forEach(v -> flags.add(flag + " " + show(v)));
        } else if (value instanceof Boolean b) {
            flags.add(b ? flag : "--no-" + flag.substring(2));
        } else {
            flags.add(flag + " " + show(value));
        }
        return this;
    }

    /** A value as one would type it: 1.0 as 1, an enum in lower case, a text with spaces quoted. */
    static String show(Object value) {
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : Double.toString(d);
        }
        if (value instanceof Enum<?> e) {
            return TrainCommand.lower(e);
        }
        String s = String.valueOf(value);
        return s.isEmpty() || s.codePoints().anyMatch(c -> Character.isWhitespace(c) || c == '\'')
                ? "'" + s.replace("'", "'\\''") + "'" : s;
    }

    /** "settings: from flags: …; from preset timemachine: …", each origin that gave something. */
    String line() {
        StringBuilder sb = new StringBuilder("settings");
        byOrigin.forEach((origin, flags) -> {
            if (!flags.isEmpty()) {
                sb.append(sb.length() == "settings".length() ? ": " : "; ").append("from ").append(origin).append(": ")
                        .append(String.join(" ", flags));
            }
        });
        return sb.toString();
    }

    /** Where {@code option} came from: the text's size ({@code sized}) when it decided it, else {@code otherwise}. */
    private static String from(Training t, String option, String sized, String otherwise) {
        return t.sized().contains(option) ? sized : otherwise;
    }

    /** A train run's settings and where each came from; {@code model}: the origin of the shape, when a model gave it. */
    static Settings ofRun(ParseResult parsed, String origin, String model, Training t, Preset.Printing print) {
        String shapeOrigin = model != null ? model : origin;
        String sized = t.sizing() != null ? "the text's size (" + t.sizing() + ")" : origin;
        Settings s = new Settings(parsed, origin);
        s.add("--corpus", t.corpus()).add("--member", t.members())
                .add("--preprocess", t.preprocessing(), shapeOrigin).add("--max-tokens", t.maxTokens());
        if (t.tokens() != Subwords.Kind.CHAR) {
            s.add("--tokens", t.tokens(), shapeOrigin).add("--vocab-size", t.vocabSize(), shapeOrigin);
        }
        s.add("--val-fraction", t.validationFraction(), from(t, "validationFraction", sized, origin))
                .add("--cell", t.cell(), shapeOrigin)
                .add("--hidden", t.hidden(), from(t, "hidden", sized, shapeOrigin))
                .add("--layers", t.layers(), shapeOrigin).add("--dropout", t.dropout(), shapeOrigin)
                .add("--init", t.init(), shapeOrigin);
        if (t.embedding() > 0) {
            s.add("--embedding", t.embedding(), shapeOrigin);
        }
        if (t.tie()) {
            s.add("--tie", true, shapeOrigin);
        }
        if (t.variationalDropout() > 0 || t.sized().contains("variationalDropout")) {
            s.add("--variational-dropout", t.variationalDropout(), from(t, "variationalDropout", sized, shapeOrigin));
        }
        if (t.weightDropout() > 0 || t.sized().contains("weightDropout")) {
            s.add("--weight-dropout", t.weightDropout(), from(t, "weightDropout", sized, shapeOrigin));
        }
        s.add("--optimizer", t.optimizer()).add("--lr", t.learningRate()).add("--clip", t.clip());
        if (t.weightDecay() > 0) {
            s.add("--weight-decay", t.weightDecay());
        }
        Schedule sc = t.schedule();
        switch (sc.kind()) {
            case STEP -> s.add("--lr-decay", sc.rate()).add("--lr-decay-every", sc.every());
            case PLATEAU -> s.add("--lr-plateau", sc.rate()).add("--lr-patience", sc.every());
            case COSINE -> s.add("--lr-cosine", true).add("--warmup", sc.warmup());
            default -> { }
        }
        s.add("--epochs", t.epochs(), from(t, "epochs", sized, origin))
                .add("--batch", t.batch(), from(t, "batch", sized, origin)).add("--steps", t.steps())
                .add("--sampling", t.sampling()).add("--random-offset", t.randomOffset());
        if (t.seed() != 0) {
            s.add("--seed", t.seed());
        }
        if (t.earlyStop() > 0) {
            s.add("--early-stop", t.earlyStop(), from(t, "earlyStop", sized, origin));
        }
        if (t.memory() > 0 || t.sized().contains("memory") || parsed.hasMatchedOption("--memory")) {
            s.add("--memory", t.memory(), from(t, "memory", sized, origin));
        }
        if (print.sampleTemperature() != null) {
            s.add("--sample-temperature", print.sampleTemperature());
        }
        return s.add("--print-every", print.printEvery()).add("--length", print.predictLength())
                .add("--prefix", print.prefixes());
    }
}
