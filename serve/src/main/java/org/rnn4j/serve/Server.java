package org.rnn4j.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.rnn4j.Prompt;
import org.rnn4j.text.Corpus;

/**
 * {@code rnn4j serve}: generation over HTTP with Javalin on Jetty. Routes: {@code POST /v1/generate} (JSON, or
 * Server-Sent Events with {@code "stream": true}), {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics}
 * (Prometheus) and the web page at {@code /}. Every refused request is a JSON error naming the field; nothing a
 * client sends names a file: models are chosen by name among those loaded at start.
 */
public final class Server implements AutoCloseable {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** OpenAI's answers keep their null fields ({@code "finish_reason": null}), which its clients read. */
    private static final Gson OPENAI_GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    private static final String JSON = "application/json; charset=utf-8";
    private static final String API_PREFIX = "/v1/";

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Limits limits;
    private final byte[] apiKey;
    private final Metrics metrics;
    private final Javalin app;
    private final ServerConnector connector;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rnn4j-header-timer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    /**
     * Loads the models and starts serving.
     *
     * @param files   checkpoints, each served under its file's stem (two with one stem: an error)
     * @param host    the address to bind (loopback unless told otherwise)
     * @param port    the port, 0 for any free one ({@link #port()} says which)
     * @param apiKey  the key every API request must carry ({@code Authorization: Bearer KEY}), or null for none
     * @param threads threads of each model's batched steps
     */
    public Server(List<Path> files, String host, int port, String apiKey, Limits limits, int threads) {
        this.limits = limits;
        this.metrics = new Metrics(models.values());
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        for (Path file : files) {
            ServedModel m = new ServedModel(file, threads, limits, rows -> metrics.batchRows.observe(rows));
            if (models.putIfAbsent(m.name, m) != null) {
                close();
                throw new org.rnn4j.InputException("two models are named '" + m.name + "' (" + file
                        + "): clients choose models by file name without its extension, so each must be different");
            }
        }
        ServerConnector[] made = new ServerConnector[1];
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = limits.maxBodyBytes();
            config.http.prefer405over404 = true; // a known path with the wrong method: 405 and Allow, not 404
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/org/rnn4j/serve/web";
                sf.location = Location.CLASSPATH;
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
                c.setHost(host);
                c.setPort(port);
                c.setIdleTimeout((long) (limits.idleSeconds() * 1000));
                c.addBean(new HeaderTimeout());
                made[0] = c;
                return c;
            });
            config.requestLogger.http((ctx, ms) -> metrics.answered(route(ctx), ctx.statusCode(), ms / 1000));
        });
        routes();
        try {
            app.start();
        } catch (RuntimeException e) {
            close();
            throw new org.rnn4j.InputException("cannot serve on " + host + ":" + port + ": " + rootMessage(e), e);
        }
        this.connector = made[0];
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** The port the server listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The names of the models served, in the order given. */
    public List<String> modelNames() {
        return new ArrayList<>(models.keySet());
    }

    /** Whether {@code host} is a loopback address (else the server is open to the network: say so). */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The route a request matched, for the metrics' labels; "other" for static files and refused paths. */
    private static String route(Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path.equals("*") ? "other" : path;
        } catch (IllegalStateException noEndpoint) { // refused before routing, or no route matched
            return ctx.path().equals("/v1/generate") ? "/v1/generate" : "other";
        }
    }

    private void routes() {
        app.before(ctx -> {
            String path = ctx.path();
            boolean api = path.startsWith(API_PREFIX) || path.equals("/metrics");
            if (api && apiKey != null) {
                String given = ctx.header("Authorization");
                byte[] key = given != null && given.startsWith("Bearer ")
                        ? given.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
                if (!MessageDigest.isEqual(key, apiKey)) {
                    throw new ApiError(401, "Authorization", "this server needs its API key: send the header "
                            + "'Authorization: Bearer KEY'");
                }
            }
        });
        app.get("/health", ctx -> json(ctx, 200, health()));
        app.get("/v1/models", ctx -> { // rnn4j's cards as they were, and OpenAI's list of the same models beside
            JsonArray list = new JsonArray(), data = new JsonArray();
            for (ServedModel m : models.values()) {
                list.add(m.card());
                JsonObject d = m.card();
                d.addProperty("id", m.name);
                d.addProperty("object", "model");
                d.addProperty("created", m.created());
                d.addProperty("owned_by", "rnn4j");
                data.add(d);
            }
            JsonObject o = new JsonObject();
            o.add("models", list);
            o.addProperty("object", "list");
            o.add("data", data);
            json(ctx, 200, o);
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.text()));
        app.post("/v1/generate", this::generate);
        app.post("/v1/completions", this::completions);
        app.exception(ApiError.class, (e, ctx) -> {
            if (e.status == 503) {
                ctx.header("Retry-After", "1");
            }
            if (ctx.path().equals("/v1/completions")) {
                ctx.status(e.status).contentType(JSON).result(OPENAI_GSON.toJson(e.toOpenAi()));
            } else {
                json(ctx, e.status, e.toJson());
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            org.slf4j.LoggerFactory.getLogger(Server.class).error("request failed", e);
            json(ctx, 500, new ApiError(500, null, "the server failed: " + e).toJson());
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || !ctx.res().getContentType().startsWith("application/json")) {
                json(ctx, 404, new ApiError(404, null, "no such route: " + ctx.method() + " " + ctx.path()
                        + "; the API is POST /v1/generate, POST /v1/completions, GET /v1/models, GET /health, GET /metrics")
                        .toJson());
            }
        });
        app.error(405, ctx -> {
            String allowed = ctx.path().equals("/v1/generate") || ctx.path().equals("/v1/completions") ? "POST" : "GET";
            ctx.header("Allow", allowed);
            json(ctx, 405, new ApiError(405, null, ctx.method() + " is not allowed on " + ctx.path() + "; use "
                    + allowed).toJson());
        });
        app.error(413, ctx -> json(ctx, 413, new ApiError(413, null, "the request body is larger than "
                + limits.maxBodyBytes() + " bytes").toJson()));
    }

    private JsonObject health() {
        JsonObject o = new JsonObject();
        o.addProperty("status", draining ? "stopping" : "ok");
        JsonArray names = new JsonArray();
        models.keySet().forEach(names::add);
        o.add("models", names);
        return o;
    }

    private static void json(Context ctx, int status, JsonObject body) {
        ctx.status(status).contentType(JSON).result(GSON.toJson(body));
    }

    private String body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limits.maxBodyBytes()) {
            throw new ApiError(413, null, "the request body is " + declared + " bytes; at most "
                    + limits.maxBodyBytes() + " are allowed");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(limits.maxBodyBytes() + 1);
            if (bytes.length > limits.maxBodyBytes()) {
                throw new ApiError(413, null, "the request body is larger than " + limits.maxBodyBytes() + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private ServedModel model(String name) {
        if (name == null) {
            if (models.size() == 1) {
                return models.values().iterator().next();
            }
            throw ApiError.badField("model", "is needed: this server has " + models.size() + " models ("
                    + String.join(", ", models.keySet()) + ")");
        }
        ServedModel m = models.get(name);
        if (m == null) {
            throw new ApiError(404, "model", "model '" + name + "' is not served here; the models are "
                    + String.join(", ", models.keySet()));
        }
        return m;
    }

    private void generate(Context ctx) throws IOException, InterruptedException {
        long start = System.nanoTime();
        if (draining) {
            throw new ApiError(503, null, "the server is stopping");
        }
        inFlight.incrementAndGet();
        try {
            GenerationRequest r = GenerationRequest.parse(body(ctx), limits);
            ServedModel m = model(r.model());
            Prompt prefix = m.text.prompt(r.prefix());
            long seed = r.seed() != null ? r.seed() : m.freshSeed();
            Batcher.Job job = r.length() == 0 ? null : m.start(prefix, r.sampling().seed(seed), r.samples());
            if (r.length() > 0 && job == null) {
                throw new ApiError(503, null, "the server is busy (" + limits.maxQueued()
                        + " streams waiting); try again shortly");
            }
            if (r.stream()) {
                stream(ctx, m, r, prefix, seed, job, start);
            } else {
                whole(ctx, m, r, prefix, seed, job, start);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * {@code POST /v1/completions}, OpenAI's completions API: each prompt continued {@code n} times, every stream of
     * every prompt stepping in the model's batch; the same text as {@code /v1/generate} and the library for the same
     * seed, prompt and sampling. Whole, or streamed as {@code data: {chunk}} events ending with {@code data: [DONE]}.
     */
    private void completions(Context ctx) throws IOException, InterruptedException {
        long start = System.nanoTime();
        if (draining) {
            throw new ApiError(503, null, "the server is stopping");
        }
        inFlight.incrementAndGet();
        List<Batcher.Job> jobs = new ArrayList<>();
        try {
            CompletionRequest r = CompletionRequest.parse(body(ctx), limits);
            ServedModel m = model(r.model());
            long seed = r.seed() != null ? r.seed() : m.freshSeed();
            List<String> echoes = new ArrayList<>();
            int promptTokens = 0;
            for (String given : r.prompts()) {
                Prompt prompt = m.text.prompt(given);
                promptTokens += m.text.vocabulary().encode(prompt.text()).length;
                Batcher.Job job = r.sampling().length() == 0 ? null
                        : m.start(prompt, r.sampling().seed(seed), r.n(), r.logprobs());
                if (r.sampling().length() > 0 && job == null) {
                    throw new ApiError(503, null, "the server is busy (" + limits.maxQueued()
                            + " streams waiting); try again shortly");
                }
                jobs.add(job);
                for (int i = 0; i < r.n(); i++) {
                    echoes.add(r.echo() ? Corpus.shown(prompt.text()) : "");
                }
            }
            Completions c = new Completions(m.name, r.stop(), echoes, r.logprobs() >= 0 ? m.text.vocabulary() : null);
            if (r.stream()) {
                streamCompletions(ctx, c, r, jobs, start);
            } else {
                long deadline = deadline(start);
                for (int p = 0; p < jobs.size(); p++) {
                    drain(jobs.get(p), deadline, p * r.n(), r.n(), c, null);
                    for (int i = p * r.n(); i < (p + 1) * r.n(); i++) {
                        c.end(i);
                    }
                }
                ctx.status(200).contentType(JSON).result(OPENAI_GSON.toJson(c.whole(promptTokens)));
            }
            metrics.tokens.labelValues(m.name).inc(c.completionTokens());
        } catch (RuntimeException e) {
            jobs.stream().filter(java.util.Objects::nonNull).forEach(Batcher.Job::cancel);
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Reads a job's tokens into its choices (from {@code first} on) until it ends, handing each choice that has
     * something new to {@code send}, and cancels the job once a stop sequence has ended all of its choices.
     */
    private void drain(Batcher.Job job, long deadline, int first, int count, Completions c,
                       java.util.function.IntConsumer send) throws InterruptedException {
        if (job != null) {
            for (Batcher.Drawn e; (e = next(job, deadline)) != Batcher.END; ) {
                if (e == null) {
                    throw timedOut();
                }
                int i = first + e.sample();
                c.add(i, e);
                if (send != null) {
                    send.accept(i);
                }
                if (!c.open(i) && c.stopped(first, count)) {
                    job.cancel(); // its streams end at the next step, and the job's end comes
                }
            }
        }
    }

    private void streamCompletions(Context ctx, Completions c, CompletionRequest r, List<Batcher.Job> jobs, long start)
            throws InterruptedException, IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        try (OutputStream out = ctx.res().getOutputStream()) {
            IOException[] failed = {null};
            java.util.function.IntConsumer send = i -> {
                JsonObject chunk = c.chunk(i);
                if (chunk != null && failed[0] == null) {
                    try {
                        data(out, OPENAI_GSON.toJson(chunk));
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                }
            };
            long deadline = deadline(start);
            for (int p = 0; p < jobs.size(); p++) {
                try {
                    drain(jobs.get(p), deadline, p * r.n(), r.n(), c, send);
                } catch (ApiError e) {
                    data(out, OPENAI_GSON.toJson(e.toOpenAi()));
                    return;
                }
                for (int i = p * r.n(); i < (p + 1) * r.n(); i++) {
                    c.end(i);
                    send.accept(i);
                }
                if (failed[0] != null) {
                    jobs.forEach(j -> {
                        if (j != null) {
                            j.cancel();
                        }
                    });
                    throw failed[0];
                }
            }
            data(out, "[DONE]");
        }
    }

    private static void data(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private long deadline(long start) {
        return start + (long) (limits.requestSeconds() * 1e9);
    }

    private ApiError timedOut() {
        return new ApiError(503, "length", "the generation took longer than " + limits.requestSeconds()
                + " s and was stopped; ask for fewer tokens or samples");
    }

    /** The next event of a job, or null when the request's time is up (the job then cancelled). */
    private Batcher.Drawn next(Batcher.Job job, long deadline) throws InterruptedException {
        Batcher.Drawn e = job.events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
            job.cancel();
        }
        return e;
    }

    private void whole(Context ctx, ServedModel m, GenerationRequest r, Prompt prefix, long seed,
                       Batcher.Job job, long start) throws InterruptedException {
        Completions c = new Completions(m.name, r.stop(), java.util.Collections.nCopies(r.samples(),
                Corpus.shown(prefix.text())), null);
        drain(job, deadline(start), 0, r.samples(), c, null);
        int tokens = c.completionTokens();
        metrics.tokens.labelValues(m.name).inc(tokens);
        JsonObject o = header(m, r, prefix, seed);
        o.addProperty("text", c.text(0));
        JsonArray samples = new JsonArray(), finish = new JsonArray();
        for (int i = 0; i < r.samples(); i++) {
            c.end(i);
            samples.add(c.text(i));
            finish.add(c.finish(i));
        }
        o.add("samples", samples);
        o.add("finish_reasons", finish);
        o.addProperty("tokens", tokens);
        o.addProperty("seconds", (System.nanoTime() - start) / 1e9);
        ctx.status(200).contentType(JSON);
        // written and completed here, not left to Javalin after the handler: until its last byte is sent the
        // request counts as in flight, so close() does not stop the server under it
        try (OutputStream out = ctx.outputStream()) {
            out.write(GSON.toJson(o).getBytes(StandardCharsets.UTF_8));
        } catch (IOException gone) {
            // the client went away: nothing is left to stop
        }
    }

    private static JsonObject header(ServedModel m, GenerationRequest r, Prompt prefix, long seed) {
        JsonObject o = new JsonObject();
        o.addProperty("model", m.name);
        o.addProperty("seed", seed);
        o.addProperty("prefix", Corpus.shown(prefix.text()));
        o.addProperty("length", r.sampling().length());
        JsonArray warnings = new JsonArray();
        prefix.all().forEach(warnings::add);
        o.add("warnings", warnings);
        return o;
    }

    /**
     * Server-Sent Events: {@code start} (model, seed, prefix, warnings), one {@code token} per token as it is drawn
     * ({@code {"sample": i, "text": "…"}}), then {@code done} with the counts and timing, or {@code error}. A client
     * that goes away makes a write fail: its streams are then cancelled at the next step.
     */
    private void stream(Context ctx, ServedModel m, GenerationRequest r, Prompt prefix, long seed,
                        Batcher.Job job, long start) throws InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        int tokens = 0;
        // closed here so the last chunk is sent before the request stops counting as in flight (see whole)
        try (OutputStream out = ctx.res().getOutputStream()) {
            JsonObject head = header(m, r, prefix, seed);
            head.addProperty("samples", r.samples());
            event(out, "start", head);
            Completions c = new Completions(m.name, r.stop(), java.util.Collections.nCopies(r.samples(), ""), null);
            IOException[] failed = {null};
            JsonObject token = new JsonObject();
            java.util.function.IntConsumer send = i -> { // nothing for a token that only spells the prefix again
                String text = c.delta(i);
                if (!text.isEmpty() && failed[0] == null) {
                    token.addProperty("sample", i);
                    token.addProperty("text", text);
                    try {
                        event(out, "token", token);
                    } catch (IOException e) {
                        failed[0] = e;
                        if (job != null) {
                            job.cancel();
                        }
                    }
                }
            };
            try {
                drain(job, deadline(start), 0, r.samples(), c, send);
            } catch (ApiError e) {
                event(out, "error", e.toJson());
                return;
            } finally {
                tokens = c.completionTokens();
            }
            for (int i = 0; i < r.samples(); i++) {
                c.end(i);
                send.accept(i);
            }
            if (failed[0] != null) {
                throw failed[0];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            JsonObject done = new JsonObject();
            done.addProperty("tokens", tokens);
            done.addProperty("seconds", seconds);
            done.addProperty("tokens_per_second", tokens / Math.max(seconds, 1e-9));
            event(out, "done", done);
        } catch (IOException gone) {
            if (job != null) {
                job.cancel();
            }
        } finally {
            metrics.tokens.labelValues(m.name).inc(tokens);
        }
    }

    private static void event(OutputStream out, String name, JsonObject data) throws IOException {
        out.write(("event: " + name + "\ndata: " + GSON.toJson(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Closes a connection whose first request's headers have not all come within {@link Limits#headerSeconds()}: a
     * client sending them a byte at a time would otherwise hold a connection for as long as it likes, each byte
     * restarting the idle timeout.
     */
    private final class HeaderTimeout implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            timers.schedule(() -> {
                if (connection instanceof HttpConnection http && http.getMessagesIn() == 0
                        && connection.getEndPoint().isOpen()) {
                    connection.getEndPoint().close();
                }
            }, (long) (limits.headerSeconds() * 1000), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onClosed(Connection connection) {
        }
    }

    /**
     * Stops gracefully: new generations get 503, those in flight finish (at most {@link Limits#requestSeconds()}),
     * then the server and the models' workers stop.
     */
    @Override
    public void close() {
        draining = true;
        long until = System.nanoTime() + (long) (limits.requestSeconds() * 1e9);
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (app != null) {
            app.stop();
        }
        models.values().forEach(ServedModel::close);
        timers.shutdownNow();
    }
}
