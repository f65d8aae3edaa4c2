package org.rnn4j.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.InputException;
import org.rnn4j.Sampling;

/**
 * The body of {@code POST /v1/completions}, the OpenAI-style completions request, read and checked as
 * {@link GenerationRequest} reads its own: each field of its JSON type and in its range, or a 400 naming it.
 * <ul>
 *   <li>{@code prompt}: a string or a list of strings (each continued {@code n} times);</li>
 *   <li>{@code max_tokens} (default 16, as OpenAI's), {@code temperature}, {@code top_p}, {@code n}, {@code seed};</li>
 *   <li>{@code stop}: a string or a list of up to 4, each ending a choice's text before it;</li>
 *   <li>{@code echo}: the prompt before the completion; {@code stream}: Server-Sent Events;</li>
 *   <li>{@code user}: accepted and ignored (it only labels the caller for OpenAI's own records);
 *       {@code frequency_penalty}, {@code presence_penalty} (0), {@code best_of} (1, or {@code n}), {@code suffix}
 *       (null), {@code logit_bias} (empty): accepted at those values, which change nothing, and refused otherwise, as
 *       this server does not do what they ask;</li>
 *   <li>{@code logprobs}: 0 to 5, each token's log-probability under the model and that many alternatives'.</li>
 * </ul>
 */
record CompletionRequest(String model, List<String> prompts, Sampling sampling, Long seed, int n, List<String> stop,
                         boolean echo, boolean stream, int logprobs) {
    /** OpenAI's limit on the alternatives {@code logprobs} asks for. */
    static final int MAX_LOGPROBS = 5;

    static final int MAX_STOPS = 4;
    private static final Map<String, String> FIELD_OF = Map.of("Sampling.temperature", "temperature",
            "Sampling.topP", "top_p", "Sampling.length", "max_tokens", "Sampling.seed", "seed");
    static final Set<String> FIELDS = Set.of("model", "prompt", "max_tokens", "temperature", "top_p", "n", "seed",
            "stop", "echo", "stream", "user", "frequency_penalty", "presence_penalty", "best_of", "suffix",
            "logit_bias", "logprobs");

    static CompletionRequest parse(String body, Limits limits) {
        JsonObject o = GenerationRequest.object(body);
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                throw ApiError.badField(e.getKey(), "is not a field of a completion request that this server knows; "
                        + "the fields are " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        unsupported(o, "frequency_penalty", "0");
        unsupported(o, "presence_penalty", "0");
        unsupported(o, "suffix", null);
        if (o.has("logit_bias") && !o.get("logit_bias").isJsonNull()
                && !(o.get("logit_bias").isJsonObject() && o.getAsJsonObject("logit_bias").size() == 0)) {
            throw ApiError.badField("logit_bias", "is not supported by this server; leave it out");
        }
        GenerationRequest.string(o, "user", null);
        String model = GenerationRequest.string(o, "model", null);
        List<String> prompts = strings(o, "prompt", limits.maxSamples(), List.of(""));
        for (String p : prompts) {
            int length = p.codePointCount(0, p.length());
            if (length > limits.maxPrefix()) {
                throw ApiError.badField("prompt", "has " + length + " characters; at most " + limits.maxPrefix()
                        + " are allowed");
            }
        }
        int maxTokens = (int) GenerationRequest.whole(o, "max_tokens", 16, 0, limits.maxLength());
        double temperature = GenerationRequest.number(o, "temperature", 1);
        double topP = GenerationRequest.number(o, "top_p", 1);
        Long seed = o.has("seed") && !o.get("seed").isJsonNull()
                ? GenerationRequest.whole(o, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : null;
        int n = (int) GenerationRequest.whole(o, "n", 1, 1, limits.maxSamples());
        if (prompts.size() * n > limits.maxSamples()) {
            throw ApiError.badField("n", "times the " + prompts.size() + " prompts asks for " + prompts.size() * n
                    + " completions; at most " + limits.maxSamples() + " are allowed");
        }
        long bestOf = GenerationRequest.whole(o, "best_of", n, 1, limits.maxSamples());
        if (bestOf != n) {
            throw ApiError.badField("best_of", "must equal n (" + n + "): this server returns every completion it "
                    + "draws, choosing none");
        }
        List<String> stop = stops(o);
        int logprobs = logprobs(o);
        boolean echo = GenerationRequest.bool(o, "echo", false);
        boolean stream = GenerationRequest.bool(o, "stream", false);
        Sampling sampling;
        try {
            sampling = Sampling.temperature(temperature).topP(topP).length(maxTokens).seed(seed != null ? seed : 0);
        } catch (InputException e) {
            String field = FIELD_OF.getOrDefault(e.option(), e.option());
            String message = e.message(option -> FIELD_OF.getOrDefault(option, option));
            throw ApiError.badField(field, message.substring(message.indexOf(' ') + 1));
        }
        return new CompletionRequest(model, prompts, sampling, seed, n, stop, echo, stream, logprobs);
    }

    /** A field that OpenAI defines and this server cannot honour: accepted at the value that asks nothing. */
    private static void unsupported(JsonObject o, String field, String harmless) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull() || harmless != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
                && e.getAsDouble() == Double.parseDouble(harmless)) {
            return;
        }
        throw ApiError.badField(field, "is not supported by this server; leave it out"
                + (harmless != null ? " or give " + harmless : ""));
    }

    /** A string, or a list of at most {@code max} strings; {@code fallback} when absent. */
    /** The {@code stop} field, as both APIs read it: none, a string, or a list of up to 4, none of them empty. */
    static List<String> stops(JsonObject o) {
        List<String> stop = strings(o, "stop", MAX_STOPS, List.of());
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw ApiError.badField("stop", "must not hold an empty string");
        }
        return stop;
    }

    /** The {@code logprobs} field, as both APIs read it: -1 when absent, else the alternatives asked for, 0 to 5. */
    static int logprobs(JsonObject o) {
        return (int) GenerationRequest.whole(o, "logprobs", -1, 0, MAX_LOGPROBS);
    }

    static List<String> strings(JsonObject o, String field, int max, List<String> fallback) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return List.of(e.getAsString());
        }
        if (!e.isJsonArray()) {
            throw ApiError.badField(field, "must be a string or a list of strings, not " + GenerationRequest.kind(e));
        }
        if (e.getAsJsonArray().size() > max || e.getAsJsonArray().isEmpty()) {
            throw ApiError.badField(field, "lists " + e.getAsJsonArray().size() + " strings; from 1 to " + max
                    + " are allowed");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement item : e.getAsJsonArray()) {
            if (!(item.isJsonPrimitive() && item.getAsJsonPrimitive().isString())) {
                throw ApiError.badField(field, "must list strings only, not " + GenerationRequest.kind(item)
                        + " (token ids are not read here)");
            }
            out.add(item.getAsString());
        }
        return out;
    }
}
