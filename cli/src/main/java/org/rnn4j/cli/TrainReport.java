package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rnn4j.InputException;
import org.rnn4j.Prompt;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.TrainingListener;
import org.rnn4j.text.Corpus;
import org.rnn4j.text.Vocab;
import org.rnn4j.train.Epoch;
import org.rnn4j.train.Schedule;
import picocli.CommandLine.ParseResult;

/**
 * What {@code rnn4j train} shows of a run: the settings and where each came from, the corpus and the model, a report
 * every few epochs (figures and continuations of the prefixes), a progress bar on a terminal, the {@code --metrics}
 * file and the {@code --plot}, and the summary at the end.
 */
final class TrainReport implements TrainingListener, AutoCloseable {
    /** A greedy continuation's last characters repeated this often are said rather than printed. */
    static final int REPEATS = 10;
    /**
     * A held-out text scored below this share of the training figure is unlike the rest: dropout raises the training
     * figure above what the same weights score without it, but not by a quarter.
     */
    static final double UNLIKE = 0.75;
    /**
     * Where the run's settings come from, for the first line: the flags, else a preset, the defaults for one's own text
     * or a checkpoint ({@code settings}), and the shape from a start model's file when there is one.
     */
    record Origins(ParseResult parsed, String settings, String startModel, String resumed) {
        String shape() {
            return startModel != null ? "model " + startModel : null;
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Origins origins;
    private final Preset.Printing asked;
    private final Path metricsFile;
    private final Path plotBase;
    private Preset.Printing printing;
    private Start start;
    /** The prefixes as given (the model reads them at each report), or the text's first words. */
    private List<String> given;
    private MetricsLog log;
    private ProgressBar bar;
    private final List<Epoch> history = new ArrayList<>();
    private double tokens, seconds;
    private int epochsRun;
    /** When the last epoch's report ended (or the run started): an epoch's wall time runs from there. */
    private long since;

    /** @param printing what to print; no prefixes: the text's first words */
    TrainReport(PrintWriter out, PrintWriter err, Origins origins, Preset.Printing printing, Path metricsFile,
                Path plotBase) {
        this.out = out;
        this.err = err;
        this.origins = origins;
        this.asked = printing;
        this.metricsFile = metricsFile;
        this.plotBase = plotBase;
    }

    @Override
    public void started(Start s) {
        start = s;
        TextModel model = s.model();
        given = asked.prefixes().isEmpty() ? List.of(s.opening()) : asked.prefixes();
        List<Prompt> prompts = given.stream().map(model::prompt).toList();
        List<String> prefixes = prompts.stream().map(p -> Corpus.shown(p.text())).toList();
        prompts.stream().flatMap(p -> p.warnings().stream()).distinct().forEach(w -> err.println("rnn4j: warning: " + w));
        printing = new Preset.Printing(asked.sampleTemperature(), asked.printEvery(), asked.predictLength(), prefixes,
                asked.sayRepeats());
        Training t = s.settings();
        out.println(Settings.ofRun(origins.parsed(), origins.settings(), origins.shape(), t, printing).line());
        out.printf(Locale.ROOT, "corpus %s: %,d tokens%s, vocabulary %d; %s H %d%s, B %d, T %d, %s lr %s, clip %s, "
                        + "%s sampling, kernels %s%n", s.corpus(), s.trainingTokens(), s.validationTokens() > 0
                        ? String.format(Locale.ROOT, " (+ %,d for validation)", s.validationTokens()) : "",
                s.vocabulary().size(), TrainCommand.lower(t.cell()), t.hidden(), (t.layers() == 1 ? ""
                        : String.format(Locale.ROOT, " × %d layers, dropout %s", t.layers(), t.dropout()))
                        + (t.variationalDropout() > 0 ? ", variational dropout " + t.variationalDropout() : "")
                        + (t.weightDropout() > 0 ? ", weight dropout " + t.weightDropout() : ""),
                t.batch(), t.steps(), TrainCommand.lower(t.optimizer()), t.learningRate(), t.clip(),
                TrainCommand.lower(t.sampling()), s.engine());
        if (origins.resumed() != null) {
            out.printf(Locale.ROOT, "resuming %s after epoch %d of %d%n", origins.resumed(), s.epochsDone(), t.epochs());
        }
        if (origins.startModel() != null) {
            Vocab v = s.vocabulary();
            int added = v.size() - s.inherited();
            out.printf(Locale.ROOT, "fine-tuning %s (vocabulary %d%s)%n", origins.startModel(),
                    s.inherited(), added > 0 ? String.format(Locale.ROOT, ", + %d new: %s", added,
                            v.decode(IntStream.range(s.inherited(), v.size()).toArray(), 0, added)) : "");
        }
        history.addAll(model.history());
        if (metricsFile != null) {
            log = new MetricsLog(metricsFile, history);
        }
        bar = progressBar(s.epochsDone(), t.epochs());
        since = System.nanoTime();
    }

    @Override
    public void epoch(Epoch e, TextModel model) {
        history.add(e);
        tokens += e.tokens();
        seconds += e.seconds();
        epochsRun++;
        if (log != null) {
            log.add(e);
        }
        double val = e.validationPerplexity();
        if (bar != null) {
            bar.stepTo(e.epoch());
            bar.setExtraMessage(String.format(Locale.ROOT, " %.3f bits/char%s, %,.0f tokens/s", e.bitsPerCharacter(),
                    Double.isNaN(val) ? "" : String.format(Locale.ROOT, " (val %.3f)", e.validationBitsPerCharacter()),
                    e.tokensPerSecond()));
        }
        Training t = start.settings();
        if (e.epoch() % printing.printEvery() != 0 && e.epoch() != t.epochs()) {
            since = System.nanoTime();
            return;
        }
        int length = printing.predictLength();
        List<String> lines = new ArrayList<>();
        model.generate(given, Sampling.greedy().length(length))
                .forEach(s -> lines.add(" - " + (printing.sayRepeats() ? repeats(s) : s)));
        if (printing.sampleTemperature() != null) { // seeded by the run and the epoch, so a resumed run prints the same
            Sampling sampled = Sampling.temperature(printing.sampleTemperature()).length(length)
                    .seed(t.seed() * 1_000_003L + e.epoch());
            model.generate(given, sampled).forEach(s -> lines.add(" ~ " + s));
        }
        if (bar != null) { // the report takes the bar's line (the bar is on standard error); it redraws below
            System.err.print("\r\033[K");
            System.err.flush();
        }
        double wall = (System.nanoTime() - since) / 1e9; // training, validation, saving and these continuations
        out.printf(Locale.ROOT, "epoch %d, perplexity %.6f (%.3f bits/char)%s%s, time %.2f sec, %,.0f tokens/s%n",
                e.epoch(), e.perplexity(), e.bitsPerCharacter(), Double.isNaN(val) ? "" : String.format(Locale.ROOT,
                        ", validation perplexity %.6f (%.3f bits/char%s)", val, e.validationBitsPerCharacter(),
                        Double.isNaN(e.networkValidationPerplexity()) ? "" : String.format(Locale.ROOT,
                                "; the network alone %.3f", e.networkValidationBitsPerCharacter())),
                t.schedule().kind() == Schedule.Kind.CONSTANT ? ""
                        : ", lr " + String.format(Locale.ROOT, "%.4g", e.learningRate()).replaceAll("\\.?0+$", ""),
                wall, e.tokensPerSecond());
        lines.forEach(out::println);
        since = System.nanoTime();
    }

    /**
     * A greedy continuation whose end repeats one character {@value #REPEATS} times or more, with that run said
     * rather than printed ({@code GNU[then ' ' × 196]}): a young model's way of saying nothing.
     */
    static String repeats(String text) {
        int end = text.length();
        if (end == 0) {
            return text;
        }
        int last = text.codePointBefore(end), start = end, run = 0;
        while (start > 0 && text.codePointBefore(start) == last) {
            start -= Character.charCount(last);
            run++;
        }
        if (run < REPEATS) {
            return text;
        }
        String shown = last == '\n' ? "\\n" : last == '\r' ? "\\r" : last == '\t' ? "\\t"
                : Corpus.shown(new String(Character.toChars(last)));
        return text.substring(0, start) + "[then '" + shown + "' × " + run + "]";
    }

    @Override
    public void note(String note) {
        err.println("rnn4j: note: " + note);
    }

    @Override
    public void ended(End end) {
        close();
        if (end.stoppedEarly()) {
            out.printf(Locale.ROOT, "stopped early after epoch %d: no better validation perplexity for %d epochs "
                    + "(best %.6f)%n", end.epochsDone(), start.settings().earlyStop(), end.bestValidationPerplexity());
        }
        if (plotBase != null && !history.isEmpty()) {
            Plot.write(plotBase, start.corpus() + ": " + TrainCommand.lower(start.settings().cell()) + " H "
                    + start.settings().hidden(), history);
        }
        if (epochsRun == 0) {
            return;
        }
        Epoch last = history.get(history.size() - 1);
        if (start.validationTokens() == 0) {
            out.printf(Locale.ROOT, "perplexity %.3f (%.3f bits/char), %,.0f tokens/s over %d epochs%n",
                    last.perplexity(), last.bitsPerCharacter(), tokens / seconds, epochsRun);
            return;
        }
        out.printf(Locale.ROOT, "best epoch %d: validation %.3f (%.3f bits/char)%s; last epoch %d: %.3f (%.3f "
                        + "bits/char), training %.3f (%.3f bits/char); the unigram frequencies: %.3f (%.3f bits/char); "
                        + "%,.0f tokens/s over %d epochs%n", end.bestEpoch(), end.bestValidationPerplexity(),
                Epoch.bits(end.bestValidationPerplexity(), start.charactersPerToken()), end.bestFile() != null ? ", kept in " + end.bestFile()
                        : start.settings().checkpoint() == null ? " (--out FILE keeps it)" : "",
                last.epoch(), last.validationPerplexity(), last.validationBitsPerCharacter(), last.perplexity(),
                last.bitsPerCharacter(), start.unigramPerplexity(), Epoch.bits(start.unigramPerplexity(), start.charactersPerToken()),
                tokens / seconds, epochsRun);
        // the network's own held-out figure, as the training one is: a memory's mixture reads better than either
        double own = Double.isNaN(last.networkValidationPerplexity()) ? last.validationBitsPerCharacter()
                : last.networkValidationBitsPerCharacter();
        if (own < UNLIKE * last.bitsPerCharacter()) {
            err.printf(Locale.ROOT, "rnn4j: note: the network's validation figure (%.3f bits/char) is far below its "
                    + "training one (%.3f): the held-out last %s of the text reads unlike the rest (a list, a licence, "
                    + "repeated lines?), so it says little of the model on new text; hold out another share "
                    + "(--val-fraction), or put last a document like the others%n", own,
                    last.bitsPerCharacter(), Settings.show(Math.round(start.settings().validationFraction() * 1000) / 10.0) + " %");
        }
    }

    /** Closes the metrics file and the progress bar, once. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        if (log != null) {
            try {
                log.close();
            } catch (java.io.IOException e) {
                throw new InputException("--metrics " + metricsFile + ": cannot close (" + e.getMessage() + ")", e);
            } finally {
                log = null;
            }
        }
    }

    /** A progress bar on the terminal; none when standard error is not one (a pipe, a file, a test). */
    private static ProgressBar progressBar(int done, int total) {
        if (!Terminal.standardErrorIsTerminal()) {
            return null;
        }
        // NO_COLOR (no-color.org) and TERM=dumb ask for no colour escapes; a dumb terminal may not draw blocks either
        String noColor = System.getenv("NO_COLOR");
        ProgressBarStyle style = "dumb".equals(System.getenv("TERM")) ? ProgressBarStyle.ASCII
                : noColor != null && !noColor.isEmpty() ? ProgressBarStyle.UNICODE_BLOCK
                : ProgressBarStyle.COLORFUL_UNICODE_BLOCK;
        return new ProgressBarBuilder().setTaskName("train").setInitialMax(total).setUnit(" epochs", 1).setStyle(style)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).startsFrom(done, java.time.Duration.ZERO)
                .build();
    }
}
