package dev.es.sample.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.StoredEvent;
import dev.es.engine.stream.EventStreams;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's ChromeDriver
 * (both from {@code apt-get install chromium chromium-driver}; nothing is downloaded). It creates an order from the
 * page, starts its migration to {@code archive} slowed to a few events a second, adds live events while it runs,
 * waits for the phase to show the migration completed, and finds the live events in the history the page shows and
 * in the target stream itself. Screenshots at 1280x800 and 390x844 go to {@code target/}. The migration controls are
 * on ({@code management.endpoint.migrations.access=unrestricted}), so the page shows them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoint.migrations.access=unrestricted")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

    private static final Logger log = LoggerFactory.getLogger(DashboardBrowserTest.class);

    static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
    static final int NOTES = 30;
    static final int LIVE_EVENTS = 3;

    @LocalServerPort
    int port;

    @Autowired
    EventStreams streams;

    @TempDir
    Path profile;

    ChromeDriver browser;
    ChromeDriverService service;

    @BeforeEach
    void startBrowser() throws IOException {
        assertThat(Path.of(CHROMIUM)).as("Chromium (apt-get install -y chromium chromium-driver)").isExecutable();
        assertThat(Path.of(CHROMEDRIVER)).as("ChromeDriver (apt-get install -y chromium-driver)").isExecutable();
        // the driver Debian installed, never one Selenium Manager would download
        service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(30)).build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,800",
                "--user-data-dir=" + Files.createDirectories(profile.resolve("chromium")));
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void migratesAnOrderLiveFromThePageWhileLiveEventsAreAdded() throws IOException {
        browser.get("http://localhost:" + port + "/");
        await(Duration.ofSeconds(20), "the event stream connected",
                () -> "live".equals(byId("connection").getAttribute("data-state")));
        assertThat(byId("controls").isDisplayed()).as("controls shown when write operations are on").isTrue();

        // an order with 30 notes, created from the page
        setValue("seed-id", "browser-1");
        setValue("seed-notes", Integer.toString(NOTES));
        byId("seed-button").click();
        await(Duration.ofSeconds(20), "the order listed",
                () -> !browser.findElements(By.cssSelector("#orders tr[data-order-id='browser-1']")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#orders tr[data-order-id='browser-1']")).getText())
                .contains("main", "order-browser-1", Integer.toString(NOTES + 1));

        // its migration to archive, slowed to 4 events a second: about eight seconds, time enough for live events on a
        // busy machine
        select("scope", "order");
        select("mig-order", "browser-1");
        select("target-store", "archive");
        setValue("throttle", "4");
        byId("start-button").click();
        await(Duration.ofSeconds(20), "the copy running",
                () -> "CATCH_UP".equals(byId("phase").getAttribute("data-phase"))
                        && !byId("copy-feed").findElements(By.tagName("li")).isEmpty());

        // live events while it runs
        for (int i = 1; i <= LIVE_EVENTS; i++) {
            byId("add-live-event").click();
            String expected = "\"live event " + i + "\" written";
            await(Duration.ofSeconds(20), "live event " + i + " written",
                    () -> byId("live-event-result").getText().startsWith(expected));
            log.info("Page: {} while the phase shows {}", byId("live-event-result").getText(),
                    byId("phase").getAttribute("data-phase"));
        }
        assertThat(byId("phase").getAttribute("data-status")).as("the live events went in during the migration")
                .isNotEqualTo("COMPLETED");
        // the live view saw the source move (a report after each live event, before the copy's next page)
        await(Duration.ofSeconds(20), "the source version with the live events",
                () -> byId("source-version").getText().equals("v" + (1 + NOTES + LIVE_EVENTS)));
        assertThat(byId("phase").getAttribute("data-phase")).isEqualTo("CATCH_UP");
        screenshot(1280, 800, "dashboard-migrating-1280x800.png");

        await(Duration.ofSeconds(60), "the phase showing the migration completed",
                () -> "BOOK_CLOSED".equals(byId("phase").getAttribute("data-phase"))
                        && "COMPLETED".equals(byId("status").getText()));
        assertThat(byId("events-behind").getText()).isEqualTo("0");
        assertThat(byId("target").getText()).isEqualTo("archive/order-browser-1-v2");
        assertThat(Long.parseLong(byId("events-copied").getText())).isEqualTo(NOTES + 1 + LIVE_EVENTS);

        // the page's history: every event once, the live events among them, all read from the target
        int total = 1 + NOTES + LIVE_EVENTS;
        await(Duration.ofSeconds(20), "the history read from the target",
                () -> rows().size() == total && rows().stream().allMatch(r -> r.getText()
                        .endsWith("archive/order-browser-1-v2")));
        List<String> history = rows().stream().map(WebElement::getText).toList();
        for (int i = 1; i <= LIVE_EVENTS; i++) {
            String text = "live event " + i;
            assertThat(history).filteredOn(row -> row.contains("\"" + text + "\"")).hasSize(1);
        }

        // and the target stream itself holds them (the close event is in the source, not here)
        List<StoredEvent> target = streams.stores().get("archive").read("order-browser-1-v2", 1, 1000);
        assertThat(target).hasSize(total);
        for (int i = 1; i <= LIVE_EVENTS; i++) {
            String payload = "{\"text\":\"live event " + i + "\"}";
            assertThat(target).filteredOn(e -> e.payload().equals(payload)).hasSize(1);
        }

        screenshot(1280, 800, "dashboard-1280x800.png");
        screenshot(390, 844, "dashboard-390x844.png");
    }

    private List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#history tbody tr"));
    }

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private void setValue(String id, String value) {
        WebElement input = byId(id);
        input.clear();
        input.sendKeys(value);
    }

    private void select(String id, String value) {
        byId(id).findElement(By.cssSelector("option[value='" + value + "']")).click();
        assertThat(byId(id).getAttribute("value")).isEqualTo(value);
    }

    /** Checks {@code condition} every 100 ms until it holds; fails after {@code within}. */
    private void await(Duration within, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        WebDriverException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (WebDriverException e) {
                last = e; // the page was re-rendering the element: look again
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("waited " + within + " for " + what + "; the page's status: "
                + browser.findElement(By.id("status")).getText() + ", phase "
                + browser.findElement(By.id("phase")).getAttribute("data-phase"), last);
    }

    private void screenshot(int width, int height, String name) throws IOException {
        // the viewport itself at width x height (a phone's is mobile), through ChromeDriver's own CDP command
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", width < 600));
        browser.executeScript("window.scrollTo(0, 0)");
        await(Duration.ofSeconds(10), "the viewport resized",
                () -> ((Number) browser.executeScript("return window.innerWidth")).intValue() == width);
        Path file = Path.of("target", name);
        Files.createDirectories(file.getParent());
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).as("screenshot width").isEqualTo(width);
        assertThat(image.getHeight()).as("screenshot height").isEqualTo(height);
        Files.write(file, png);
        log.info("Screenshot {} ({}x{})", file.toAbsolutePath(), width, height);
    }
}
