package org.rnn4j.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * What both generation APIs do with a started job: read its tokens into a {@link Completions} within the request's
 * time, and write JSON or Server-Sent Events.
 */
final class Answering {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** OpenAI's answers keep their null fields ({@code "finish_reason": null}), which its clients read. */
    static final Gson OPENAI_GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    static final String JSON = "application/json; charset=utf-8";

    final Limits limits;
    final Metrics metrics;

    Answering(Limits limits, Metrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    /** When a request that began at {@code start} (nanoseconds) runs out of time. */
    long deadline(long start) {
        return start + (long) (limits.requestSeconds() * 1e9);
    }

    static ApiError busy(Limits limits) {
        return new ApiError(503, null, "the server is busy (" + limits.maxQueued()
                + " streams waiting); try again shortly");
    }

    /**
     * Reads a job's tokens into its choices (from {@code first} on) until it ends, handing each choice that has
     * something new to {@code send}, and cancels the job once a stop sequence has ended all of its choices.
     */
    void drain(Batcher.Job job, long deadline, int first, int count, Completions c, IntConsumer send)
            throws InterruptedException {
        if (job != null) {
            for (Batcher.Drawn e; (e = next(job, deadline)) != Batcher.END; ) {
                if (e == null) {
                    throw new ApiError(503, "length", "the generation took longer than " + limits.requestSeconds()
                            + " s and was stopped; ask for fewer tokens or samples");
                }
                int i = first + e.sample();
                c.add(i, e);
                if (send != null) {
                    send.accept(i);
                }
                if (!c.open(i) && c.stopped(first, count)) {
                    job.cancel(); // its streams end at the next step, and the job's end comes
                }
            }
        }
    }

    /** The next event of a job, or null when the request's time is up (the job then cancelled). */
    private static Batcher.Drawn next(Batcher.Job job, long deadline) throws InterruptedException {
        Batcher.Drawn e = job.events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
            job.cancel();
        }
        return e;
    }

    /** Starts a Server-Sent Events answer; its stream, once closed, ends the request. */
    static OutputStream events(Context ctx) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        return ctx.res().getOutputStream();
    }

    /** An unnamed event, as OpenAI's streams send them. */
    static void data(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static void event(OutputStream out, String name, JsonObject data) throws IOException {
        out.write(("event: " + name + "\ndata: " + GSON.toJson(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
