package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.TrainCommandTest.run;

import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./rnn4j serve} as a user runs it: the launcher in a second JVM, a real HTTP client over loopback, and
 * SIGTERM to stop it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Process server;
    static int port;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        model = dir.resolve("tm.safetensors");
        TrainCommandTest.Run r = run("train", "--hidden", "64", "--epochs", "20", "--print-every", "20", "--out",
                model.toString());
        assertEquals(0, r.code(), r.err());
        Path log = dir.resolve("serve.log");
        ProcessBuilder b = new ProcessBuilder(ProgressBarTest.LAUNCHER.toString(), "serve", "--model", model.toString(),
                "--port", "0", "--max-length", "1000000").redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("RNN4J_CLASSPATH", System.getProperty("java.class.path"));
        server = b.start();
        Pattern serving = Pattern.compile("serving tm on http://127\\.0\\.0\\.1:(\\d+)/");
        long until = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Matcher m = serving.matcher(Files.readString(log));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                break;
            }
            assertTrue(server.isAlive() && System.nanoTime() < until, Files.readString(log));
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() {
        if (server.isAlive()) {
            server.destroyForcibly();
        }
    }

    static HttpRequest generate(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/generate"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The README's example: curl's POST prints what rnn4j generate prints for the same model, prefix and seed. */
    @Test
    @Order(1)
    void aPostGivesWhatGeneratePrints() throws Exception {
        TrainCommandTest.Run printed = run("generate", "--model", model.toString(), "--prefix", "time traveller",
                "--length", "100", "--temperature", "0.8", "--top-p", "0.9", "--seed", "7");
        assertEquals(0, printed.code(), printed.err());
        HttpResponse<String> r = HTTP.send(generate("{\"model\": \"tm\", \"prefix\": \"time traveller\", \"length\": 100, "
                + "\"temperature\": 0.8, \"top_p\": 0.9, \"seed\": 7}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(printed.out().strip(), JsonParser.parseString(r.body()).getAsJsonObject().get("text").getAsString());
        // OpenAI's API, twice (the second read on from the state cache), and with a stop sequence the text holds
        String prompt = "time traveller", continuation = printed.out().strip().substring(prompt.length());
        String stop = continuation.substring(40, 42);
        for (String extra : new String[] {"", "", ", \"stop\": " + new com.google.gson.Gson().toJson(stop)}) {
            HttpResponse<String> c = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"time traveller\", "
                    + "\"max_tokens\": 100, \"temperature\": 0.8, \"top_p\": 0.9, \"seed\": 7" + extra + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, c.statusCode(), c.body());
            String text = JsonParser.parseString(c.body()).getAsJsonObject().getAsJsonArray("choices").get(0)
                    .getAsJsonObject().get("text").getAsString();
            assertEquals(extra.isEmpty() ? continuation : continuation.substring(0, continuation.indexOf(stop)), text);
        }
        TrainCommandTest.Run samples = run("generate", "--model", model.toString(), "--prefix", "the", "--length", "30",
                "--samples", "3", "--seed", "11");
        HttpResponse<String> three = HTTP.send(generate("{\"prefix\": \"the\", \"length\": 30, \"samples\": 3, "
                + "\"seed\": 11}"), HttpResponse.BodyHandlers.ofString());
        List<String> served = new java.util.ArrayList<>();
        JsonParser.parseString(three.body()).getAsJsonObject().getAsJsonArray("samples")
                .forEach(e -> served.add(e.getAsString()));
        assertEquals(samples.out().strip(), String.join("\n\n", served));
    }

    /** SIGTERM while a stream is in flight: the stream ends with its done event, and the server exits 0. */
    @Test
    @Order(2) // last: it stops the server
    void sigtermFinishesTheStreamInFlightAndExitsZero() throws Exception {
        HttpResponse<InputStream> r = HTTP.send(generate("{\"length\": 300000, \"stream\": true}"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertEquals("event: start", in.readLine());
            new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
            String last = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    last = line;
                }
            }
            assertEquals("event: done", last, "the stream in flight was finished, not cut");
        }
        assertTrue(server.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, server.exitValue());
    }
}
