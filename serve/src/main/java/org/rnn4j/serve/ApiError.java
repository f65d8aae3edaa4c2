package org.rnn4j.serve;

import com.google.gson.JsonObject;

/**
 * A request the server refuses: its HTTP status, the field at fault (or null) and a message that says what is
 * allowed, answered as {@code {"error": …, "field": …, "status": …}}.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String field;

    ApiError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    static ApiError badField(String field, String message) {
        return new ApiError(400, field, field + " " + message);
    }

    /** The error as OpenAI's API answers one, which its clients read: {@code {"error": {message, type, param, code}}}. */
    JsonObject toOpenAi() {
        JsonObject e = new JsonObject();
        e.addProperty("message", getMessage());
        e.addProperty("type", status >= 500 ? "server_error" : "invalid_request_error");
        e.addProperty("param", field);
        e.add("code", com.google.gson.JsonNull.INSTANCE);
        JsonObject o = new JsonObject();
        o.add("error", e);
        return o;
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("error", getMessage());
        if (field != null) {
            o.addProperty("field", field);
        }
        o.addProperty("status", status);
        return o;
    }
}
