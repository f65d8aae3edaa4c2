package org.rnn4j.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.rnn4j.text.Vocab;

/**
 * One OpenAI-style completion under way: its choices (prompt p's i-th continuation is choice p·n + i), each one's text
 * as the tokens come, cut before the first stop sequence it meets, and the answer's JSON, whole or as stream chunks.
 * A streamed choice holds back the end of its text that could be the start of a stop sequence, so that no chunk ever
 * sends text the stop will remove.
 */
final class Completions {
    private final String id = "cmpl-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final long created = System.currentTimeMillis() / 1000;
    private final String model;
    private final List<String> stop;
    private final int holdBack;
    private final Choice[] choices;
    private final List<String> echoes;
    /** The model's tokens, to name the alternatives, when the request asked for log-probabilities; else null. */
    private final Vocab vocab;

    /** One continuation: its text so far, how much of it is sent, its tokens, and whether a stop sequence ended it. */
    private static final class Choice {
        final StringBuilder text = new StringBuilder();
        boolean echoed, finishSent;
        int sent;
        int tokens;
        String finish;
        /** With log-probabilities: each token's text, its log-probability, its alternatives', where it starts. */
        final List<String> tokenTexts = new ArrayList<>();
        final List<Double> logprobs = new ArrayList<>();
        final List<JsonObject> tops = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        int logSent;
    }

    /**
     * @param echoes each choice's text before its first token: its prompt with {@code echo}, else nothing
     * @param vocab  the model's tokens when each token's log-probability is reported, else null
     */
    Completions(String model, List<String> stop, List<String> echoes, Vocab vocab) {
        this.vocab = vocab;
        this.model = model;
        this.stop = stop;
        this.holdBack = stop.stream().mapToInt(String::length).max().orElse(1) - 1;
        this.choices = new Choice[echoes.size()];
        for (int i = 0; i < choices.length; i++) {
            choices[i] = new Choice();
        }
        this.echoes = echoes;
    }

    /** Whether choice {@code i} still takes tokens (no stop sequence has ended it). */
    boolean open(int i) {
        return choices[i].finish == null;
    }

    /** Whether every choice from {@code from} to {@code from + count} is ended by a stop sequence. */
    boolean stopped(int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (open(i)) {
                return false;
            }
        }
        return true;
    }

    /** Adds a token's text to choice {@code i}, ending it before a stop sequence that its text now holds. */
    void add(int i, Batcher.Drawn drawn) {
        Choice c = choices[i];
        if (c.finish != null) {
            return;
        }
        c.tokens++;
        String text = drawn.text();
        if (vocab != null && !text.isEmpty()) {
            c.tokenTexts.add(text);
            c.logprobs.add(drawn.logprob());
            JsonObject top = new JsonObject();
            for (int j = 0; j < drawn.top().length; j++) {
                top.addProperty(vocab.shown(drawn.top()[j]), drawn.topLogprobs()[j]);
            }
            c.tops.add(top);
            c.offsets.add(echoes.get(i).length() + c.text.length());
        }
        int from = Math.max(0, c.text.length() - holdBack);
        c.text.append(text);
        int cut = -1;
        for (String s : stop) {
            int at = c.text.indexOf(s, from);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            c.text.setLength(cut);
            c.finish = "stop";
            int end = echoes.get(i).length() + cut; // the tokens that begin after the cut are gone with it
            while (!c.offsets.isEmpty() && c.offsets.get(c.offsets.size() - 1) >= end) {
                int last = c.offsets.size() - 1;
                c.offsets.remove(last);
                c.tokenTexts.remove(last);
                c.logprobs.remove(last);
                c.tops.remove(last);
            }
        }
    }

    /** Ends choice {@code i} at its length, unless a stop sequence ended it already. */
    void end(int i) {
        if (choices[i].finish == null) {
            choices[i].finish = "length";
        }
    }

    /** The completion tokens drawn, every choice's, up to its stop. */
    int completionTokens() {
        int t = 0;
        for (Choice c : choices) {
            t += c.tokens;
        }
        return t;
    }

    /** The whole answer. */
    JsonObject whole(int promptTokens) {
        JsonObject o = head();
        JsonArray list = new JsonArray();
        for (int i = 0; i < choices.length; i++) {
            list.add(choice(i, echoes.get(i) + choices[i].text, logprobs(i, Integer.MAX_VALUE), choices[i].finish));
        }
        o.add("choices", list);
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", promptTokens);
        usage.addProperty("completion_tokens", completionTokens());
        usage.addProperty("total_tokens", promptTokens + completionTokens());
        o.add("usage", usage);
        return o;
    }

    /**
     * The stream chunk of choice {@code i}'s text not sent yet (less what a stop sequence could still remove, while
     * it is open), with its finish reason once ended; null when there is nothing to send.
     */
    JsonObject chunk(int i) {
        Choice c = choices[i];
        if (c.finishSent) {
            return null;
        }
        int upTo = sendable(c);
        String echo = c.echoed ? "" : echoes.get(i);
        if (upTo == c.sent && c.finish == null && echo.isEmpty()) {
            return null;
        }
        c.echoed = true;
        c.finishSent = c.finish != null;
        String delta = echo + c.text.substring(c.sent, upTo);
        c.sent = upTo;
        JsonObject o = head();
        JsonArray list = new JsonArray();
        list.add(choice(i, delta, logprobs(i, echoes.get(i).length() + upTo), c.finish));
        o.add("choices", list);
        return o;
    }

    private JsonObject head() {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", "text_completion");
        o.addProperty("created", created);
        o.addProperty("model", model);
        return o;
    }

    /** How far choice c's text may be sent: all of it once ended, else all but what a stop could still remove. */
    private int sendable(Choice c) {
        return c.finish != null ? c.text.length() : Math.max(c.sent, c.text.length() - holdBack);
    }

    /** Choice {@code i}'s text not handed out yet, as far as it may be ({@link #chunk}'s text without its echo). */
    String delta(int i) {
        Choice c = choices[i];
        int upTo = sendable(c);
        String d = c.text.substring(c.sent, upTo);
        c.sent = upTo;
        return d;
    }

    /** How much of choice {@code i}'s text (its echo not counted) is handed out. */
    int sent(int i) {
        return choices[i].sent;
    }

    /** Choice {@code i}'s whole text, its echo first. */
    String text(int i) {
        return echoes.get(i) + choices[i].text;
    }

    /** Why choice {@code i} ended ("stop", "length"), or null while it goes on. */
    String finish(int i) {
        return choices[i].finish;
    }

    /**
     * OpenAI's {@code logprobs} of choice {@code i}'s tokens not yet sent that begin before {@code end}: their texts,
     * log-probabilities, alternatives and offsets in the choice's text; null when the request asked for none.
     */
    JsonElement logprobs(int i, int end) {
        if (vocab == null) {
            return JsonNull.INSTANCE;
        }
        Choice c = choices[i];
        JsonArray tokens = new JsonArray(), values = new JsonArray(), tops = new JsonArray(), offsets = new JsonArray();
        for (; c.logSent < c.offsets.size() && c.offsets.get(c.logSent) < end; c.logSent++) {
            tokens.add(c.tokenTexts.get(c.logSent));
            values.add(c.logprobs.get(c.logSent));
            tops.add(c.tops.get(c.logSent));
            offsets.add(c.offsets.get(c.logSent));
        }
        JsonObject o = new JsonObject();
        o.add("tokens", tokens);
        o.add("token_logprobs", values);
        o.add("top_logprobs", tops);
        o.add("text_offset", offsets);
        return o;
    }

    private static JsonObject choice(int index, String text, JsonElement logprobs, String finish) {
        JsonObject o = new JsonObject();
        o.addProperty("index", index);
        o.addProperty("text", text);
        o.add("logprobs", logprobs);
        if (finish == null) {
            o.add("finish_reason", JsonNull.INSTANCE);
        } else {
            o.addProperty("finish_reason", finish);
        }
        return o;
    }
}
