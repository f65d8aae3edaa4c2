package org.rnn4j.serve;

import static org.rnn4j.serve.Answering.GSON;
import static org.rnn4j.serve.Answering.JSON;
import static org.rnn4j.serve.Answering.OPENAI_GSON;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code rnn4j serve}: generation over HTTP with Javalin on Jetty. Routes: {@code POST /v1/generate} (rnn4j's own,
 * {@link GenerateAnswer}), {@code POST /v1/completions} (OpenAI's, {@link CompletionsAnswer}), each JSON or Server-Sent
 * Events with {@code "stream": true}, {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics} (Prometheus) and
 * the web page at {@code /}. Every refused request is a JSON error naming the field; nothing a
 * client sends names a file: models are chosen by name among those loaded at start.
 */
public final class Server implements AutoCloseable {
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
    private final GenerateAnswer generate;
    private final CompletionsAnswer completions;

    /**
     * Loads the models and starts serving.
     *
     * @param models  checkpoints' paths, each served under its file's stem (two with one stem: an error), or built-in
     *                models' names ({@link org.rnn4j.TextModel#PRETRAINED}), served under that name
     * @param host    the address to bind (loopback unless told otherwise)
     * @param port    the port, 0 for any free one ({@link #port()} says which)
     * @param apiKey  the key every API request must carry ({@code Authorization: Bearer KEY}), or null for none
     * @param threads threads of each model's batched steps
     */
    public Server(List<String> models, String host, int port, String apiKey, Limits limits, int threads) {
        this.limits = limits;
        this.metrics = new Metrics(this.models.values());
        Answering answering = new Answering(limits, metrics);
        this.generate = new GenerateAnswer(answering);
        this.completions = new CompletionsAnswer(answering);
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        for (String model : models) {
            ServedModel m = new ServedModel(model, threads, limits, rows -> metrics.batchRows.observe(rows));
            if (this.models.putIfAbsent(m.name, m) != null) {
                close();
                throw new org.rnn4j.InputException("two models are named '" + m.name + "' (" + model
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
        answer(() -> {
            GenerationRequest r = GenerationRequest.parse(body(ctx), limits);
            generate.answer(ctx, model(r.model()), r, System.nanoTime());
        });
    }

    private void completions(Context ctx) throws IOException, InterruptedException {
        answer(() -> {
            CompletionRequest r = CompletionRequest.parse(body(ctx), limits);
            completions.answer(ctx, model(r.model()), r, System.nanoTime());
        });
    }

    private interface Answer {
        void run() throws IOException, InterruptedException;
    }

    /** Runs a generation request, counted as in flight so that {@link #close()} waits for it; refused once closing. */
    private void answer(Answer a) throws IOException, InterruptedException {
        if (draining) {
            throw new ApiError(503, null, "the server is stopping");
        }
        inFlight.incrementAndGet();
        try {
            a.run();
        } finally {
            inFlight.decrementAndGet();
        }
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
