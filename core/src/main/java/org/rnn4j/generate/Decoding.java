package org.rnn4j.generate;

/**
 * How the next token is chosen from the model's outputs O (logits): temperature 0 takes the most
 * likely token (the seeds' greedy {@code predict}); otherwise a token is drawn from
 * {@code softmax(O / temperature)}, restricted to the {@code topK} most likely tokens (0: all) and
 * then to the smallest set of most likely tokens whose probabilities add up to {@code topP}.
 * Out-of-range settings are refused with a message that names the setting as its flag does, less
 * the leading {@code --}.
 */
public record Decoding(double temperature, int topK, double topP) {
    public static final Decoding GREEDY = new Decoding(0, 0, 1);

    public Decoding {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number ≥ 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be at least 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
