package org.rnn4j.serve;

/**
 * What one request may ask for, and how long the server waits for it.
 *
 * @param maxBodyBytes    the largest request body
 * @param maxPrefix       the longest prefix, in characters (code points)
 * @param maxLength       the most tokens generated after a prefix
 * @param maxSamples      the most samples of one request
 * @param maxBatch        streams stepped together as one batch; 1: no batching, one stream at a time
 * @param maxQueued       streams waiting for a place in the batch before requests get 503
 * @param requestSeconds  the longest a generation may run before it is stopped
 * @param headerSeconds   the longest a client may take to send a request's headers
 * @param idleSeconds     the longest a connection may stay silent
 * @param cacheBytes      the bytes each model's cache of prompts' states may hold (0: no cache)
 */
public record Limits(int maxBodyBytes, int maxPrefix, int maxLength, int maxSamples, int maxBatch, int maxQueued,
              double requestSeconds, double headerSeconds, double idleSeconds, long cacheBytes) {
    /** The default cache: 64 MB, some 30,000 prompts of 2-layer models of 256. */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;

    public Limits(int maxBodyBytes, int maxPrefix, int maxLength, int maxSamples, int maxBatch, int maxQueued,
                  double requestSeconds, double headerSeconds, double idleSeconds) {
        this(maxBodyBytes, maxPrefix, maxLength, maxSamples, maxBatch, maxQueued, requestSeconds, headerSeconds,
                idleSeconds, DEFAULT_CACHE_BYTES);
    }

    public static Limits defaults() {
        // prompts of 20,000 characters: a whole document before an autocomplete's cursor, read on from the cache
        return new Limits(64 * 1024, 20_000, 2_000, 8, 128, 512, 60, 10, 30);
    }

    public Limits withCacheBytes(long bytes) {
        return new Limits(maxBodyBytes, maxPrefix, maxLength, maxSamples, maxBatch, maxQueued, requestSeconds,
                headerSeconds, idleSeconds, bytes);
    }

    public Limits withMaxBatch(int batch) {
        return new Limits(maxBodyBytes, maxPrefix, maxLength, maxSamples, batch, maxQueued, requestSeconds,
                headerSeconds, idleSeconds, cacheBytes);
    }

    public Limits withMaxLength(int length) {
        return new Limits(maxBodyBytes, maxPrefix, length, maxSamples, maxBatch, maxQueued, requestSeconds,
                headerSeconds, idleSeconds, cacheBytes);
    }

    public Limits withTimeouts(double request, double header, double idle) {
        return new Limits(maxBodyBytes, maxPrefix, maxLength, maxSamples, maxBatch, maxQueued, request, header, idle,
                cacheBytes);
    }
}
