package org.rnn4j.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.rnn4j.InputException;
import org.rnn4j.Sampling;

/**
 * The body of {@code POST /v1/generate}, read and checked: every field is optional but {@code model} (when more than
 * one is served), of its JSON type and in its range, or the request gets a 400 naming the field and what it allows.
 * Unknown fields are refused too, so that a misspelt one is not silently ignored. The sampling fields are the
 * library's {@link Sampling}, whose own checks name the field as the request spells it.
 *
 * @param sampling how to draw; its seed is the request's, or 0 when {@code seed} is null (a fresh one to be drawn)
 * @param logprobs -1 for none, else each drawn token's log-probability and that many alternatives' (0 to 5)
 */
record GenerationRequest(String model, String prefix, Sampling sampling, Long seed, int samples, boolean stream,
                         java.util.List<String> stop, int logprobs) {
    /** Each option of {@link Sampling} as a field of the request. */
    private static final Map<String, String> FIELD_OF = Map.of("Sampling.temperature", "temperature",
            "Sampling.topK", "top_k", "Sampling.topP", "top_p", "Sampling.length", "length", "Sampling.seed", "seed");

    static final Set<String> FIELDS = Set.of("model", "prefix", "length", "temperature", "top_k", "top_p", "seed",
            "samples", "n", "stream", "stop", "logprobs");

    static GenerationRequest parse(String body, Limits limits) {
        JsonObject o = object(body);
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                throw ApiError.badField(e.getKey(), "is not a field of a generation request; the fields are "
                        + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String model = string(o, "model", null);
        String prefix = string(o, "prefix", "");
        int prefixLength = prefix.codePointCount(0, prefix.length());
        if (prefixLength > limits.maxPrefix()) {
            throw ApiError.badField("prefix", "has " + prefixLength + " characters; at most " + limits.maxPrefix()
                    + " are allowed");
        }
        int length = (int) whole(o, "length", Sampling.DEFAULT_LENGTH, 0, limits.maxLength());
        double temperature = number(o, "temperature", 1);
        int topK = (int) whole(o, "top_k", 0, 0, Integer.MAX_VALUE);
        double topP = number(o, "top_p", 1);
        Long seed = o.has("seed") && !o.get("seed").isJsonNull()
                ? whole(o, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : null;
        int samples = (int) whole(o, "samples", 1, 1, limits.maxSamples());
        int n = (int) whole(o, "n", samples, 1, limits.maxSamples()); // OpenAI's name for it
        if (o.has("samples") && o.has("n") && n != samples) {
            throw ApiError.badField("n", "is another name for samples; give one of them, not " + n + " and " + samples);
        }
        samples = n;
        java.util.List<String> stop = CompletionRequest.stops(o);
        boolean stream = bool(o, "stream", false);
        int logprobs = CompletionRequest.logprobs(o);
        Sampling sampling;
        try {
            sampling = Sampling.temperature(temperature).topK(topK).topP(topP).length(length)
                    .seed(seed != null ? seed : 0);
        } catch (InputException e) {
            String field = FIELD_OF.getOrDefault(e.option(), e.option());
            String message = e.message(option -> FIELD_OF.getOrDefault(option, option));
            throw ApiError.badField(field, message.substring(message.indexOf(' ') + 1));
        }
        return new GenerationRequest(model, prefix, sampling, seed, samples, stream, stop, logprobs);
    }

    int length() {
        return sampling.length();
    }

    static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiError(400, null, "the request body is empty; send a JSON object such as "
                    + "{\"prefix\": \"the time\", \"length\": 100}");
        }
        try {
            JsonReader reader = new JsonReader(new StringReader(body));
            reader.setStrictness(com.google.gson.Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new JsonParseException("text after the JSON value");
            }
            if (!e.isJsonObject()) {
                throw new ApiError(400, null, "the request body must be a JSON object, not " + kind(e));
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
            // the parser's own words name its internals and can echo a path as long as the body: not passed on
            throw new ApiError(400, null, "the request body is not valid JSON; send one JSON object such as "
                    + "{\"prefix\": \"the time\", \"length\": 100}");
        }
    }

    static String string(JsonObject o, String field, String fallback) {
        JsonPrimitive p = primitive(o, field, JsonPrimitive::isString, "a string");
        return p == null ? fallback : p.getAsString();
    }

    static boolean bool(JsonObject o, String field, boolean fallback) {
        JsonPrimitive p = primitive(o, field, JsonPrimitive::isBoolean, "true or false");
        return p == null ? fallback : p.getAsBoolean();
    }

    static double number(JsonObject o, String field, double fallback) {
        JsonPrimitive p = primitive(o, field, JsonPrimitive::isNumber, "a number");
        return p == null ? fallback : p.getAsDouble();
    }

    static long whole(JsonObject o, String field, long fallback, long min, long max) {
        JsonPrimitive p = primitive(o, field, JsonPrimitive::isNumber, "a whole number from " + min + " to " + max);
        if (p == null) {
            return fallback;
        }
        BigDecimal value = p.getAsBigDecimal();
        if (value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.valueOf(min)) < 0
                || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw ApiError.badField(field, "must be a whole number from " + min + " to " + max + ", got "
                    + value.toPlainString());
        }
        return value.longValueExact();
    }

    /** The field's value, null when it is absent or null; anything but the expected kind is the client's error. */
    private static JsonPrimitive primitive(JsonObject o, String field, Predicate<JsonPrimitive> kindOk, String expected) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!(e.isJsonPrimitive() && kindOk.test(e.getAsJsonPrimitive()))) {
            throw ApiError.badField(field, "must be " + expected + ", not " + kind(e));
        }
        return e.getAsJsonPrimitive();
    }

    static String kind(JsonElement e) {
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isBoolean() ? "a boolean (" + p + ")" : "the number " + p;
    }
}
