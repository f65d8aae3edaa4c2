package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;

/**
 * Every request field of both APIs, one at a time: a request with the field gives the library's text with the option
 * of the same meaning, for the same seed, and not the text of the request without it. Two models are served (one of
 * characters, one of subwords), so that {@code model} changes the answer too.
 */
class FieldsTest {
    @TempDir
    static Path dir;
    static Server server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Sampling BASE = Sampling.temperature(1).seed(5).length(30);

    @BeforeAll
    static void start() throws Exception {
        Fixtures.model().save(dir.resolve("tm.safetensors"));
        Fixtures.subwords().save(dir.resolve("bpe.safetensors"));
        server = new Server(List.of(dir.resolve("tm.safetensors").toString(),
                dir.resolve("bpe.safetensors").toString()), "127.0.0.1", 0, null, Limits.defaults(), 2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonObject post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), body + " → " + r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** The library's text for the field's option: the whole sample (prefix first) of the given index. */
    record Case(String field, String json, Function<Sampling, Sampling> option, String prefix, TextModel model,
                int sample, String stop) {
        String expected() {
            String text = model.generate(prefix, option.apply(BASE), sample + 1).get(sample);
            return stop == null ? text : text.substring(0, text.indexOf(stop, prefix.length()));
        }
    }

    static Case field(String field, String json, Function<Sampling, Sampling> option) {
        return new Case(field, json, option, "the ", Fixtures.model(), 0, null);
    }

    /** The fields both APIs share (by their own names), each with a value unlike its default. */
    static Stream<Case> shared(String length, String samples, String prefix) {
        String stop = Fixtures.model().generate("the ", BASE).substring(12, 14);
        return Stream.of(
                field("temperature", "\"temperature\": 0.5", s -> new Sampling(0.5, s.topK(), s.topP(), s.seed(), s.length())),
                field("top_p", "\"top_p\": 0.5", s -> s.topP(0.5)),
                field("seed", "\"seed\": 6", s -> s.seed(6)),
                field(length, "\"" + length + "\": 12", s -> s.length(12)),
                new Case(samples, "\"" + samples + "\": 2", s -> s, "the ", Fixtures.model(), 1, null),
                new Case(prefix, "\"" + prefix + "\": \"it \"", s -> s, "it ", Fixtures.model(), 0, null),
                new Case("model", "\"model\": \"bpe\"", s -> s, "the ", Fixtures.subwords(), 0, null),
                new Case("stop", "\"stop\": " + new com.google.gson.Gson().toJson(stop), s -> s, "the ",
                        Fixtures.model(), 0, stop));
    }

    static Stream<Arguments> generateFields() {
        return Stream.concat(shared("length", "samples", "prefix"),
                Stream.of(field("top_k", "\"top_k\": 2", s -> s.topK(2)),
                        new Case("n", "\"n\": 2", s -> s, "the ", Fixtures.model(), 1, null)))
                .map(c -> Arguments.of(c.field(), c));
    }

    static Stream<Arguments> completionFields() {
        return shared("max_tokens", "n", "prompt").map(c -> Arguments.of(c.field(), c));
    }

    @ParameterizedTest(name = "/v1/generate {0}")
    @MethodSource("generateFields")
    void eachGenerateFieldIsTheLibrarysOption(String field, Case c) throws Exception {
        String base = "\"prefix\": \"the \", \"length\": 30, \"seed\": 5, \"model\": \"tm\"";
        String with = "{" + withField(base, c.json()) + "}";
        JsonObject answer = post("/v1/generate", with);
        String got = answer.getAsJsonArray("samples").get(c.sample()).getAsString();
        assertEquals(c.expected(), got, with);
        JsonObject without = post("/v1/generate", "{" + base + "}");
        assertEquals(1, without.getAsJsonArray("samples").size());
        assertNotEquals(without.getAsJsonArray("samples").get(0).getAsString(), got, field + " changes it");
    }

    @ParameterizedTest(name = "/v1/completions {0}")
    @MethodSource("completionFields")
    void eachCompletionFieldIsTheLibrarysOption(String field, Case c) throws Exception {
        String base = "\"prompt\": \"the \", \"max_tokens\": 30, \"seed\": 5, \"model\": \"tm\"";
        String with = "{" + withField(base, c.json()) + "}";
        JsonObject answer = post("/v1/completions", with);
        String got = c.prefix() + text(answer, c.sample());
        assertEquals(c.expected(), got, with);
        JsonObject without = post("/v1/completions", "{" + base + "}");
        assertEquals(1, without.getAsJsonArray("choices").size());
        assertNotEquals("the " + text(without, 0), got, field + " changes it");
    }

    /** {@code echo} puts the prompt before the text, as the library's text has it. */
    @Test
    void echoIsTheLibrarysWholeText() throws Exception {
        JsonObject a = post("/v1/completions", "{\"prompt\": \"the \", \"max_tokens\": 30, \"seed\": 5, "
                + "\"model\": \"tm\", \"echo\": true}");
        assertEquals(Fixtures.model().generate("the ", BASE), text(a, 0));
    }

    /**
     * {@code logprobs} on {@code /v1/generate}: each sample's entries are those of {@code /v1/completions} for the same
     * request (which {@link CompletionsTest} checks against the model's log-softmax), their offsets counted in the
     * sample's text, prefix included; streamed, the same log-probabilities token event by token event.
     */
    @Test
    void logprobsOnGenerateAreTheCompletionsOnes() throws Exception {
        JsonObject g = post("/v1/generate", "{\"prefix\": \"the \", \"length\": 12, \"seed\": 5, \"model\": \"bpe\", "
                + "\"samples\": 2, \"logprobs\": 2}");
        JsonObject c = post("/v1/completions", "{\"prompt\": \"the \", \"max_tokens\": 12, \"seed\": 5, "
                + "\"model\": \"bpe\", \"n\": 2, \"logprobs\": 2}");
        for (int i = 0; i < 2; i++) {
            JsonObject mine = g.getAsJsonArray("logprobs").get(i).getAsJsonObject();
            JsonObject theirs = c.getAsJsonArray("choices").get(i).getAsJsonObject().getAsJsonObject("logprobs");
            assertEquals(theirs.get("tokens"), mine.get("tokens"));
            assertEquals(theirs.get("token_logprobs"), mine.get("token_logprobs"));
            assertEquals(theirs.get("top_logprobs"), mine.get("top_logprobs"));
            JsonArray offsets = new JsonArray();
            theirs.getAsJsonArray("text_offset").forEach(o -> offsets.add(o.getAsInt() + "the ".length()));
            assertEquals(offsets, mine.get("text_offset"));
        }
        HttpResponse<String> streamed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.port() + "/v1/generate")).POST(HttpRequest.BodyPublishers.ofString("{\"prefix\": \"the \", "
                + "\"length\": 12, \"seed\": 5, \"model\": \"bpe\", \"logprobs\": 2, \"stream\": true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonArray values = new JsonArray();
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {\"sample\"")) {
                values.addAll(JsonParser.parseString(line.substring(6)).getAsJsonObject().getAsJsonObject("logprobs")
                        .getAsJsonArray("token_logprobs"));
            }
        }
        assertEquals(g.getAsJsonArray("logprobs").get(0).getAsJsonObject().get("token_logprobs"), values);
        assertEquals(null, post("/v1/generate", "{\"prefix\": \"the \", \"length\": 3, \"model\": \"tm\"}").get("logprobs"),
                "no logprobs unless asked");
    }

    private static String withField(String base, String field) {
        String name = field.substring(0, field.indexOf(':'));
        StringBuilder kept = new StringBuilder();
        for (String part : base.split(", ")) { // the field replaces the base's value of the same name
            if (!part.startsWith(name + ":")) {
                kept.append(kept.length() == 0 ? "" : ", ").append(part);
            }
        }
        return kept + ", " + field;
    }

    private static String text(JsonObject answer, int choice) {
        return answer.getAsJsonArray("choices").get(choice).getAsJsonObject().get("text").getAsString();
    }
}
