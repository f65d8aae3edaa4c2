package org.rnn4j.serve;

import static org.rnn4j.serve.Answering.JSON;
import static org.rnn4j.serve.Answering.OPENAI_GSON;
import static org.rnn4j.serve.Answering.data;

import com.google.gson.JsonObject;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.rnn4j.Prompt;
import org.rnn4j.text.Corpus;

/**
 * {@code POST /v1/completions}, OpenAI's completions API: each prompt continued {@code n} times, every stream of every
 * prompt stepping in the model's batch; the same text as {@code /v1/generate} and the library for the same seed,
 * prompt and sampling. Whole, or streamed as {@code data: {chunk}} events ending with {@code data: [DONE]}.
 */
final class CompletionsAnswer {
    private final Answering answering;

    CompletionsAnswer(Answering answering) {
        this.answering = answering;
    }

    void answer(Context ctx, ServedModel m, CompletionRequest r, long start) throws IOException, InterruptedException {
        List<Batcher.Job> jobs = new ArrayList<>();
        try {
            long seed = r.seed() != null ? r.seed() : m.freshSeed();
            List<String> echoes = new ArrayList<>();
            int promptTokens = 0;
            for (String given : r.prompts()) {
                Prompt prompt = m.text.prompt(given);
                promptTokens += m.text.vocabulary().encode(prompt.text()).length;
                Batcher.Job job = r.sampling().length() == 0 ? null
                        : m.start(prompt, r.sampling().seed(seed), r.n(), r.logprobs());
                if (r.sampling().length() > 0 && job == null) {
                    throw Answering.busy(answering.limits);
                }
                jobs.add(job);
                for (int i = 0; i < r.n(); i++) {
                    echoes.add(r.echo() ? Corpus.shown(prompt.text()) : "");
                }
            }
            Completions c = new Completions(m.name, r.stop(), echoes, r.logprobs() >= 0 ? m.text.vocabulary() : null);
            if (r.stream()) {
                stream(ctx, c, r, jobs, start);
            } else {
                long deadline = answering.deadline(start);
                for (int p = 0; p < jobs.size(); p++) {
                    answering.drain(jobs.get(p), deadline, p * r.n(), r.n(), c, null);
                    for (int i = p * r.n(); i < (p + 1) * r.n(); i++) {
                        c.end(i);
                    }
                }
                ctx.status(200).contentType(JSON).result(OPENAI_GSON.toJson(c.whole(promptTokens)));
            }
            answering.metrics.tokens.labelValues(m.name).inc(c.completionTokens());
        } catch (RuntimeException e) {
            jobs.stream().filter(Objects::nonNull).forEach(Batcher.Job::cancel);
            throw e;
        }
    }

    private void stream(Context ctx, Completions c, CompletionRequest r, List<Batcher.Job> jobs, long start)
            throws InterruptedException, IOException {
        try (OutputStream out = Answering.events(ctx)) {
            IOException[] failed = {null};
            IntConsumer send = i -> {
                JsonObject chunk = c.chunk(i);
                if (chunk != null && failed[0] == null) {
                    try {
                        data(out, OPENAI_GSON.toJson(chunk));
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                }
            };
            long deadline = answering.deadline(start);
            for (int p = 0; p < jobs.size(); p++) {
                try {
                    answering.drain(jobs.get(p), deadline, p * r.n(), r.n(), c, send);
                } catch (ApiError e) {
                    data(out, OPENAI_GSON.toJson(e.toOpenAi()));
                    return;
                }
                for (int i = p * r.n(); i < (p + 1) * r.n(); i++) {
                    c.end(i);
                    send.accept(i);
                }
                if (failed[0] != null) {
                    jobs.stream().filter(Objects::nonNull).forEach(Batcher.Job::cancel);
                    throw failed[0];
                }
            }
            data(out, "[DONE]");
        }
    }
}
