package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.event.EventData;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/** The {@code backups} actuator endpoint and the backup storage's health over real HTTP, with default access. */
@SpringBootTest(classes = MigrationsEndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
                "es.stores.main.type=memory",
                "management.endpoints.web.exposure.include=health,backups",
                "management.endpoint.health.show-details=always"})
class BackupsEndpointWebTest {

    private static final String SECRET = "secret-payload-5b1e";

    private static Path dir;

    @DynamicPropertySource
    static void backupLocation(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("es-backups-web");
        registry.add("es.backup.location", dir::toString);
    }

    @AfterAll
    static void removeBackups() throws IOException {
        FileSystemUtils.deleteRecursively(dir);
    }

    @LocalServerPort
    private int port;

    @Autowired
    private EventStreams streams;

    @Autowired
    private BackupRestoreService backups;

    private ActuatorHttp http;

    @BeforeEach
    void setUp() {
        http = new ActuatorHttp(port);
    }

    @Test
    void listAndOneShowABackupTakenThroughTheService() {
        EventStream stream = streams.open("Order", "web-b1");
        for (int i = 1; i <= 4; i++) {
            stream.append(EventData.of("NoteAdded", "{\"note\":\"" + SECRET + " " + i + "\"}"));
        }
        BackupDescriptor backup = backups.backup("Order", "web-b1");

        HttpResponse<String> list = http.get("/actuator/backups");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(SECRET);
        JsonNode shown = find(ActuatorHttp.json(list), backup.backupId());
        assertThat(shown).as("backup %s in %s", backup.backupId(), list.body()).isNotNull();
        assertThat(shown.get("provider").asString()).isEqualTo("file");
        assertThat(shown.get("objectName").asString()).isEqualTo("Order");
        assertThat(shown.get("objectId").asString()).isEqualTo("web-b1");
        assertThat(Instant.parse(shown.get("createdAt").asString()))
                .isEqualTo(backups.get(backup.backupId()).orElseThrow().createdAt());
        assertThat(shown.get("eventCount").asLong()).isEqualTo(4);
        assertThat(shown.get("byteSize").asLong()).isEqualTo(backup.byteSize()).isPositive();
        assertThat(shown.get("compressed").asBoolean()).isTrue();
        assertThat(shown.get("sha256").asString()).isEqualTo(backup.sha256());
        JsonNode streamShown = shown.get("streams").get(0);
        assertThat(shown.get("streams").size()).isEqualTo(1);
        assertThat(streamShown.get("streamId").asString()).isEqualTo("order-web-b1");
        assertThat(streamShown.get("store").asString()).isEqualTo("main");
        assertThat(streamShown.get("active").asBoolean()).isTrue();
        assertThat(streamShown.get("lastVersion").asLong()).isEqualTo(4);
        assertThat(streamShown.get("eventCount").asLong()).isEqualTo(4);

        HttpResponse<String> filtered = http.get("/actuator/backups?objectName=Order&objectId=web-b1");
        assertThat(filtered.statusCode()).isEqualTo(200);
        assertThat(ActuatorHttp.json(filtered).size()).isEqualTo(1);
        assertThat(ActuatorHttp.json(http.get("/actuator/backups?objectName=Invoice")).size()).isZero();

        HttpResponse<String> one = http.get("/actuator/backups/" + backup.backupId());
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        JsonNode single = ActuatorHttp.json(one);
        assertThat(single.get("id").asString()).isEqualTo(backup.backupId());
        assertThat(single.get("eventCount").asLong()).isEqualTo(4);
    }

    @Test
    void anUnknownBackupIsNotFoundAndAMalformedIdIsABadRequest() {
        assertThat(http.get("/actuator/backups/no-such-backup").statusCode()).isEqualTo(404);
        assertThat(http.get("/actuator/backups/-bad").statusCode()).isEqualTo(400);
    }

    @Test
    void theEndpointHasNoWriteOperation() {
        HttpResponse<String> post = http.post("/actuator/backups");
        assertThat(post.statusCode()).as(post.body()).isIn(404, 405);
    }

    @Test
    void healthShowsTheBackupStorageUpOnItsOwnPath() {
        HttpResponse<String> health = http.get("/actuator/health");
        JsonNode es = ActuatorHttp.json(health).path("components").path("es");
        assertThat(es.path("components").path("backups").path("components").path("file").path("status").asString())
                .as(health.body()).isEqualTo("UP");
        HttpResponse<String> file = http.get("/actuator/health/es/backups/file");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(ActuatorHttp.json(file).path("status").asString()).isEqualTo("UP");
    }

    private static JsonNode find(JsonNode list, String backupId) {
        assertThat(list.isArray()).as("a JSON array: %s", list).isTrue();
        for (JsonNode node : list) {
            if (backupId.equals(node.path("id").asString())) {
                return node;
            }
        }
        return null;
    }
}
