package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.text.Preprocessing;

/** The server over loopback, with a real HTTP client and, for the misbehaving clients, raw sockets. */
class ServerTest {
    @TempDir
    static Path dir;
    static TextModel model;
    static Server server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int LONGEST = 10_000_000;

    /** A length that takes this model about a second at one stream here (measured: machines differ tenfold). */
    static int aboutOneSecond() throws Exception {
        JsonObject r = json(post("{\"prefix\": \"the \", \"length\": 50000, \"seed\": 1}"));
        double rate = 50_000 / r.get("seconds").getAsDouble();
        return (int) Math.min(LONGEST, rate);
    }

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("tm.safetensors");
        model = Fixtures.model();
        model.save(file);
        Limits limits = Limits.defaults().withMaxLength(LONGEST).withTimeouts(60, 1.5, 30);
        server = new Server(List.of(file.toString()), "127.0.0.1", 0, null, limits, 2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/v1/generate")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void theTextIsTheLibrarysForTheSameSeedAndSettings() throws Exception {
        HttpResponse<String> r = post("{\"model\": \"tm\", \"prefix\": \"the time \", \"length\": 120, "
                + "\"temperature\": 0.8, \"top_p\": 0.95, \"seed\": 42}");
        assertEquals(200, r.statusCode(), r.body());
        String expected = model.generate("the time ", Sampling.temperature(0.8).topP(0.95).seed(42).length(120));
        assertEquals(expected, json(r).get("text").getAsString());
        assertEquals(42, json(r).get("seed").getAsLong());
        assertEquals(120, json(r).get("tokens").getAsInt());
    }

    /** {@code top_k}: the library's {@code topK} for the same seed, and not the text without it. */
    @Test
    void topKIsTheLibrarysTopK() throws Exception {
        HttpResponse<String> r = post("{\"prefix\": \"the \", \"length\": 80, \"top_k\": 2, \"seed\": 42}");
        assertEquals(200, r.statusCode(), r.body());
        String expected = model.generate("the ", Sampling.temperature(1).topK(2).seed(42).length(80));
        assertEquals(expected, json(r).get("text").getAsString());
        assertNotEquals(model.generate("the ", Sampling.temperature(1).seed(42).length(80)), expected);
    }

    /** {@code n} is {@code samples} by OpenAI's name; {@code stop} ends each sample's text before it, whole and streamed. */
    @Test
    void nAndStopOnGenerate() throws Exception {
        Sampling s = Sampling.temperature(1).seed(21).length(150);
        List<String> expected = model.generate("the ", s, 2);
        HttpResponse<String> r = post("{\"prefix\": \"the \", \"length\": 150, \"seed\": 21, \"n\": 2}");
        assertEquals(expected.get(1), json(r).getAsJsonArray("samples").get(1).getAsString());
        String stop = expected.get(0).substring(50, 53);
        String cut = expected.get(0).substring(0, expected.get(0).indexOf(stop, 4));
        JsonObject stopped = json(post("{\"prefix\": \"the \", \"length\": 150, \"seed\": 21, \"stop\": "
                + new com.google.gson.Gson().toJson(stop) + "}"));
        assertEquals(cut, stopped.get("text").getAsString());
        assertEquals("stop", stopped.getAsJsonArray("finish_reasons").get(0).getAsString());
        HttpResponse<String> streamed = post("{\"prefix\": \"the \", \"length\": 150, \"seed\": 21, \"stream\": true, "
                + "\"stop\": " + new com.google.gson.Gson().toJson(stop) + "}");
        StringBuilder text = new StringBuilder("the ");
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {\"sample\"")) {
                text.append(JsonParser.parseString(line.substring(6)).getAsJsonObject().get("text").getAsString());
            }
        }
        assertEquals(cut, text.toString());
        refused(400, "n", "{\"n\": 2, \"samples\": 3}");
        refused(400, "stop", "{\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}");
    }

    @Test
    void samplesAreTheLibrarysSamples() throws Exception {
        HttpResponse<String> r = post("{\"prefix\": \"he said\", \"length\": 40, \"samples\": 3, \"seed\": 5}");
        assertEquals(200, r.statusCode(), r.body());
        List<String> expected = model.generate("he said", Sampling.temperature(1).seed(5).length(40), 3);
        List<String> got = new ArrayList<>();
        json(r).getAsJsonArray("samples").forEach(e -> got.add(e.getAsString()));
        assertEquals(expected, got);
    }

    /** Many clients at once share the batch; each still gets the text it would get alone. */
    @Test
    void concurrentRequestsEachGetTheirOwnText() throws Exception {
        double stepsBefore = metric("rnn4j_batch_rows_count"), singleBefore = metric("rnn4j_batch_rows_bucket{le=\"1.0\"}");
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int seed = i;
                answers.add(pool.submit((Callable<String>) () -> json(post("{\"prefix\": \"the " + "x".repeat(seed % 4)
                        + "\", \"length\": 60, \"seed\": " + seed + "}")).get("text").getAsString()));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertEquals(model.generate("the " + "x".repeat(i % 4), Sampling.temperature(1).seed(i).length(60)),
                        answers.get(i).get(), "request " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        double steps = metric("rnn4j_batch_rows_count") - stepsBefore;
        double single = metric("rnn4j_batch_rows_bucket{le=\"1.0\"}") - singleBefore;
        assertTrue(single < steps, "some steps stepped several streams together: " + single + " of " + steps
                + " steps had one");
    }

    /** A value from /metrics, the line that starts with {@code series}. */
    static double metric(String series) throws Exception {
        return metric(server.port(), series);
    }

    static double metric(int port, String series) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + series + " in\n" + metrics);
    }

    @Test
    void streamedEventsArriveBeforeTheGenerationEnds() throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri("/v1/generate"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prefix\": \"the \", \"length\": " + LONGEST
                        + ", \"stream\": true, \"seed\": 1}")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            List<String> events = new ArrayList<>();
            for (String line; events.size() < 6 && (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    events.add(line.substring(7));
                }
            }
            assertEquals(List.of("start", "token", "token", "token", "token", "token"), events);
            assertTrue(activeStreams() > 0, "the generation of 10 million tokens is still running");
        }
        waitForNoActiveStreams(); // closing the stream is a client going away
    }

    @Test
    void aStreamEndsWithItsCountsAndHasTheSameText() throws Exception {
        HttpResponse<String> r = post("{\"prefix\": \"it was\", \"length\": 30, \"stream\": true, \"seed\": 9}");
        StringBuilder text = new StringBuilder();
        JsonObject done = null;
        String event = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                JsonObject data = JsonParser.parseString(line.substring(6)).getAsJsonObject();
                switch (event) {
                    case "start" -> text.append(data.get("prefix").getAsString());
                    case "token" -> text.append(data.get("text").getAsString());
                    case "done" -> done = data;
                    default -> throw new AssertionError(line);
                }
            }
        }
        assertEquals(model.generate("it was", Sampling.temperature(1).seed(9).length(30)), text.toString());
        assertEquals(30, done.get("tokens").getAsInt());
    }

    /**
     * A model of subwords, a prefix cut inside a word: whole and streamed, the server's text is the library's for the
     * seed, and the tokens that only spell again the typed part of the word send no event.
     */
    @Test
    void subwordsAfterAPrefixCutInsideAWordAreTheLibrarysText() throws Exception {
        Path file = Files.createDirectories(dir.resolve("bpe")).resolve("bpe.safetensors");
        StringBuilder book = new StringBuilder();
        org.rnn4j.text.Corpus.read(org.rnn4j.text.Corpus.BUILT_IN, null, Preprocessing.RAW, 20_000, false,
                book::appendCodePoint);
        TextModel bpe = TextModel.train(book.toString(), Training.defaults().tokens(org.rnn4j.text.Subwords.Kind.BPE)
                .vocabSize(300).hidden(32).layers(1).batch(8).steps(20).epochs(1).preprocessing(Preprocessing.RAW)
                .seed(5));
        bpe.save(file);
        Server subwords = new Server(List.of(file.toString()), "127.0.0.1", 0, null, Limits.defaults(), 1);
        try {
            String expected = bpe.generate("The Time Trav", Sampling.temperature(0.7).seed(8).length(15));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + subwords.port()
                    + "/v1/generate")).header("Content-Type", "application/json");
            HttpResponse<String> whole = HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString("{\"prefix\": "
                    + "\"The Time Trav\", \"length\": 15, \"temperature\": 0.7, \"seed\": 8}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(expected, json(whole).get("text").getAsString());
            HttpResponse<String> streamed = HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString("{\"prefix\": "
                    + "\"The Time Trav\", \"length\": 15, \"temperature\": 0.7, \"seed\": 8, \"stream\": true}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            StringBuilder text = new StringBuilder("The Time Trav");
            for (String line : streamed.body().split("\n")) {
                if (line.startsWith("data: {\"sample\"")) {
                    String piece = JsonParser.parseString(line.substring(6)).getAsJsonObject().get("text").getAsString();
                    assertFalse(piece.isEmpty(), "no event for a token that adds no text: " + streamed.body());
                    text.append(piece);
                }
            }
            assertEquals(expected, text.toString());
        } finally {
            subwords.close();
        }
    }

    @Test
    void modelsHealthAndMetrics() throws Exception {
        JsonObject models = json(HTTP.send(HttpRequest.newBuilder(uri("/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString()));
        JsonObject card = models.getAsJsonArray("models").get(0).getAsJsonObject();
        assertEquals("tm", card.get("name").getAsString());
        assertEquals("gru", card.get("cell").getAsString());
        assertEquals(model.vocabulary().size(), card.get("vocabulary").getAsInt());
        assertEquals(model.history().size(), card.getAsJsonArray("history").size());
        assertTrue(card.get("val_perplexity").getAsDouble() > 1);
        assertEquals(Math.log(card.get("val_perplexity").getAsDouble()) / Math.log(2),
                card.get("val_bits_per_character").getAsDouble(), 1e-9);
        assertEquals(model.history().get(model.history().size() - 1).networkValidationBitsPerCharacter(),
                card.get("val_network_bits_per_character").getAsDouble(), 1e-9, "a mixture's: the network's own beside it");
        assertEquals("ok", json(HTTP.send(HttpRequest.newBuilder(uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString())).get("status").getAsString());
        post("{\"prefix\": \"a\", \"length\": 7, \"seed\": 1}");
        post("{\"temperature\": -1}");
        String metrics = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String name : new String[] {"rnn4j_requests_total{route=\"/v1/generate\",status=\"200\"}",
                "rnn4j_requests_total{route=\"/v1/generate\",status=\"400\"}", "rnn4j_tokens_generated_total{model=\"tm\"}",
                "rnn4j_queue_streams{model=\"tm\"}", "rnn4j_active_streams{model=\"tm\"}",
                "rnn4j_request_seconds_bucket{route=\"/v1/generate\",le=\"0.1\"}"}) {
            assertTrue(metrics.contains(name), name + " in\n" + metrics);
        }
    }

    // --- bad input: each answered with a JSON error (or a timeout), and the server serves on

    static void refused(int status, String field, String body) throws Exception {
        HttpResponse<String> r = post(body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
        JsonObject error = json(r);
        if (field != null) {
            assertEquals(field, error.get("field").getAsString(), r.body());
        }
        assertFalse(error.get("error").getAsString().isBlank());
        servesOn();
    }

    static void servesOn() throws Exception {
        HttpResponse<String> ok = post("{\"prefix\": \"ok\", \"length\": 5, \"seed\": 3}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(model.generate("ok", Sampling.temperature(1).seed(3).length(5)), json(ok).get("text").getAsString());
    }

    @Test
    void badRequestsAreJsonErrorsNamingTheField() throws Exception {
        refused(400, null, "{\"prefix\": \"the");
        refused(400, null, "[1, 2]");
        refused(400, null, "");
        refused(400, "length", "{\"length\": \"ten\"}");
        refused(400, "length", "{\"length\": 2.5}");
        refused(400, "length", "{\"length\": 10000001}");
        refused(400, "length", "{\"length\": -1}");
        refused(400, "temperature", "{\"temperature\": -0.5}");
        refused(400, "temperature", "{\"temperature\": \"NaN\"}");
        refused(400, "top_p", "{\"top_p\": 0}");
        refused(400, "samples", "{\"samples\": 100}");
        refused(400, "stream", "{\"stream\": \"yes\"}");
        refused(400, "prefix", "{\"prefix\": 12}");
        refused(400, "prefix", "{\"prefix\": \"" + "a".repeat(20_001) + "\"}");
        refused(400, "temprature", "{\"temprature\": 1}");
        refused(404, "model", "{\"model\": \"../../etc/passwd\"}");
        String message = json(post("{\"length\": 1e9}")).get("error").getAsString();
        assertTrue(message.contains("0 to 10000000"), message);
    }

    /** 64 KB of '[': refused in a few hundred bytes, in rnn4j's words (no parser path as long as the body). */
    @Test
    void aMalformedBodyGetsASmallAnswer() throws Exception {
        HttpResponse<String> r = post("[".repeat(64 * 1024 - 1));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().length() < 400, r.body().length() + " bytes: "
                + r.body().substring(0, Math.min(300, r.body().length())));
        assertFalse(r.body().contains("$["), r.body());
    }

    /** A known path with the wrong method: 405, saying which method it takes, in the Allow header too. */
    @Test
    void aKnownPathWithTheWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/v1/generate")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode(), r.body());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        assertTrue(json(r).get("error").getAsString().contains("use POST"), r.body());
    }

    @Test
    void nanIsNotANumberJsonAllows() throws Exception {
        refused(400, null, "{\"temperature\": NaN}");
    }

    @Test
    void aTenMegabyteBodyIsRefused() throws Exception {
        String big = "{\"prefix\": \"" + "a".repeat(10 * 1024 * 1024) + "\"}";
        HttpResponse<String> r;
        try {
            r = post(big);
            assertEquals(413, r.statusCode(), r.body().substring(0, Math.min(300, r.body().length())));
            assertTrue(json(r).get("error").getAsString().contains("65536"), r.body());
        } catch (IOException closedEarly) {
            // the server may answer and close before the client has sent all 10 MB: the answer is then lost to
            // this client, but the refusal is the point, and the next request must succeed
        }
        servesOn();
    }

    @Test
    void unknownCharactersAreAnsweredWithAWarning() throws Exception {
        HttpResponse<String> r = post("{\"prefix\": \"the 猫 \", \"length\": 10, \"seed\": 2}");
        assertEquals(200, r.statusCode(), r.body());
        String warnings = json(r).getAsJsonArray("warnings").toString();
        assertTrue(warnings.contains("'猫', which is not in the model's vocabulary"), warnings);
        assertEquals(model.generate("the 猫 ", Sampling.temperature(1).seed(2).length(10)),
                json(r).get("text").getAsString());
    }

    @Test
    void unknownRoutesAndMethodsAreJsonErrors() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/v1/nothing")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertTrue(json(r).get("error").getAsString().contains("POST /v1/generate"), r.body());
        servesOn();
    }

    /** Headers sent a byte a second: the connection is closed after the header timeout (1.5 s here). */
    @Test
    void aClientSendingItsHeadersSlowlyIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            byte[] request = "POST /v1/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".getBytes();
            long start = System.nanoTime();
            boolean closed = false;
            try {
                for (byte b : request) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(1000);
                    if ((System.nanoTime() - start) / 1e9 > 6) {
                        break;
                    }
                }
                closed = s.getInputStream().read() == -1;
            } catch (IOException reset) {
                closed = true;
            }
            assertTrue(closed, "the server closed the connection");
            assertTrue((System.nanoTime() - start) / 1e9 < 6, "within the header timeout and a little");
        }
        servesOn();
    }

    /** A client that disconnects mid-stream: its generation stops at once, and nothing is left running. */
    @Test
    void aClientThatDisconnectsMidStreamStopsItsGeneration() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            postGenerate(s, "Content-Type: application/json",
                    "{\"prefix\": \"the \", \"length\": " + LONGEST + ", \"stream\": true, \"seed\": 4}");
            // the start event is written before the batcher takes the stream in: a token says it is generating
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] some = new byte[4096];
            for (int got; seen.indexOf("event: token") < 0 && (got = in.read(some)) > 0; ) {
                seen.append(new String(some, 0, got, StandardCharsets.UTF_8));
            }
            assertTrue(seen.indexOf("event: token") >= 0, "a token came: " + seen);
            assertTrue(activeStreams() > 0, "the stream is generating");
        }
        waitForNoActiveStreams();
        servesOn();
    }

    /** Writes a generation request by hand on a raw socket, with one header of the caller's. */
    static void postGenerate(Socket s, String header, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/generate HTTP/1.1\r\nHost: x\r\n" + header + "\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    static int activeStreams() throws Exception {
        return (int) metric("rnn4j_active_streams{model=\"tm\"}");
    }

    /** The streams here would take minutes; a cancelled one is gone within a few steps. */
    static void waitForNoActiveStreams() throws Exception {
        long until = System.nanoTime() + 1_000_000_000L;
        while (activeStreams() > 0) {
            assertTrue(System.nanoTime() < until, "a generation is still running 1 s after its client left");
            Thread.sleep(20);
        }
    }

    /** A full queue answers 503 with Retry-After; the server serves again once the queue has room. */
    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        Limits small = new Limits(64 * 1024, 100, LONGEST, 2, 1, 2, 60, 10, 30);
        try (Server busy = new Server(List.of(dir.resolve("tm.safetensors").toString()), "127.0.0.1", 0, null, small,
                1)) {
            URI generate = URI.create("http://127.0.0.1:" + busy.port() + "/v1/generate");
            java.util.function.Function<String, HttpRequest> request = body -> HttpRequest.newBuilder(generate)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            // its answer begins once both samples are queued: one steps (batch 1), one waits, and the queue (2)
            // has one place left, so two more samples do not fit whatever the speed of the machine
            HttpResponse<InputStream> filling = HTTP.send(request.apply("{\"length\": " + LONGEST
                    + ", \"samples\": 2, \"stream\": true, \"seed\": 1}"), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, filling.statusCode(), "the request that fills the queue is served");
            String twoSamples = "{\"length\": 5, \"samples\": 2}";
            HttpResponse<String> refused = HTTP.send(request.apply(twoSamples), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertTrue(json(refused).get("error").getAsString().contains("busy"), refused.body());
            filling.body().close(); // its client leaves: both its samples are cancelled and the queue empties
            long until = System.nanoTime() + 10_000_000_000L;
            HttpResponse<String> served;
            do {
                served = HTTP.send(request.apply(twoSamples), HttpResponse.BodyHandlers.ofString());
            } while (served.statusCode() == 503 && System.nanoTime() < until);
            assertEquals(200, served.statusCode(), served.body());
        }
    }

    /** Closing (as SIGTERM does) lets a stream in flight finish with its done event. */
    @Test
    void closingFinishesTheStreamsInFlight() throws Exception {
        Server closing = new Server(List.of(dir.resolve("tm.safetensors").toString()), "127.0.0.1", 0, null,
                Limits.defaults().withMaxLength(LONGEST), 1);
        int length = aboutOneSecond();
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closing.port()
                + "/v1/generate")).POST(HttpRequest.BodyPublishers.ofString("{\"length\": " + length
                + ", \"stream\": true}")).build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread closer = new Thread(closing::close);
        closer.start();
        String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        closer.join();
        assertTrue(body.contains("event: done"), body.substring(Math.max(0, body.length() - 300)));
        assertTrue(body.contains("\"tokens\":" + length + ","), body.substring(Math.max(0, body.length() - 300)));
    }

    /**
     * Closing while an answer larger than the sockets' buffers is still being written to a client that reads
     * slowly: the generation is done, the body not all sent, and the client still gets the whole of it. A model
     * of four emoji makes each token 4 bytes and cheap to draw.
     */
    @Test
    void closingFinishesAnAnswerStillBeingWritten() throws Exception {
        Path file = Files.createDirectories(dir.resolve("emoji")).resolve("emoji.safetensors");
        TextModel.train("\uD83D\uDE42\uD83D\uDE80\uD83C\uDF0D\uD83C\uDFB2".repeat(500), Training.defaults().hidden(8)
                .layers(1).batch(4).steps(10).epochs(1).preprocessing(Preprocessing.RAW).seed(3)).save(file);
        Server closing = new Server(List.of(file.toString()), "127.0.0.1", 0, null,
                Limits.defaults().withMaxLength(LONGEST), 1);
        int length = 200_000; // 8 samples of 800 KB: more than the 4 MB a loopback socket's send buffer grows to
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024); // before connecting, so no autotuning takes the whole body in at once
            s.connect(new InetSocketAddress("127.0.0.1", closing.port()));
            s.setSoTimeout(60_000);
            postGenerate(s, "Connection: close", "{\"length\": " + length + ", \"samples\": 8, \"seed\": 5}");
            long until = System.nanoTime() + 30_000_000_000L;
            while (metric(closing.port(), "rnn4j_active_streams{model=\"emoji\"}") == 0 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            Thread closer = new Thread(closing::close);
            closer.start();
            InputStream in = s.getInputStream();
            byte[] some = new byte[64 * 1024];
            try {
                for (int got; (got = in.read(some)) > 0; ) {
                    read.write(some, 0, got);
                    Thread.sleep(10); // at most 6.4 MB a second: the answer takes about a second to send
                }
            } catch (IOException reset) {
                // the connection closed under the answer: the checks below show what arrived
            }
            closer.join();
        }
        String response = read.toString(StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200"), response.substring(0, Math.min(300, response.length())));
        JsonObject answer = JsonParser.parseString(response.substring(response.indexOf("\r\n\r\n") + 4))
                .getAsJsonObject();
        assertEquals(8 * length, answer.get("tokens").getAsInt());
        String last = answer.getAsJsonArray("samples").get(7).getAsString();
        assertEquals(length, last.codePointCount(0, last.length()), "the last sample whole, each emoji one token");
    }

    /** A built-in model is served by its name, as the command line's other commands take it: the library's text. */
    @Test
    void aBuiltInModelIsServedByItsName() throws Exception {
        try (Server english = new Server(List.of("english"), "127.0.0.1", 0, null, Limits.defaults(), 1)) {
            assertEquals(List.of("english"), english.modelNames());
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + english.port()
                    + "/v1/generate")).POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"english\", "
                    + "\"prefix\": \"The \", \"length\": 40, \"seed\": 3}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(org.rnn4j.TextModel.pretrained("english").generate("The ", Sampling.temperature(1).seed(3)
                    .length(40)), json(r).get("text").getAsString());
        }
    }

    @Test
    void twoModelsWithOneNameAreRefused() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other")).resolve("tm.safetensors");
        model.save(other);
        org.rnn4j.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.rnn4j.InputException.class,
                () -> new Server(List.of(dir.resolve("tm.safetensors").toString(), other.toString()), "127.0.0.1", 0, null,
                        Limits.defaults(), 1));
        assertTrue(e.getMessage().contains("two models are named 'tm'"), e.getMessage());
    }

    @Test
    void anApiKeyIsCheckedOnEveryApiRequest() throws Exception {
        try (Server keyed = new Server(List.of(dir.resolve("tm.safetensors").toString()), "127.0.0.1", 0, "s3cret",
                Limits.defaults(), 1)) {
            URI generate = URI.create("http://127.0.0.1:" + keyed.port() + "/v1/generate");
            HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(generate)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode(), none.body());
            HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(generate).header("Authorization", "Bearer x")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> right = HTTP.send(HttpRequest.newBuilder(generate)
                    .header("Authorization", "Bearer s3cret")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"length\": 3}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, right.statusCode(), right.body());
            assertNotEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + keyed.port() + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "the page itself is public");
        }
    }
}
