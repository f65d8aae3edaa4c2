package org.rnn4j.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.rnn4j.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rnn4j}: character-level recurrent language models, trained and sampled from the command line. */
@Command(name = "rnn4j", mixinStandardHelpOptions = true, version = "rnn4j 0.1.0",
        description = "Character-level recurrent neural-network language models.",
        subcommands = {TrainCommand.class, GenerateCommand.class, EvalCommand.class, BenchCommand.class,
                ServeCommand.class, ExportCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) throws InterruptedException {
        java.util.OptionalInt relaunched = Relaunch.ifNeeded(args);
        if (relaunched.isPresent()) {
            System.exit(relaunched.getAsInt());
        }
        System.setProperty("java.awt.headless", "true"); // plots are drawn off screen
        CommandLine cl = commandLine();
        // UTF-8 whatever the platform default, so lyrics print as lyrics
        cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        System.exit(cl.execute(args));
    }

    /** Where a command's notes go: one line each on its error stream, after "rnn4j: note: ". */
    static Consumer<String> notes(PrintWriter err) {
        return note -> err.println("rnn4j: note: " + note);
    }

    /** The command line with rnn4j's error handling: bad input is one clear line and exit code 2. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setOverwrittenOptionsAllowed(true); // a flag given twice: the last one wins, as in most tools
        cl.getSubcommands().get("train").getCommandSpec().usageMessage().footer(Preset.describe());
        // a mistyped flag: the message, picocli's nearest names, and where the options are, not the whole usage
        // (train's runs past a hundred lines, which scroll the one that matters away)
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("rnn4j: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("'" + failed.getCommandSpec().qualifiedName() + " --help' lists "
                    + (failed.getSubcommands().isEmpty() ? "the options" : "the commands and options") + ".");
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof InputException input) {
                cl.getErr().println("rnn4j: " + input.message(Flags::name));
                return 2;
            }
            throw e;
        });
        return cl;
    }
}
