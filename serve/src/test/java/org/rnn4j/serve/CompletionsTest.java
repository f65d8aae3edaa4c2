package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;

/** {@code POST /v1/completions} over loopback: the library's text for the same seed, each field as its option. */
class CompletionsTest {
    @TempDir
    static Path dir;
    static TextModel model;
    static Server server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("tm.safetensors");
        model = Fixtures.model();
        model.save(file);
        server = new Server(List.of(file.toString()), "127.0.0.1", 0, null, Limits.defaults(), 2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject completion(String body) throws Exception {
        HttpResponse<String> r = post("/v1/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    static String text(JsonObject answer, int choice) {
        return answer.getAsJsonArray("choices").get(choice).getAsJsonObject().get("text").getAsString();
    }

    /** The continuation alone: what the library's text holds after the prompt. */
    static String continuation(String prompt, Sampling s, int sample) {
        return model.generate(prompt, s, sample + 1).get(sample).substring(prompt.length());
    }

    @Test
    void theTextIsTheLibrarysAndGeneratesForTheSameSeed() throws Exception {
        JsonObject a = completion("{\"model\": \"tm\", \"prompt\": \"the time \", \"max_tokens\": 40, "
                + "\"temperature\": 0.8, \"top_p\": 0.9, \"seed\": 42}");
        Sampling s = Sampling.temperature(0.8).topP(0.9).seed(42).length(40);
        assertEquals(continuation("the time ", s, 0), text(a, 0));
        JsonObject g = JsonParser.parseString(post("/v1/generate", "{\"prefix\": \"the time \", \"length\": 40, "
                + "\"temperature\": 0.8, \"top_p\": 0.9, \"seed\": 42}").body()).getAsJsonObject();
        assertEquals(g.get("text").getAsString(), "the time " + text(a, 0));
        assertEquals("text_completion", a.get("object").getAsString());
        assertEquals("tm", a.get("model").getAsString());
        assertTrue(a.get("id").getAsString().startsWith("cmpl-"));
        JsonObject choice = a.getAsJsonArray("choices").get(0).getAsJsonObject();
        assertEquals("length", choice.get("finish_reason").getAsString());
        JsonObject usage = a.getAsJsonObject("usage");
        assertEquals(9, usage.get("prompt_tokens").getAsInt());
        assertEquals(40, usage.get("completion_tokens").getAsInt());
        assertEquals(49, usage.get("total_tokens").getAsInt());
    }

    @Test
    void nIsTheLibrarysSamplesAndAPromptListContinuesEach() throws Exception {
        JsonObject a = completion("{\"prompt\": [\"the time \", \"it was\"], \"n\": 3, \"max_tokens\": 20, "
                + "\"seed\": 7}");
        Sampling s = Sampling.temperature(1).seed(7).length(20);
        JsonArray choices = a.getAsJsonArray("choices");
        assertEquals(6, choices.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(continuation("the time ", s, i), text(a, i), "choice " + i);
            assertEquals(continuation("it was", s, i), text(a, 3 + i), "choice " + (3 + i));
            assertEquals(3 + i, choices.get(3 + i).getAsJsonObject().get("index").getAsInt());
        }
    }

    /** A stop sequence that occurs in the text: the text ends before it, and the answer says why. */
    @Test
    void aStopSequenceEndsTheTextBeforeIt() throws Exception {
        Sampling s = Sampling.temperature(1).seed(3).length(200);
        String whole = continuation("the ", s, 0);
        String stop = whole.substring(60, 63); // three characters the text holds: it ends at their first place
        JsonObject a = completion("{\"prompt\": \"the \", \"max_tokens\": 200, \"seed\": 3, \"stop\": [\"\\u0000\", "
                + new com.google.gson.Gson().toJson(stop) + "]}");
        assertEquals(whole.substring(0, whole.indexOf(stop)), text(a, 0));
        assertEquals("stop", a.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason").getAsString());
        // streamed: the chunks join to the same text, and none holds what the stop removed
        String body = post("/v1/completions", "{\"prompt\": \"the \", \"max_tokens\": 200, \"seed\": 3, \"stream\": "
                + "true, \"stop\": " + new com.google.gson.Gson().toJson(stop) + "}").body();
        assertEquals(whole.substring(0, whole.indexOf(stop)), streamed(body, 0));
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    @Test
    void echoPutsThePromptBeforeTheText() throws Exception {
        JsonObject a = completion("{\"prompt\": \"it was\", \"max_tokens\": 10, \"seed\": 1, \"echo\": true}");
        assertEquals(model.generate("it was", Sampling.temperature(1).seed(1).length(10)), text(a, 0));
        String body = post("/v1/completions", "{\"prompt\": \"it was\", \"max_tokens\": 10, \"seed\": 1, \"echo\": "
                + "true, \"stream\": true}").body();
        assertEquals(text(a, 0), streamed(body, 0));
    }

    /**
     * {@code logprobs}: each token's log-probability and the three likeliest tokens', against the log-softmax of the
     * model's own outputs computed here step by step in double precision, mixed with its memory of the text after the
     * tokens so far (its n-gram having read the prompt, not the tokens drawn); streamed, the same entries.
     */
    @Test
    void logprobsAreTheModelsLogSoftmax() throws Exception {
        JsonObject a = completion("{\"prompt\": \"the time \", \"max_tokens\": 8, \"temperature\": 0.7, "
                + "\"seed\": 4, \"logprobs\": 3}");
        JsonObject lp = a.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("logprobs");
        org.rnn4j.nn.LanguageModel net = model.network();
        org.rnn4j.text.Vocab vocab = model.vocabulary();
        org.rnn4j.nn.LanguageModel.Workspace ws = net.generationWorkspace(1);
        org.rnn4j.nn.State state = net.newState(1);
        int[] prompt = vocab.encode("the time ");
        for (int t = 0; t + 1 < prompt.length; t++) {
            net.forward(ws, new int[] {prompt[t]}, state, null);
        }
        int input = prompt[prompt.length - 1];
        org.rnn4j.nn.Memory memory = net.memory();
        assertTrue(memory != null, "the defaults' model has a memory");
        int[] read = java.util.Arrays.copyOf(prompt, prompt.length + 8);
        double[] scratch = new double[vocab.size()];
        org.rnn4j.nn.NgramReader reader = org.rnn4j.nn.NgramReader.after(memory.ngram(), prompt);
        String text = text(a, 0);
        int offset = 0;
        for (int k = 0; k < 8; k++) {
            net.forward(ws, new int[] {input}, state, null);
            float[] logits = ws.outputs().clone();
            memory.mix(logits, 0, reader, read, prompt.length + k, scratch);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float x : logits) {
                max = Math.max(max, x);
            }
            for (float x : logits) {
                sum += Math.exp(x - max);
            }
            double logZ = max + Math.log(sum);
            String token = lp.getAsJsonArray("tokens").get(k).getAsString();
            int id = vocab.encode(token)[0];
            assertEquals(logits[id] - logZ, lp.getAsJsonArray("token_logprobs").get(k).getAsDouble(), 1e-5, token);
            assertEquals(offset, lp.getAsJsonArray("text_offset").get(k).getAsInt());
            JsonObject top = lp.getAsJsonArray("top_logprobs").get(k).getAsJsonObject();
            assertEquals(3, top.size());
            for (String alternative : top.keySet()) {
                int alt = vocab.encode(alternative)[0];
                assertEquals(logits[alt] - logZ, top.get(alternative).getAsDouble(), 1e-5, alternative);
                int better = 0;
                for (float x : logits) {
                    better += x > logits[alt] ? 1 : 0;
                }
                assertTrue(better < 3, "'" + alternative + "' is among the three likeliest");
            }
            assertEquals(text.substring(offset, offset + token.length()), token);
            offset += token.length();
            read[prompt.length + k] = id;
            input = id;
        }
        String body = post("/v1/completions", "{\"prompt\": \"the time \", \"max_tokens\": 8, \"temperature\": 0.7, "
                + "\"seed\": 4, \"logprobs\": 3, \"stream\": true}").body();
        JsonArray streamed = new JsonArray();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonObject chunk = JsonParser.parseString(line.substring(6)).getAsJsonObject().getAsJsonArray("choices")
                        .get(0).getAsJsonObject().getAsJsonObject("logprobs");
                streamed.addAll(chunk.getAsJsonArray("token_logprobs"));
            }
        }
        assertEquals(lp.getAsJsonArray("token_logprobs"), streamed);
    }

    /**
     * Autocomplete as one types: each prompt extends the one before, so each is read on from the cached state of the
     * last; three continuations each time, the library's text for the seed. With {@code --cache-mb 0} nothing is
     * kept and every prompt is read from its start, to the same text.
     */
    @Test
    void typingReadsOnFromTheCachedStateToTheSameText() throws Exception {
        String typed = "The Time Traveller (for so it will be convenient to speak of him)";
        Path file = dir.resolve("tm.safetensors");
        try (Server none = new Server(List.of(file.toString()), "127.0.0.1", 0, null,
                Limits.defaults().withCacheBytes(0), 1)) {
            for (Server s : List.of(server, none)) {
                double hitsBefore = metric(s, "rnn4j_state_cache_hits{model=\"tm\"}");
                for (int n = 10; n <= typed.length(); n++) {
                    String prompt = typed.substring(0, n);
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                            + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": "
                            + new com.google.gson.Gson().toJson(prompt) + ", \"max_tokens\": 20, \"n\": 3, "
                            + "\"temperature\": 0.5, \"seed\": 11}")).build(), HttpResponse.BodyHandlers.ofString());
                    JsonObject a = JsonParser.parseString(r.body()).getAsJsonObject();
                    List<String> expected = model.generate(prompt, Sampling.temperature(0.5).seed(11).length(20), 3);
                    for (int i = 0; i < 3; i++) {
                        assertEquals(expected.get(i).substring(n), text(a, i), prompt + ", choice " + i);
                    }
                }
                double hits = metric(s, "rnn4j_state_cache_hits{model=\"tm\"}") - hitsBefore;
                if (s == server) {
                    assertTrue(hits >= typed.length() - 10, "each prompt read on from the one before: " + hits);
                    assertTrue(metric(s, "rnn4j_state_cache_bytes{model=\"tm\"}") > 0);
                } else {
                    assertEquals(0, hits, "no cache, no hit");
                    assertEquals(0, metric(s, "rnn4j_state_cache_bytes{model=\"tm\"}"));
                }
            }
        }
    }

    /** A flood of distinct prompts: the cache's bytes, as /metrics shows them, never pass --cache-mb. */
    @Test
    void aFloodOfDistinctPromptsStaysWithinTheCachesBytes() throws Exception {
        long bound = 16 * 1024;
        Path file = dir.resolve("tm.safetensors");
        try (Server small = new Server(List.of(file.toString()), "127.0.0.1", 0, null,
                Limits.defaults().withCacheBytes(bound), 1)) {
            double most = 0;
            for (int i = 0; i < 120; i++) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port()
                        + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"prompt number "
                        + i + " of the flood\", \"max_tokens\": 1}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                most = Math.max(most, metric(small, "rnn4j_state_cache_bytes{model=\"tm\"}"));
            }
            assertTrue(most > bound / 2 && most <= bound, "held " + most + " bytes of " + bound);
        }
    }

    static double metric(Server s, String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1))).findFirst().orElseThrow(() -> new AssertionError(name + " in " + text));
    }

    /** The text of choice {@code index} in a stream of chunks. */
    static String streamed(String body, int index) {
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonObject c = JsonParser.parseString(line.substring(6)).getAsJsonObject().getAsJsonArray("choices")
                        .get(0).getAsJsonObject();
                if (c.get("index").getAsInt() == index) {
                    text.append(c.get("text").getAsString());
                    if (!c.get("finish_reason").isJsonNull()) {
                        finish.add(c.get("finish_reason").getAsString());
                    }
                }
            }
        }
        assertEquals(1, finish.size(), "one finish reason: " + body);
        return text.toString();
    }

    /** Refusals in OpenAI's error shape, naming the field, in rnn4j's words, and small whatever was sent. */
    @Test
    void badRequestsAreOpenAiErrorsNamingTheField() throws Exception {
        String[][] cases = {
            {"{\"prompt\": \"a\", \"logprobs\": 6}", "logprobs"},
            {"{\"prompt\": \"a\", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", "stop"},
            {"{\"prompt\": \"a\", \"n\": 1000}", "n"},
            {"{\"prompt\": [\"a\", 3]}", "prompt"},
            {"{\"prompt\": \"a\", \"temperature\": -1}", "temperature"},
            {"{\"prompt\": \"a\", \"frequency_penalty\": 0.5}", "frequency_penalty"},
            {"{\"prompt\": \"a\", \"tools\": []}", "tools"},
            {"{\"prompt\": \"a\", \"best_of\": 2}", "best_of"},
            {"{\"model\": \"gpt-4\", \"prompt\": \"a\"}", "model"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post("/v1/completions", c[0]);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, c[0] + ": " + r.statusCode());
            JsonObject e = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("error");
            assertEquals(c[1], e.get("param").getAsString(), r.body());
            assertEquals("invalid_request_error", e.get("type").getAsString());
            assertTrue(e.get("message").getAsString().startsWith(c[1] + " ") || c[1].equals("model"), r.body());
            assertTrue(r.body().length() < 600, "a small answer: " + r.body());
        }
    }

    @Test
    void theModelsAreListedInBothShapes() throws Exception {
        JsonObject o = JsonParser.parseString(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.port() + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
        assertEquals("list", o.get("object").getAsString());
        JsonObject d = o.getAsJsonArray("data").get(0).getAsJsonObject();
        assertEquals("tm", d.get("id").getAsString());
        assertEquals("model", d.get("object").getAsString());
        assertEquals("rnn4j", d.get("owned_by").getAsString());
        assertEquals(o.getAsJsonArray("models").get(0).getAsJsonObject().get("parameters"), d.get("parameters"));
    }
}
