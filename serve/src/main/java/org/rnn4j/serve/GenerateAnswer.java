package org.rnn4j.serve;

import static org.rnn4j.serve.Answering.GSON;
import static org.rnn4j.serve.Answering.JSON;
import static org.rnn4j.serve.Answering.event;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.function.IntConsumer;
import org.rnn4j.Prompt;
import org.rnn4j.text.Corpus;

/**
 * {@code POST /v1/generate}, rnn4j's own API: the prefix continued {@code samples} times, answered whole (the samples
 * with their prefix) or streamed as named Server-Sent Events.
 */
final class GenerateAnswer {
    private final Answering answering;

    GenerateAnswer(Answering answering) {
        this.answering = answering;
    }

    void answer(Context ctx, ServedModel m, GenerationRequest r, long start) throws InterruptedException {
        Prompt prefix = m.text.prompt(r.prefix());
        long seed = r.seed() != null ? r.seed() : m.freshSeed();
        Batcher.Job job = r.length() == 0 ? null : m.start(prefix, r.sampling().seed(seed), r.samples(), r.logprobs());
        if (r.length() > 0 && job == null) {
            throw Answering.busy(answering.limits);
        }
        if (r.stream()) {
            stream(ctx, m, r, prefix, seed, job, start);
        } else {
            whole(ctx, m, r, prefix, seed, job, start);
        }
    }

    private Completions completions(ServedModel m, GenerationRequest r, String echo) {
        return new Completions(m.name, r.stop(), Collections.nCopies(r.samples(), echo),
                r.logprobs() >= 0 ? m.text.vocabulary() : null);
    }

    private void whole(Context ctx, ServedModel m, GenerationRequest r, Prompt prefix, long seed, Batcher.Job job,
                       long start) throws InterruptedException {
        Completions c = completions(m, r, Corpus.shown(prefix.text()));
        answering.drain(job, answering.deadline(start), 0, r.samples(), c, null);
        int tokens = c.completionTokens();
        answering.metrics.tokens.labelValues(m.name).inc(tokens);
        JsonObject o = header(m, r, prefix, seed);
        o.addProperty("text", c.text(0));
        JsonArray samples = new JsonArray(), finish = new JsonArray(), logprobs = new JsonArray();
        for (int i = 0; i < r.samples(); i++) {
            c.end(i);
            samples.add(c.text(i));
            finish.add(c.finish(i));
            if (r.logprobs() >= 0) {
                logprobs.add(c.logprobs(i, Integer.MAX_VALUE));
            }
        }
        o.add("samples", samples);
        o.add("finish_reasons", finish);
        if (r.logprobs() >= 0) {
            o.add("logprobs", logprobs);
        }
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
     * ({@code {"sample": i, "text": "…"}}, with {@code logprobs} when asked), then {@code done} with the counts and
     * timing, or {@code error}. A client that goes away makes a write fail: its streams are then cancelled at the next
     * step.
     */
    private void stream(Context ctx, ServedModel m, GenerationRequest r, Prompt prefix, long seed, Batcher.Job job,
                        long start) throws InterruptedException {
        int tokens = 0;
        // closed here so the last chunk is sent before the request stops counting as in flight (see whole)
        try (OutputStream out = Answering.events(ctx)) {
            JsonObject head = header(m, r, prefix, seed);
            head.addProperty("samples", r.samples());
            event(out, "start", head);
            Completions c = completions(m, r, "");
            IOException[] failed = {null};
            IntConsumer send = i -> { // nothing for a token that only spells the prefix again
                int sent = c.sent(i);
                String text = c.delta(i);
                if (!text.isEmpty() && failed[0] == null) {
                    JsonObject token = new JsonObject();
                    token.addProperty("sample", i);
                    token.addProperty("text", text);
                    if (r.logprobs() >= 0) {
                        token.add("logprobs", c.logprobs(i, sent + text.length()));
                    }
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
                answering.drain(job, answering.deadline(start), 0, r.samples(), c, send);
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
            answering.metrics.tokens.labelValues(m.name).inc(tokens);
        }
    }
}
