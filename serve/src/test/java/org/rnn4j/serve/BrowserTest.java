package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The web page in a real browser: Debian's Chromium driven through its chromedriver ({@link Chromium}). */
class BrowserTest {
    @TempDir
    static Path dir;
    static Server server;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Chromium.start(dir);
        Path file = dir.resolve("tm.safetensors");
        Fixtures.model().save(file);
        Path subwords = dir.resolve("bpe.safetensors");
        Fixtures.subwords().save(subwords);
        server = new Server(List.of(file.toString(), subwords.toString()), "127.0.0.1", 0, null, Limits.defaults(), 2);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    static void set(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    static void open() {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#model option[value=bpe]")));
    }

    /** Switches autocomplete on, types {@code text} into the editor, and waits for the three continuations offered. */
    static List<WebElement> typeWithAutocomplete(String text) {
        browser.findElement(By.id("autocomplete")).click();
        WebElement editor = browser.findElement(By.id("editor"));
        editor.clear();
        editor.sendKeys(text);
        return waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#suggestions li.suggestion"), 3));
    }

    static String post(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void generateStreamsTheApisTextForTheSameSeed() throws Exception {
        open();
        set("editor", "the time ");
        set("temperature", "0.8");
        set("top-p", "0.95");
        set("length", "150");
        set("seed", "42");
        browser.findElement(By.id("generate")).click();
        waiting().until(ExpectedConditions.attributeToBe(By.id("output"), "data-state", "done"));
        String shown = browser.findElement(By.id("output")).getDomProperty("textContent");
        String body = "{\"model\": \"tm\", \"prefix\": \"the time \", \"length\": 150, \"temperature\": 0.8, "
                + "\"top_p\": 0.95, \"seed\": 42}";
        assertEquals(JsonParser.parseString(post("/v1/generate", body)).getAsJsonObject().get("text").getAsString(),
                shown);
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("150 tokens"),
                browser.findElement(By.id("status")).getText());
        // the model's card, with its perplexity curves (training and validation)
        assertEquals("tm", browser.findElement(By.id("card-name")).getText());
        assertEquals(2, browser.findElements(By.cssSelector("#curve polyline")).size());
        assertTrue(browser.findElement(By.id("card-facts")).getText().contains("validation bits per character"),
                browser.findElement(By.id("card-facts")).getText());
        Path shot = Path.of("target", "serve-page.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void autocompleteOffersThreeContinuationsAndTabTakesOne() {
        open();
        List<WebElement> offered = typeWithAutocomplete("the time traveller ");
        WebElement editor = browser.findElement(By.id("editor"));
        String first = offered.get(0).getDomProperty("textContent");
        assertTrue(!first.isEmpty(), "a continuation of 20 characters");
        editor.sendKeys(Keys.TAB);
        assertEquals("the time traveller " + first, editor.getDomProperty("value"));
    }

    /**
     * A subword model, typed into in the middle of a word: the three continuations are the API's for the same seed,
     * each going on from the typed "trav" as the model reads the whole word, and Tab takes the first.
     */
    @Test
    void autocompleteWithSubwordsGoesOnFromInsideAWord() throws Exception {
        open();
        new Select(browser.findElement(By.id("model"))).selectByValue("bpe");
        set("temperature", "0.8");
        set("top-p", "0.95");
        set("seed", "7");
        List<WebElement> offered = typeWithAutocomplete("the time trav");
        WebElement editor = browser.findElement(By.id("editor"));
        var samples = JsonParser.parseString(post("/v1/generate", "{\"model\": \"bpe\", \"prefix\": \"the time trav\", "
                + "\"length\": 20, \"samples\": 3, \"temperature\": 0.8, \"top_p\": 0.95, \"seed\": 7}"))
                .getAsJsonObject().getAsJsonArray("samples");
        for (int i = 0; i < 3; i++) {
            String sample = samples.get(i).getAsString();
            assertTrue(sample.startsWith("the time trav") && sample.length() > "the time trav".length(), sample);
            assertEquals(sample.substring("the time trav".length()), offered.get(i).getDomProperty("textContent"));
        }
        String first = offered.get(0).getDomProperty("textContent");
        editor.sendKeys(Keys.TAB);
        assertEquals("the time trav" + first, editor.getDomProperty("value"));
    }
}
