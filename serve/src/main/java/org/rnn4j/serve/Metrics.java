package org.rnn4j.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.ToIntFunction;

/** What {@code GET /metrics} shows, in Prometheus' text format: requests, errors, tokens, queue, latency. */
final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    final Counter requests = Counter.builder().name("rnn4j_requests_total")
            .help("HTTP requests answered, by route and status").labelNames("route", "status").register(registry);
    final Counter tokens = Counter.builder().name("rnn4j_tokens_generated_total")
            .help("Tokens generated, every sample counted").labelNames("model").register(registry);
    final Histogram latency = Histogram.builder().name("rnn4j_request_seconds")
            .help("Time from a request's arrival to its last byte, by route")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .labelNames("route").register(registry);
    final Histogram batchRows = Histogram.builder().name("rnn4j_batch_rows")
            .help("Streams stepped together in one generation step").classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128)
            .register(registry);

    Metrics(Collection<ServedModel> models) {
        gauge("rnn4j_queue_streams", "Streams waiting for a place in their model's batch", models,
                m -> m.batcher.waiting());
        gauge("rnn4j_active_streams", "Streams generating now", models, m -> m.batcher.active());
        GaugeWithCallback.builder().name("rnn4j_state_cache_bytes").help("Bytes the cache of prompts' states holds")
                .labelNames("model").callback(cb -> models.forEach(m -> cb.call(m.cache.bytes(), m.name)))
                .register(registry);
        GaugeWithCallback.builder().name("rnn4j_state_cache_hits").help("Prompts read on from a cached state")
                .labelNames("model").callback(cb -> models.forEach(m -> cb.call(m.cache.hits(), m.name)))
                .register(registry);
        GaugeWithCallback.builder().name("rnn4j_state_cache_misses").help("Prompts read from the start")
                .labelNames("model").callback(cb -> models.forEach(m -> cb.call(m.cache.misses(), m.name)))
                .register(registry);
    }

    private void gauge(String name, String help, Collection<ServedModel> models, ToIntFunction<ServedModel> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("model")
                .callback(cb -> models.forEach(m -> cb.call(value.applyAsInt(m), m.name))).register(registry);
    }

    /** An error is a request answered with a 4xx or 5xx: they are counted in {@link #requests} by status. */
    void answered(String route, int status, double seconds) {
        requests.labelValues(route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(seconds);
    }

    String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
