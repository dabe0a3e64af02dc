package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.autoconfigure.actuate.MigrationsEndpoint;
import dev.es.engine.event.EventData;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpointDiscoverer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The {@code migrations} actuator endpoint and the {@code es} health contributor over real HTTP, with the endpoint's
 * default access (read-only: the write operations are not mapped).
 */
@SpringBootTest(classes = MigrationsEndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
                "es.stores.main.type=memory",
                "es.stores.archive.type=memory",
                "management.endpoints.web.exposure.include=health,migrations",
                "management.endpoint.health.show-details=always",
                "es.backup.location=target/migrations-endpoint-web-test-backups"})
class MigrationsEndpointWebTest {

    private static final String SECRET = "secret-payload-7f3a";

    @LocalServerPort
    private int port;

    @Autowired
    private EventStreams streams;

    @Autowired
    private EventStreamMigrationService migrations;

    private ActuatorHttp http;

    @BeforeEach
    void setUp() {
        http = new ActuatorHttp(port);
    }

    @Test
    void listShowsAHeldMigrationWithoutPayloadsAndOneMigrationShowsItCompleted() throws Exception {
        orderWithEvents("web-1", 5);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MigrationHandle handle = heldMigration("web-1", holding, release);
        try {
            await(holding);

            HttpResponse<String> list = http.get("/actuator/migrations");
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).doesNotContain(SECRET).doesNotContain("payload");
            JsonNode shown = find(ActuatorHttp.json(list), handle.migrationId());
            assertThat(shown).as("migration %s in %s", handle.migrationId(), list.body()).isNotNull();
            assertThat(shown.get("objectName").asString()).isEqualTo("Order");
            assertThat(shown.get("objectId").asString()).isEqualTo("web-1");
            assertThat(shown.get("sourceStream").asString()).isEqualTo("order-web-1");
            assertThat(shown.get("sourceStore").asString()).isEqualTo("main");
            assertThat(shown.get("targetStream").asString()).isEqualTo("order-web-1-v2");
            assertThat(shown.get("targetStore").asString()).isEqualTo("archive");
            assertThat(shown.get("phase").asString()).isEqualTo("CATCH_UP");
            assertThat(shown.get("status").asString()).isEqualTo("IN_PROGRESS");
            assertThat(shown.get("eventsCopied").asLong()).isZero();
            assertThat(shown.hasNonNull("startedAt")).isTrue();
            assertThat(shown.hasNonNull("updatedAt")).isTrue();
            assertThat(shown.has("audit")).as("the list leaves the audit trail out").isFalse();
        } finally {
            release.countDown();
        }
        MigrationResult result = handle.await(Duration.ofSeconds(30));
        assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);

        HttpResponse<String> one = http.get("/actuator/migrations/" + handle.migrationId());
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).doesNotContain(SECRET);
        JsonNode done = ActuatorHttp.json(one);
        assertThat(done.get("id").asString()).isEqualTo(handle.migrationId());
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("phase").asString()).isEqualTo("BOOK_CLOSED");
        assertThat(done.get("eventsCopied").asLong()).isEqualTo(5);
        // the audit trail: every phase and status change, who asked, the fencing token
        JsonNode audit = done.path("audit");
        assertThat(audit.isArray()).as(one.body()).isTrue();
        List<String> changes = new ArrayList<>();
        audit.forEach(r -> changes.add(r.path("phase").asString() + "/" + r.path("status").asString() + " by "
                + r.path("requestedBy").asString()));
        assertThat(changes).containsExactly("PENDING/IN_PROGRESS by api", "CATCH_UP/IN_PROGRESS by migration",
                "CLOSING/IN_PROGRESS by migration", "CUTOVER/CUTTING_OVER by migration",
                "BOOK_CLOSED/COMPLETED by migration");
        assertThat(audit).allSatisfy(r -> {
            assertThat(r.path("fencingToken").asLong()).isPositive();
            assertThat(Instant.parse(r.path("at").asString())).isNotNull();
        });
        assertThat(done.has("cutoverReady")).as("only while waiting for a cutover").isFalse();
        assertThat(done.has("backupId")).as("only for a migration that took a backup").isFalse();

        HttpResponse<String> after = http.get("/actuator/migrations");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(find(ActuatorHttp.json(after), handle.migrationId())).as("finished, so no longer active").isNull();
    }

    @Test
    void oneMigrationShowsTheBackupItTookBeforeItsCopy() {
        orderWithEvents("web-backup", 2);
        MigrationResult result = migrations.forDocument("Order", "web-backup").withTargetStore("archive")
                .withBackup(b -> b.includeObjectDocument()).execute();
        assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);

        HttpResponse<String> one = http.get("/actuator/migrations/" + result.migrationId());

        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(ActuatorHttp.json(one).path("backupId").asString()).isEqualTo(result.backupId()).isNotBlank();
    }

    @Test
    void anUnknownMigrationIsNotFound() {
        assertThat(http.get("/actuator/migrations/no-such-migration").statusCode()).isEqualTo(404);
    }

    @Test
    void writeOperationsAreRefusedByDefault() throws Exception {
        orderWithEvents("web-2", 3);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MigrationHandle handle = heldMigration("web-2", holding, release);
        try {
            await(holding);
            for (String action : new String[] {"cancel", "pause", "resume", "cutover"}) {
                HttpResponse<String> refused = http.post("/actuator/migrations/" + handle.migrationId() + "/" + action);
                assertThat(refused.statusCode()).as("POST %s: %s", action, refused.body()).isIn(404, 405);
            }
        } finally {
            release.countDown();
        }
        assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
    }

    @Test
    void healthShowsTheEsComponentUpWithItsStores() {
        HttpResponse<String> health = http.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode es = ActuatorHttp.json(health).path("components").path("es");
        assertThat(es.path("status").asString()).as(health.body()).isEqualTo("UP");
        JsonNode parts = es.path("components");
        assertThat(parts.path("stores").path("components").path("main").path("status").asString()).isEqualTo("UP");
        assertThat(parts.path("stores").path("components").path("archive").path("status").asString())
                .isEqualTo("UP");
        assertThat(parts.path("documents").path("status").asString()).isEqualTo("UP");
        assertThat(parts.path("locks").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void eachStoreHasItsOwnHealthPath() {
        for (String path : new String[] {"/actuator/health/es/stores/main", "/actuator/health/es/stores/archive",
                "/actuator/health/es/stores", "/actuator/health/es/documents", "/actuator/health/es/locks",
                "/actuator/health/es"}) {
            HttpResponse<String> health = http.get(path);
            assertThat(health.statusCode()).as("%s: %s", path, health.body()).isEqualTo(200);
            assertThat(ActuatorHttp.json(health).path("status").asString()).as(path).isEqualTo("UP");
        }
        assertThat(http.get("/actuator/health/es/stores/attic").statusCode()).isEqualTo(404);
    }

    @Test
    void theEndpointIsReadOnlyUnlessTheOperatorGrantsUnrestrictedAccess() {
        WebApplicationContextRunner runner = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                        WebEndpointAutoConfiguration.class, EsStoresAutoConfiguration.class,
                        EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                        EsMigrationAutoConfiguration.class, EsActuatorAutoConfiguration.class))
                // as SpringApplication does, so that 'read-only' and 'unrestricted' convert to Access
                .withInitializer(context -> context.getEnvironment()
                        .setConversionService(new ApplicationConversionService()))
                .withPropertyValues("management.endpoints.web.exposure.include=health,migrations");
        runner.run(context -> {
            assertThat(context).hasSingleBean(MigrationsEndpoint.class);
            assertThat(operationTypes(context)).as("default access: reads only").containsExactly(OperationType.READ);
        });
        runner.withPropertyValues("management.endpoint.migrations.access=read-only").run(context ->
                assertThat(operationTypes(context)).containsExactly(OperationType.READ));
        runner.withPropertyValues("management.endpoint.migrations.access=unrestricted").run(context -> {
            assertThat(context).hasSingleBean(MigrationsEndpoint.class);
            assertThat(operationTypes(context)).as("unrestricted: reads and writes")
                    .containsExactlyInAnyOrder(OperationType.READ, OperationType.WRITE);
        });
        runner.withPropertyValues("management.endpoint.migrations.access=unrestricted",
                "management.endpoints.access.max-permitted=read-only").run(context ->
                assertThat(operationTypes(context)).as("capped by max-permitted").containsExactly(OperationType.READ));
        runner.withPropertyValues("management.endpoint.migrations.access=none").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(MigrationsEndpoint.class);
        });
    }

    @Test
    void withoutActuatorOnTheClasspathThereIsNoEndpoint() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                        EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                        EsMigrationAutoConfiguration.class, EsActuatorAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=health,migrations");
        runner.run(context -> assertThat(context).hasSingleBean(MigrationsEndpoint.class));
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(EventStreamMigrationService.class);
                    assertThat(context).doesNotHaveBean(MigrationsEndpoint.class);
                });
    }

    /** The distinct kinds of operation that Spring Boot maps for the {@code migrations} web endpoint. */
    private static Set<OperationType> operationTypes(ApplicationContext context) {
        ExposableWebEndpoint endpoint = context.getBean(WebEndpointDiscoverer.class).getEndpoints().stream()
                .filter(e -> e.getEndpointId().equals(EndpointId.of("migrations"))).findFirst().orElseThrow();
        return endpoint.getOperations().stream().map(WebOperation::getType)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(OperationType.class)));
    }

    private void orderWithEvents(String id, int count) {
        EventStream stream = streams.open("Order", id);
        for (int i = 1; i <= count; i++) {
            stream.append(EventData.of("NoteAdded", "{\"note\":\"" + SECRET + " " + i + "\"}"));
        }
    }

    /** A migration of {@code Order/id} to the archive store, held before its first append until {@code release}. */
    private MigrationHandle heldMigration(String id, CountDownLatch holding, CountDownLatch release) {
        AtomicBoolean first = new AtomicBoolean(true);
        return migrations.forDocument("Order", id).withTargetStore("archive")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        holding.countDown();
                        await(release);
                    }
                }))
                .start();
    }

    static JsonNode find(JsonNode list, String migrationId) {
        assertThat(list.isArray()).as("a JSON array: %s", list).isTrue();
        for (JsonNode node : list) {
            if (migrationId.equals(node.path("id").asString())) {
                return node;
            }
        }
        return null;
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released within 30s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
