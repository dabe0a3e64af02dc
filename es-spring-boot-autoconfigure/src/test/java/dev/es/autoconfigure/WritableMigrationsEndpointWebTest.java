package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.migration.BulkMigrationHandle;
import dev.es.engine.migration.BulkMigrationResult;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The {@code migrations} endpoint with its write operations granted by
 * {@code management.endpoint.migrations.access=unrestricted}, over real HTTP.
 */
@SpringBootTest(classes = MigrationsEndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
                "es.stores.main.type=memory",
                "es.stores.archive.type=memory",
                "management.endpoint.migrations.access=unrestricted",
                "es.streams.chunk-size=2",
                "management.endpoints.web.exposure.include=health,migrations"})
class WritableMigrationsEndpointWebTest {

    @LocalServerPort
    private int port;

    @Autowired
    private EventStreams streams;

    @Autowired
    private EventStreamMigrationService migrations;

    @Autowired
    private EventStoreRegistry stores;

    private ActuatorHttp http;

    @BeforeEach
    void setUp() {
        http = new ActuatorHttp(port);
    }

    @Test
    void cancelOverHttpCancelsAHeldMigrationAndLeavesTheSourceUntouched() throws Exception {
        EventStream stream = streams.open("Order", "cancel-1");
        for (int i = 1; i <= 4; i++) {
            stream.append(EventData.of("NoteAdded", "{\"note\":" + i + "}"));
        }
        List<StoredEvent> before = stores.get("main").read("order-cancel-1", 1, 100);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MigrationHandle handle = migrations.forDocument("Order", "cancel-1").withTargetStore("archive")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        holding.countDown();
                        MigrationsEndpointWebTest.await(release);
                    }
                }))
                .start();
        HttpResponse<String> cancelled;
        try {
            MigrationsEndpointWebTest.await(holding);
            cancelled = http.post("/actuator/migrations/" + handle.migrationId() + "/cancel");
        } finally {
            release.countDown();
        }
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(ActuatorHttp.json(cancelled).get("id").asString()).isEqualTo(handle.migrationId());

        MigrationResult result = handle.await(Duration.ofSeconds(30));
        assertThat(result.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(stores.get("main").read("order-cancel-1", 1, 100)).isEqualTo(before);
        assertThat(stores.get("main").lastEvent("order-cancel-1").isCloseEvent()).isFalse();
        assertThat(stores.get("archive").version("order-cancel-1-v2")).isZero();
        assertThat(streams.document("Order", "cancel-1").active())
                .isEqualTo(new StreamPointer("order-cancel-1", "main"));

        JsonNode shown = ActuatorHttp.json(http.get("/actuator/migrations/" + handle.migrationId()));
        assertThat(shown.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(shown.get("phase").asString()).isEqualTo("CANCELLED");
        stream.append(EventData.of("NoteAdded", "{\"note\":\"after cancel\"}"));
        assertThat(stores.get("main").version("order-cancel-1")).isEqualTo(5);
    }

    @Test
    void pauseAndResumeOverHttpHoldAndThenFinishAMigration() throws Exception {
        EventStream stream = streams.open("Order", "pause-1");
        for (int i = 1; i <= 5; i++) {
            stream.append(EventData.of("NoteAdded", "{\"note\":" + i + "}"));
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MigrationHandle handle = migrations.forDocument("Order", "pause-1").withTargetStore("archive")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        holding.countDown();
                        MigrationsEndpointWebTest.await(release);
                    }
                }))
                .start();
        try {
            MigrationsEndpointWebTest.await(holding);
            assertThat(http.post("/actuator/migrations/" + handle.migrationId() + "/pause").statusCode())
                    .isEqualTo(200);
        } finally {
            release.countDown();
        }
        String path = "/actuator/migrations/" + handle.migrationId();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(ActuatorHttp.json(http.get(path)).path("status").asString()).isEqualTo("PAUSED"));
        Thread.sleep(200); // the time is the point: a paused migration stays paused
        assertThat(handle.isDone()).isFalse();

        assertThat(http.post(path + "/resume").statusCode()).isEqualTo(200);
        assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(ActuatorHttp.json(http.get(path)).path("status").asString()).isEqualTo("COMPLETED");
        assertThat(stores.get("archive").version("order-pause-1-v2")).isEqualTo(5);
    }

    @Test
    void cutoverOverHttpCutsOverAWaitingMigrationAndTheAuditTrailSaysTheActuatorAsked() throws Exception {
        EventStream stream = streams.open("Order", "cutover-1");
        for (int i = 1; i <= 4; i++) {
            stream.append(EventData.of("NoteAdded", "{\"note\":" + i + "}"));
        }
        MigrationHandle handle = migrations.forDocument("Order", "cutover-1").withTargetStore("archive")
                .withManualCutover().start();
        String path = "/actuator/migrations/" + handle.migrationId();
        JsonNode waiting = waitForStatus(path, "AWAITING_CUTOVER");
        assertThat(waiting.path("phase").asString()).isEqualTo("CATCH_UP");
        assertThat(waiting.path("cutoverReady").asBoolean()).as(waiting.toString()).isTrue();
        assertThat(waiting.path("eventsBehind").asLong()).isZero();
        JsonNode listed = MigrationsEndpointWebTest.find(ActuatorHttp.json(http.get("/actuator/migrations")),
                handle.migrationId());
        assertThat(listed.path("status").asString()).isEqualTo("AWAITING_CUTOVER");
        assertThat(listed.path("cutoverReady").asBoolean()).isTrue();

        // writers go on while it waits; the target follows
        stream.append(EventData.of("NoteAdded", "{\"note\":5}"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                assertThat(stores.get("archive").version("order-cutover-1-v2")).isEqualTo(5));
        assertThat(handle.isDone()).isFalse();

        HttpResponse<String> cutover = http.post(path + "/cutover");
        assertThat(cutover.statusCode()).as(cutover.body()).isEqualTo(200);
        assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        stream.append(EventData.of("NoteAdded", "{\"note\":6}"));
        assertThat(streams.document("Order", "cutover-1").active())
                .isEqualTo(new StreamPointer("order-cutover-1-v2", "archive"));
        assertThat(stores.get("archive").version("order-cutover-1-v2")).isEqualTo(6);

        JsonNode done = ActuatorHttp.json(http.get(path));
        assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
        JsonNode requested = null;
        for (JsonNode record : done.path("audit")) {
            if (record.path("detail").asString("").startsWith("cutover requested")) {
                requested = record;
            }
        }
        assertThat(requested).as(done.toString()).isNotNull();
        assertThat(requested.path("requestedBy").asString()).isEqualTo("actuator");
        assertThat(requested.path("status").asString()).isEqualTo("IN_PROGRESS");
        assertThat(requested.path("fencingToken").asLong()).isPositive();
    }

    @Test
    void aCutoverThatIsNotTakenIsAConflictAndPauseOverHttpIsAuditedAsTheActuators() throws Exception {
        EventStream stream = streams.open("Order", "cutover-2");
        for (int i = 1; i <= 3; i++) {
            stream.append(EventData.of("NoteAdded", "{\"note\":" + i + "}"));
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MigrationHandle handle = migrations.forDocument("Order", "cutover-2").withTargetStore("archive")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        holding.countDown();
                        MigrationsEndpointWebTest.await(release);
                    }
                }))
                .start();
        String path = "/actuator/migrations/" + handle.migrationId();
        try {
            MigrationsEndpointWebTest.await(holding);
            HttpResponse<String> refused = http.post(path + "/cutover");
            assertThat(refused.statusCode()).as("no manual cutover: %s", refused.body()).isEqualTo(409);
            assertThat(ActuatorHttp.json(refused).path("id").asString()).isEqualTo(handle.migrationId());
            assertThat(http.post(path + "/pause").statusCode()).isEqualTo(200);
        } finally {
            release.countDown();
        }
        waitForStatus(path, "PAUSED");
        assertThat(http.post(path + "/resume").statusCode()).isEqualTo(200);
        assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        List<String> asked = new java.util.ArrayList<>();
        ActuatorHttp.json(http.get(path)).path("audit").forEach(r -> {
            if (!r.path("requestedBy").asString().equals("migration")) {
                asked.add(r.path("status").asString() + " by " + r.path("requestedBy").asString());
            }
        });
        assertThat(asked).containsExactly("IN_PROGRESS by api", "PAUSED by actuator", "IN_PROGRESS by actuator");
        assertThat(http.post("/actuator/migrations/no-such-migration/cutover").statusCode()).isEqualTo(404);
    }

    private JsonNode waitForStatus(String path, String status) throws InterruptedException {
        AtomicReference<JsonNode> shown = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            shown.set(ActuatorHttp.json(http.get(path)));
            assertThat(shown.get().path("status").asString()).as(shown.get().toString()).isEqualTo(status);
        });
        return shown.get();
    }

    @Test
    void writeOperationsOnAMigrationNotRunningHereAreNotFound() {
        assertThat(http.post("/actuator/migrations/no-such-migration/cancel").statusCode()).isEqualTo(404);
        assertThat(http.post("/actuator/migrations/no-such-migration/pause").statusCode()).isEqualTo(404);
    }

    @Test
    void anUnknownActionIsABadRequest() {
        assertThat(http.post("/actuator/migrations/no-such-migration/explode").statusCode()).isEqualTo(400);
    }

    @Test
    void readOperationsStillWork() {
        HttpResponse<String> list = http.get("/actuator/migrations");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(ActuatorHttp.json(list).isArray()).isTrue();
        assertThat(http.get("/actuator/migrations/no-such-migration").statusCode()).isEqualTo(404);
    }

    @Test
    void aBulkRunIsShownPausedAndCancelledOverHttpByItsId() throws Exception {
        for (int n = 0; n < 5; n++) {
            streams.open("Bulkhttp", "b" + n).append(EventData.of("NoteAdded", "{\"note\":" + n + "}"));
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        BulkMigrationHandle handle = migrations.forObjectName("Bulkhttp").bulkRunId("http-bulk")
                .targetStore("archive").maxConcurrency(1)
                .eachObject(b -> b.withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        holding.countDown();
                        MigrationsEndpointWebTest.await(release);
                    }
                })))
                .start();
        HttpResponse<String> shown;
        HttpResponse<String> listed;
        HttpResponse<String> paused;
        HttpResponse<String> cutover;
        HttpResponse<String> cancelled;
        try {
            MigrationsEndpointWebTest.await(holding);
            shown = http.get("/actuator/migrations/http-bulk");
            listed = http.get("/actuator/migrations");
            paused = http.post("/actuator/migrations/http-bulk/pause");
            cutover = http.post("/actuator/migrations/http-bulk/cutover");
            cancelled = http.post("/actuator/migrations/http-bulk/cancel");
        } finally {
            release.countDown();
        }
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        JsonNode bulk = ActuatorHttp.json(shown);
        assertThat(bulk.get("kind").asString()).isEqualTo("bulk");
        assertThat(bulk.get("bulkRunId").asString()).isEqualTo("http-bulk");
        assertThat(bulk.get("running").asInt()).isEqualTo(1);
        // the list shows the bulk run with its counts beside the migrations
        JsonNode listedRun = null;
        for (JsonNode element : ActuatorHttp.json(listed)) {
            if ("bulk".equals(element.path("kind").asString(null))) {
                listedRun = element;
            }
        }
        assertThat(listedRun).as(listed.body()).isNotNull();
        assertThat(listedRun.get("bulkRunId").asString()).isEqualTo("http-bulk");
        assertThat(listedRun.has("migrated")).isTrue();
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(cutover.statusCode()).as(cutover.body()).isEqualTo(400);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        BulkMigrationResult result = handle.await(Duration.ofSeconds(30));
        assertThat(result.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(result.migrated()).isZero();
        assertThat(http.get("/actuator/migrations/http-bulk").statusCode()).isEqualTo(404);
    }
}
