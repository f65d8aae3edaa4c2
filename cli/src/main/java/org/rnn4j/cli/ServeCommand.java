package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.rnn4j.InputException;
import org.rnn4j.TextModel;
import org.rnn4j.serve.Limits;
import org.rnn4j.serve.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rnn4j serve}: the models over HTTP, a JSON API and a web page, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve trained models over HTTP: POST /v1/generate (JSON, or streamed as Server-Sent Events),",
                "GET /v1/models, /health, /metrics (Prometheus), and a page to write with at /.",
                "Concurrent requests to one model step together as one batch. SIGTERM or Ctrl-C finishes the",
                "requests in flight, then stops."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", required = true,
            description = "A checkpoint written by 'rnn4j train --out', or a built-in model: 'english'; repeat for "
                    + "several. Clients choose a model by its file name without the extension, or the built-in's name.")
    List<String> models = new ArrayList<>();

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "The address to listen on (default: 127.0.0.1, this machine only).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "The port (default: 8080; 0: any free one).")
    int port = 8080;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Every API request must send 'Authorization: Bearer KEY' (default: none needed).")
    String apiKey;

    @Option(names = "--max-batch", paramLabel = "N",
            description = "Streams of one model stepped together (default: 128; 1: no batching).")
    int maxBatch = Limits.defaults().maxBatch();

    @Option(names = "--max-length", paramLabel = "N", description = "Most tokens one request may ask for (default: 2000).")
    int maxLength = Limits.defaults().maxLength();

    @Option(names = "--max-samples", paramLabel = "N", description = "Most samples of one request (default: 8).")
    int maxSamples = Limits.defaults().maxSamples();

    @Option(names = "--queue", paramLabel = "N",
            description = "Streams waiting for the batch before requests get 503 (default: 512).")
    int queue = Limits.defaults().maxQueued();

    @Option(names = "--request-timeout", paramLabel = "S",
            description = "Seconds a generation may run before it is stopped (default: 60).")
    double requestTimeout = Limits.defaults().requestSeconds();

    @Option(names = "--cache-mb", paramLabel = "MB", description = "Each model keeps the states its prompts reached in "
            + "at most MB megabytes, so that a prompt extending an earlier one (autocomplete as one types) reads only "
            + "what is new (default: 64; 0: no cache).")
    int cacheMb = (int) (Limits.DEFAULT_CACHE_BYTES >> 20);

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads of each model's batched steps (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Flags.atLeast("--port", port, 0);
        Flags.positive("--max-batch", maxBatch);
        Flags.atLeast("--max-length", maxLength, 1);
        Flags.positive("--max-samples", maxSamples);
        Flags.positive("--queue", queue);
        Flags.positive("--request-timeout", requestTimeout);
        Flags.positive("--threads", threads);
        Flags.atLeast("--cache-mb", cacheMb, 0);
        for (String m : models) {
            if (!TextModel.PRETRAINED.contains(m) && !Files.isRegularFile(Path.of(m))) {
                throw new InputException("--model " + m + ": no such file; give a checkpoint written by "
                        + "'rnn4j train --out', or a built-in model: " + String.join(", ", TextModel.PRETRAINED));
            }
        }
        Limits defaults = Limits.defaults();
        Limits limits = new Limits(defaults.maxBodyBytes(), defaults.maxPrefix(), maxLength, maxSamples, maxBatch, queue,
                requestTimeout, defaults.headerSeconds(), defaults.idleSeconds(), (long) cacheMb << 20);
        boolean open = !Server.isLoopback(host);
        if (open && apiKey == null) {
            err.println("rnn4j: warning: --host " + host + " serves the models to every machine that can reach this "
                    + "one; --api-key KEY makes each API request need the key");
        }
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
        }
        try (Server server = new Server(models, host, port, apiKey, limits, threads)) {
            err.printf("rnn4j: serving %s on http://%s:%d/ (Ctrl-C stops)%n", String.join(", ", server.modelNames()),
                    host.contains(":") ? "[" + host + "]" : host, server.port());
            err.flush();
            stop.await();
            err.println("rnn4j: stopping: finishing the requests in flight");
            err.flush();
        }
        return 0;
    }
}
