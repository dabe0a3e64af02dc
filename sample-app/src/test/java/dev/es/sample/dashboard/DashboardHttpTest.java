package dev.es.sample.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's API over real HTTP, with the migration controls off (the sample's default read-only access to the
 * {@code migrations} endpoint): the page and its assets served offline, the overview, the event stream of a migration
 * from the first progress report to the last (every copied event once, the phases in protocol order), an order's
 * history with each event's origin stream, a live event reported as soon as it is written, a bulk run over a tag, the controls refused, and the 400 and 404 answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardHttpTest {

    private static final JsonMapper JSON = DashboardHttp.JSON;
    private static final List<String> PROTOCOL = List.of("PENDING", "CATCH_UP", "CLOSING", "CUTOVER", "BOOK_CLOSED");

    @LocalServerPort
    int port;

    private DashboardHttp api;

    @BeforeEach
    void connect() {
        api = new DashboardHttp(port);
    }

    @Test
    void servesThePageAndItsAssetsWithNothingFromElsewhere() throws Exception {
        HttpResponse<String> page = api.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/html"));
        assertThat(page.body()).contains("src=\"dashboard.js\"", "href=\"dashboard.css\"", "id=\"lag-chart\"");
        for (String path : List.of("/", "/dashboard.js", "/dashboard.css")) {
            HttpResponse<String> asset = api.get(path);
            assertThat(asset.statusCode()).as(path).isEqualTo(200);
            assertThat(asset.body()).as(path + " loads nothing from another host")
                    .doesNotContain("http://", "https://", "//cdn", "@import");
        }
    }

    @Test
    void streamsAMigrationFromItsFirstReportToItsEnd() throws Exception {
        api.seed("http-1", 10, null);
        assertThat(api.overview().get("writeOperations").asBoolean()).isFalse();
        assertThat(api.overview().get("stores").toString()).isEqualTo("[\"archive\",\"main\"]");
        assertThat(api.order("http-1").get("store").asString()).isEqualTo("main");

        try (SseReader stream = api.stream()) {
            assertThat(stream.next(Duration.ofSeconds(10))).as("hello").isNotNull()
                    .extracting(SseReader.Event::name).isEqualTo("hello");
            JsonNode started = api.post("/dashboard/api/migrations",
                    "{\"scope\":\"order\",\"orderId\":\"http-1\",\"targetStore\":\"archive\"}", 202);
            assertThat(started.get("kind").asString()).isEqualTo("order");
            String id = started.get("id").asString();

            List<SseReader.Event> mine = DashboardHttp.until(stream, e -> e.name().equals("finished")
                    && e.data().get("migrationId").asString().equals(id), id);
            assertThat(mine).filteredOn(e -> e.name().equals("started")).hasSize(1);
            assertThat(mine.get(mine.size() - 1).data().get("status").asString()).isEqualTo("COMPLETED");

            // every source event copied once, in order, to the target
            List<Long> copied = mine.stream().filter(e -> e.name().equals("copied"))
                    .map(e -> e.data().get("sourceVersion").asLong()).toList();
            assertThat(copied).containsExactlyElementsOf(IntStream.rangeClosed(1, 11).mapToObj(i -> (long) i)
                    .toList());
            assertThat(mine).filteredOn(e -> e.name().equals("copied"))
                    .allSatisfy(e -> assertThat(e.data().get("targetStream").asString()).isEqualTo("order-http-1-v2"));

            // the phases in the order of the protocol; the last report is the end
            List<JsonNode> progress = mine.stream().filter(e -> e.name().equals("progress")).map(SseReader.Event::data)
                    .toList();
            List<Integer> phases = progress.stream().map(p -> PROTOCOL.indexOf(p.get("phase").asString())).toList();
            assertThat(phases).doesNotContain(-1).isSorted();
            assertThat(phases).contains(PROTOCOL.indexOf("CATCH_UP"));
            JsonNode last = progress.get(progress.size() - 1);
            assertThat(last.get("phase").asString()).isEqualTo("BOOK_CLOSED");
            assertThat(last.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(last.get("eventsCopied").asLong()).isEqualTo(11);
            assertThat(last.get("eventsBehind").asLong()).isZero();
            assertThat(last.get("targetVersion").asLong()).isEqualTo(11);
            assertThat(last.get("sourceStream").asString()).isEqualTo("order-http-1");
            // the source holds its close event on top of the 11 events
            assertThat(last.get("sourceVersion").asLong()).isEqualTo(12);

            // the controls are off: refused, whatever the migration
            assertThat(api.postStatus("/dashboard/api/migrations/" + id + "/rollback")).isEqualTo(403);
            assertThat(api.postStatus("/dashboard/api/migrations/" + id + "/pause")).isEqualTo(403);
            assertThat(api.postStatus("/dashboard/api/bulk/" + id + "/cancel")).isEqualTo(403);
        }

        // a note after the cutover is written to the target: its origin is the target stream
        api.post("/orders/http-1/notes", "{\"text\":\"after the cutover\"}", 200);
        JsonNode history = JSON.readTree(api.get("/dashboard/api/orders/http-1/history").body());
        assertThat(history.size()).isEqualTo(12);
        for (int i = 0; i < 11; i++) {
            assertThat(history.get(i).get("version").asLong()).isEqualTo(i + 1);
            assertThat(history.get(i).get("origin").asString()).isEqualTo("main/order-http-1");
            assertThat(history.get(i).get("storedIn").asString()).isEqualTo("archive/order-http-1-v2");
        }
        assertThat(history.get(11).get("payload").asString()).isEqualTo("{\"text\":\"after the cutover\"}");
        assertThat(history.get(11).get("origin").asString()).isEqualTo("archive/order-http-1-v2");
        assertThat(api.order("http-1").get("store").asString()).isEqualTo("archive");
    }

    @Test
    void aLiveEventDuringAMigrationIsReportedAndCopied() throws Exception {
        api.seed("live-1", 30, null);
        try (SseReader stream = api.stream()) {
            assertThat(stream.next(Duration.ofSeconds(10))).isNotNull();
            // 20 events a second: the first page at once, the rest a second later
            String id = api.post("/dashboard/api/migrations", "{\"scope\":\"order\",\"orderId\":\"live-1\","
                    + "\"targetStore\":\"archive\",\"maxEventsPerSecond\":20}", 202).get("id").asString();
            DashboardHttp.until(stream, e -> e.name().equals("progress") && e.data().get("phase").asString().equals("CATCH_UP"), id);
            JsonNode written = api.post("/dashboard/api/orders/live-1/live-events", "{\"text\":\"live during the copy\"}",
                    200);
            assertThat(written.get("version").asLong()).isEqualTo(32);
            assertThat(written.get("store").asString()).isEqualTo("main");
            List<SseReader.Event> rest = DashboardHttp.until(stream, e -> e.name().equals("progress")
                    && e.data().get("sourceVersion").asLong() == 32, id);
            assertThat(rest.get(rest.size() - 1).data().get("phase").asString()).isEqualTo("CATCH_UP");
            List<SseReader.Event> end = DashboardHttp.until(stream, e -> e.name().equals("finished"), id);
            assertThat(end.get(end.size() - 1).data().get("status").asString()).isEqualTo("COMPLETED");
            assertThat(end.get(end.size() - 1).data().get("eventsCopied").asLong()).isEqualTo(32);
        }
        JsonNode history = JSON.readTree(api.get("/dashboard/api/orders/live-1/history").body());
        assertThat(history.size()).isEqualTo(32);
        assertThat(history.get(31).get("payload").asString()).isEqualTo("{\"text\":\"live during the copy\"}");
        assertThat(history.get(31).get("origin").asString()).isEqualTo("main/order-live-1");
        assertThat(history.get(31).get("storedIn").asString()).isEqualTo("archive/order-live-1-v2");
    }

    @Test
    void migratesTheOrdersOfATagInOneBulkRun() throws Exception {
        api.seed("tagged-1", 2, "blue");
        api.seed("tagged-2", 3, "blue");
        api.seed("untagged-1", 1, null);
        try (SseReader stream = api.stream()) {
            assertThat(stream.next(Duration.ofSeconds(10))).isNotNull();
            JsonNode started = api.post("/dashboard/api/migrations",
                    "{\"scope\":\"tag\",\"tag\":\"blue\",\"targetStore\":\"archive\",\"transform\":true}", 202);
            assertThat(started.get("kind").asString()).isEqualTo("bulk");
            String run = started.get("id").asString();
            List<SseReader.Event> events = DashboardHttp.until(stream, e -> e.name().equals("bulk")
                    && e.data().get("bulkRunId").asString().equals(run)
                    && e.data().get("migrated").asLong() + e.data().get("failed").asLong() == 2
                    && e.data().get("running").asInt() == 0, run);
            JsonNode end = events.get(events.size() - 1).data();
            assertThat(end.get("migrated").asLong()).isEqualTo(2);
            assertThat(end.get("failed").asLong()).isZero();
            assertThat(end.get("selection").asString()).isEqualTo("tag blue");
        }
        assertThat(api.order("tagged-1").get("store").asString()).isEqualTo("archive");
        assertThat(api.order("tagged-2").get("store").asString()).isEqualTo("archive");
        assertThat(api.order("untagged-1").get("store").asString()).isEqualTo("main");
    }

    @Test
    void refusesWhatItCannotDo() throws Exception {
        api.seed("bad-1", 0, null);
        assertThat(api.postStatus("/dashboard/api/migrations", "{\"scope\":\"nope\"}")).isEqualTo(400);
        assertThat(api.postStatus("/dashboard/api/migrations", "{\"scope\":\"order\"}")).isEqualTo(400);
        assertThat(api.postStatus("/dashboard/api/migrations", "{\"scope\":\"order\",\"orderId\":\"missing\"}"))
                .isEqualTo(404);
        assertThat(api.postStatus("/dashboard/api/migrations",
                "{\"scope\":\"order\",\"orderId\":\"bad-1\",\"targetStore\":\"nowhere\"}")).isEqualTo(400);
        assertThat(api.postStatus("/dashboard/api/migrations",
                "{\"scope\":\"order\",\"orderId\":\"bad-1\",\"maxEventsPerSecond\":-1}")).isEqualTo(400);
        assertThat(api.postStatus("/dashboard/api/orders", "{\"id\":\"bad-1\",\"customer\":\"ada\"}")).isEqualTo(409);
        assertThat(api.get("/dashboard/api/orders/missing/history").statusCode()).isEqualTo(404);
        assertThat(api.postStatus("/dashboard/api/orders/missing/live-events", "{\"text\":\"x\"}")).isEqualTo(404);
        assertThat(api.postStatus("/dashboard/api/orders/bad-1/live-events", "{\"text\":\" \"}")).isEqualTo(400);
        assertThat(api.order("bad-1").get("store").asString()).as("nothing migrated").isEqualTo("main");
    }
}
