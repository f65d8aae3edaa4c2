package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;

/**
 * The official {@code openai} package from the npm registry, which nobody here wrote, against {@code rnn4j serve}: a
 * completion, a stream read chunk by chunk, {@code n}, {@code stop}, and a refusal it must raise as its own
 * {@code BadRequestError}. Node.js and the registry are needed: without them the test is skipped, unless
 * {@code RNN4J_NODE_TESTS=required} (as in {@code .ci/run}) makes that a failure.
 */
class OpenAiClientTest {
    @TempDir
    Path dir;

    private static final String CLIENT = """
            import OpenAI from 'openai';
            const client = new OpenAI({ baseURL: process.argv[2], apiKey: 'none', maxRetries: 0 });
            const out = {};
            const one = await client.completions.create({ model: 'tm', prompt: 'the time ', max_tokens: 30,
                temperature: 0.8, seed: 42 });
            out.text = one.choices[0].text;
            out.finish = one.choices[0].finish_reason;
            out.usage = one.usage;
            const stream = await client.completions.create({ model: 'tm', prompt: 'the time ', max_tokens: 30,
                temperature: 0.8, seed: 42, stream: true });
            out.chunks = 0;
            out.streamed = '';
            for await (const chunk of stream) {
                out.chunks++;
                out.streamed += chunk.choices[0].text;
            }
            const three = await client.completions.create({ model: 'tm', prompt: 'it was', max_tokens: 12, n: 3,
                seed: 5 });
            out.three = three.choices.map(c => c.text);
            const stopped = await client.completions.create({ model: 'tm', prompt: 'the ', max_tokens: 200, seed: 3,
                stop: [process.argv[3]] });
            out.stopped = stopped.choices[0].text;
            out.stoppedReason = stopped.choices[0].finish_reason;
            try {
                await client.completions.create({ model: 'tm', prompt: 'a', temperature: -1 });
                out.error = 'none';
            } catch (e) {
                out.error = e instanceof OpenAI.BadRequestError ? 'BadRequestError' : String(e);
                out.errorStatus = e.status;
                out.errorParam = e.param;
                out.errorMessage = e.message;
            }
            console.log(JSON.stringify(out));
            """;

    @Test
    void theOpenAiPackageReadsTheServersAnswers() throws Exception {
        boolean required = "required".equals(System.getenv("RNN4J_NODE_TESTS"));
        Path client = dir.resolve("client");
        Files.createDirectories(client);
        boolean installed = run(client, 180, "npm", "install", "--no-audit", "--no-fund", "--silent", "openai@4") == 0;
        if (!installed) {
            assertTrue(!required, "npm could not install the openai package (RNN4J_NODE_TESTS=required)");
            assumeTrue(false, "no Node.js or npm registry here");
        }
        Files.writeString(client.resolve("client.mjs"), CLIENT);
        TextModel model = Fixtures.model();
        Path file = dir.resolve("tm.safetensors");
        model.save(file);
        Sampling s = Sampling.temperature(1).seed(3).length(200);
        String whole = model.generate("the ", s).substring(4);
        String stop = whole.substring(40, 43);
        try (Server server = new Server(List.of(file.toString()), "127.0.0.1", 0, null, Limits.defaults(), 2)) {
            Path output = dir.resolve("out.json");
            int code = new ProcessBuilder("node", "client.mjs", "http://127.0.0.1:" + server.port() + "/v1", stop)
                    .directory(client.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start()
                    .waitFor(120, TimeUnit.SECONDS) ? 0 : -1;
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, code, printed);
            JsonObject out = JsonParser.parseString(printed.lines().reduce((a, b) -> b).orElse("{}")).getAsJsonObject();
            String expected = model.generate("the time ", Sampling.temperature(0.8).seed(42).length(30)).substring(9);
            assertEquals(expected, out.get("text").getAsString(), printed);
            assertEquals("length", out.get("finish").getAsString());
            assertEquals(39, out.getAsJsonObject("usage").get("total_tokens").getAsInt());
            assertEquals(expected, out.get("streamed").getAsString(), "the stream's chunks join to the same text");
            assertTrue(out.get("chunks").getAsInt() > 10, "read chunk by chunk: " + printed);
            List<String> three = model.generate("it was", Sampling.temperature(1).seed(5).length(12), 3);
            for (int i = 0; i < 3; i++) {
                assertEquals(three.get(i).substring(6), out.getAsJsonArray("three").get(i).getAsString());
            }
            assertEquals(whole.substring(0, whole.indexOf(stop)), out.get("stopped").getAsString());
            assertEquals("stop", out.get("stoppedReason").getAsString());
            assertEquals("BadRequestError", out.get("error").getAsString(), printed);
            assertEquals(400, out.get("errorStatus").getAsInt());
            assertEquals("temperature", out.get("errorParam").getAsString());
            assertTrue(out.get("errorMessage").getAsString().contains("temperature"), printed);
        }
    }

    /** Runs a command in {@code dir}; its exit code, or −1 when it cannot start or outlasts {@code seconds}. */
    /** Runs a command in {@code dir}, its output to npm.log there; its exit code, or -1 when it cannot start or times out. */
    static int run(Path dir, int seconds, String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("npm.log").toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException cannotStart) {
            return -1;
        }
    }
}
