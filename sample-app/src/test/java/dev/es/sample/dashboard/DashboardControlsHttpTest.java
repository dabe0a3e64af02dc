package dev.es.sample.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's migration controls over real HTTP with the write operations granted
 * ({@code management.endpoint.migrations.access=unrestricted}, the context {@link DashboardBrowserTest} uses too):
 * a manual-cutover migration paused, resumed, cut over and rolled back, each step seen on the event stream and in
 * where the order lives; a throttled migration cancelled.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoint.migrations.access=unrestricted")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardControlsHttpTest {

    private static final JsonMapper JSON = DashboardHttp.JSON;

    @LocalServerPort
    int port;

    private DashboardHttp api;

    @BeforeEach
    void connect() {
        api = new DashboardHttp(port);
    }

    @Test
    void aManualCutoverIsPausedResumedCutOverAndRolledBack() throws Exception {
        api.seed("ctl-1", 10, null);
        assertThat(api.overview().get("writeOperations").asBoolean()).isTrue();
        try (SseReader stream = api.stream()) {
            assertThat(stream.next(Duration.ofSeconds(10))).isNotNull();
            String id = api.post("/dashboard/api/migrations", "{\"scope\":\"order\",\"orderId\":\"ctl-1\","
                    + "\"targetStore\":\"archive\",\"manualCutover\":true}", 202).get("id").asString();
            DashboardHttp.until(stream, progress("AWAITING_CUTOVER", true), id);

            assertThat(api.post("/dashboard/api/migrations/" + id + "/pause", null, 200).get("accepted").asBoolean())
                    .isTrue();
            DashboardHttp.until(stream, progress("PAUSED", false), id);
            api.post("/dashboard/api/migrations/" + id + "/resume", null, 200);
            DashboardHttp.until(stream, progress("AWAITING_CUTOVER", true), id);
            assertThat(api.order("ctl-1").get("store").asString()).as("nothing cut over yet").isEqualTo("main");

            assertThat(api.post("/dashboard/api/migrations/" + id + "/cutover", null, 200).get("accepted").asBoolean())
                    .isTrue();
            List<SseReader.Event> end = DashboardHttp.until(stream, e -> e.name().equals("finished"), id);
            assertThat(end.get(end.size() - 1).data().get("status").asString()).isEqualTo("COMPLETED");
            assertThat(api.order("ctl-1").get("store").asString()).isEqualTo("archive");

            JsonNode rollback = api.post("/dashboard/api/migrations/" + id + "/rollback", null, 200);
            assertThat(rollback.get("accepted").asBoolean()).isTrue();
            assertThat(rollback.get("status").asString()).isEqualTo("ROLLED_BACK");
            DashboardHttp.until(stream, e -> e.name().equals("progress") && e.data().get("phase").asString().equals("ROLLED_BACK"),
                    id);
        }
        assertThat(api.order("ctl-1").get("store").asString()).isEqualTo("main");
        JsonNode history = JSON.readTree(api.get("/dashboard/api/orders/ctl-1/history").body());
        assertThat(history.size()).isEqualTo(11);
        assertThat(history.get(10).get("payload").asString()).isEqualTo("{\"text\":\"note 10\"}");
    }

    @Test
    void aThrottledMigrationIsCancelled() throws Exception {
        api.seed("ctl-2", 20, null);
        try (SseReader stream = api.stream()) {
            assertThat(stream.next(Duration.ofSeconds(10))).isNotNull();
            String id = api.post("/dashboard/api/migrations", "{\"scope\":\"order\",\"orderId\":\"ctl-2\","
                    + "\"targetStore\":\"archive\",\"maxEventsPerSecond\":2}", 202).get("id").asString();
            DashboardHttp.until(stream, e -> e.name().equals("copied"), id);
            assertThat(api.post("/dashboard/api/migrations/" + id + "/cancel", null, 200).get("accepted").asBoolean())
                    .isTrue();
            List<SseReader.Event> end = DashboardHttp.until(stream, e -> e.name().equals("finished"), id);
            assertThat(end.get(end.size() - 1).data().get("status").asString()).isEqualTo("CANCELLED");
        }
        assertThat(api.order("ctl-2").get("store").asString()).isEqualTo("main");
        assertThat(api.order("ctl-2").get("version").asLong()).isEqualTo(21);
        assertThat(api.postStatus("/dashboard/api/migrations/no-such-migration/pause")).isEqualTo(404);
        assertThat(api.postStatus("/dashboard/api/bulk/no-such-run/pause")).isEqualTo(404);
    }

    private static Predicate<SseReader.Event> progress(String status, boolean cutoverReady) {
        return e -> e.name().equals("progress") && e.data().get("status").asString().equals(status)
                && e.data().get("cutoverReady").asBoolean() == cutoverReady;
    }
}
