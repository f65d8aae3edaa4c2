package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rnn4j.Sampling;
import org.rnn4j.TextModel;
import org.rnn4j.Training;
import org.rnn4j.text.Preprocessing;

/**
 * The repository's {@code web/} page as a static host serves it, with nothing behind it: its npm packages installed
 * as a user installs them (ONNX Runtime Web and protobuf.js, from the registry), a plain file server, a model exported
 * with {@link TextModel#exportOnnx} and picked from the disk, in Chromium: the greedy text is rnn4j's for the same
 * model and prefix. Needs Node.js and the npm registry as {@link OpenAiClientTest} does, and Chromium.
 */
class OnnxPageTest {
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript", "mjs", "text/javascript", "css", "text/css", "wasm", "application/wasm", "onnx",
            "application/octet-stream");
    @TempDir
    static Path dir;
    static Path web;
    static HttpServer files;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        web = dir.resolve("web");
        Files.createDirectories(web);
        for (String f : List.of("index.html", "generate.js", "style.css", "package.json", "vendor.mjs")) {
            Files.copy(Path.of("..", "web", f), web.resolve(f));
        }
        boolean installed = OpenAiClientTest.run(web, 300, "npm", "install", "--no-audit", "--no-fund", "--silent") == 0
                && Files.exists(web.resolve("vendor/ort.wasm.min.js"));
        if (!installed) {
            assertTrue(!"required".equals(System.getenv("RNN4J_NODE_TESTS")),
                    "npm could not install the page's packages (RNN4J_NODE_TESTS=required)");
            assumeTrue(false, "no Node.js or npm registry here");
        }
        Fixtures.networkAlone().exportOnnx(web.resolve("tm.onnx"));
        files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/", exchange -> {
            Path file = web.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(web) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            String name = file.getFileName().toString();
            exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(
                    name.substring(name.lastIndexOf('.') + 1), "application/octet-stream"));
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        files.start();
        browser = Chromium.start(dir);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (files != null) {
            files.stop(0);
        }
    }

    static String url(String page) {
        return "http://127.0.0.1:" + files.getAddress().getPort() + "/" + page;
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    static String generate(String prefix, String temperature, int length) {
        WebElement box = browser.findElement(By.id("prefix"));
        box.clear();
        box.sendKeys(prefix);
        browser.findElement(By.id("temperature")).clear();
        browser.findElement(By.id("temperature")).sendKeys(temperature);
        browser.findElement(By.id("length")).clear();
        browser.findElement(By.id("length")).sendKeys(String.valueOf(length));
        browser.findElement(By.id("generate")).click();
        waiting().until(ExpectedConditions.attributeToBe(By.id("output"), "data-state", "done"));
        return browser.findElement(By.id("output")).getDomProperty("textContent");
    }

    @Test
    void aPickedModelGeneratesRnn4jsGreedyText() throws Exception {
        browser.get(url("index.html"));
        browser.findElement(By.id("file")).sendKeys(web.resolve("tm.onnx").toAbsolutePath().toString());
        waiting().until(ExpectedConditions.attributeToBe(By.id("model-facts"), "data-state", "ready"));
        TextModel model = Fixtures.networkAlone();
        assertEquals(model.generate("The time traveller ", Sampling.greedy().length(150)),
                generate("The time traveller ", "0", 150));
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("150 tokens"),
                browser.findElement(By.id("status")).getText());
        String sampled = generate("It was ", "0.8", 80);
        assertTrue(sampled.startsWith("It was ") && sampled.codePointCount(0, sampled.length()) == 7 + 80, sampled);
    }

    /** The built-in English model, exported (its 16-bit weights as floats), in the page: rnn4j's greedy text. */
    @Test
    void theBuiltInEnglishModelGeneratesItsGreedyText() throws Exception {
        TextModel english = TextModel.pretrained("english");
        english.exportOnnx(web.resolve("english.onnx"));
        browser.get(url("index.html?model=english.onnx"));
        waiting().until(ExpectedConditions.attributeToBe(By.id("model-facts"), "data-state", "ready"));
        String prefix = "The Time Traveller smiled. \u201cWhat";
        assertEquals(english.generate(prefix, Sampling.greedy().length(300)), generate(prefix, "0", 300));
        generate(prefix, "0.6", 300); // for the picture: sampled text reads better than greedy's loops
        Path shot = Path.of("target", "onnx-page.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
    }

    /**
     * Models of subwords and of words: the tokenizer the export carries reads each prefix, cut inside a word or not, to
     * rnn4j's ids, and the first tokens spell the typed part of the last word again, as {@code rnn4j generate}'s do.
     */
    @Test
    void subwordAndWordModelsReadThePrefixAsRnn4jDoes() {
        for (TextModel model : List.of(Fixtures.subwordsAlone(), Fixtures.words())) {
            model.exportOnnx(web.resolve("tokens.onnx"));
            browser.get(url("index.html?model=tokens.onnx"));
            waiting().until(ExpectedConditions.attributeToBe(By.id("model-facts"), "data-state", "ready"));
            for (String prefix : List.of("The Time Trav", "It was a ", "\u201cWell,\u201d said the Psychologist, \u201chow",
                    "and the 1,000th thing", "")) {
                assertEquals(model.generate(prefix, Sampling.greedy().length(40)), generate(prefix, "0", 40),
                        model.vocabulary().kind() + " after '" + prefix + "'");
            }
        }
    }

    /**
     * The seeds' preprocessings: letters (the Time Machine's: runs of other signs one space, lower case, lines joined)
     * and spaces (the lyrics': line ends as spaces): the page reads each prefix as rnn4j does, its greedy text rnn4j's.
     */
    @Test
    void thePrefixIsReadWithTheModelsPreprocessing() {
        for (Preprocessing p : new Preprocessing[] {Preprocessing.LETTERS, Preprocessing.SPACES}) {
            TextModel model = TextModel.train(Fixtures.model().generate("", Sampling.temperature(1).seed(1)
                    .length(3000)), Training.defaults().hidden(32).layers(1).batch(8).steps(20).epochs(2)
                    .preprocessing(p).seed(5).memory(0));
            model.exportOnnx(web.resolve("pre.onnx"));
            browser.get(url("index.html?model=pre.onnx"));
            waiting().until(ExpectedConditions.attributeToBe(By.id("model-facts"), "data-state", "ready"));
            for (String prefix : List.of("The Time-Traveller, ", "It was\nthe end", "we--", "A 1,000 years")) {
                assertEquals(model.generate(prefix, Sampling.greedy().length(30)), generate(prefix, "0", 30),
                        p + " after '" + prefix + "'");
            }
        }
    }

    /** A model named in the address, and an empty prefix: the first step reads no token, as rnn4j's does. */
    @Test
    void aModelNamedInTheAddressGeneratesFromNothing() {
        browser.get(url("index.html?model=tm.onnx"));
        waiting().until(ExpectedConditions.attributeToBe(By.id("model-facts"), "data-state", "ready"));
        assertEquals(Fixtures.networkAlone().generate("", Sampling.greedy().length(60)), generate("", "0", 60));
        browser.get(url("index.html?model=missing.onnx"));
        waiting().until(ExpectedConditions.attributeToBe(By.id("model-facts"), "data-state", "error"));
        assertTrue(browser.findElement(By.id("model-facts")).getText().contains("missing.onnx"));
    }
}
