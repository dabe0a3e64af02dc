package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.autoconfigure.actuate.BackupSummary;
import dev.es.autoconfigure.actuate.BackupsEndpoint;
import dev.es.autoconfigure.actuate.EsHealthContributor;
import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupOptions;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.event.EventData;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code backups} actuator endpoint and the backup storage's part of the {@code es} health contributor. */
class BackupsEndpointTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                    EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                    EsBackupAutoConfiguration.class, EsActuatorAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=health,backups");

    @TempDir
    Path dir;

    @Test
    void listShowsEveryBackupOldestFirstAndFiltersByObject() {
        runner.withPropertyValues("es.backup.location=" + dir).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BackupsEndpoint.class);
            BackupsEndpoint endpoint = context.getBean(BackupsEndpoint.class);
            assertThat(endpoint.backups(null, null)).isEmpty();

            order(context, "1", 3);
            order(context, "2", 1);
            BackupRestoreService backups = context.getBean(BackupRestoreService.class);
            BackupDescriptor first = backups.backup("Order", "1");
            BackupDescriptor second = backups.backup("Order", "2", BackupOptions.defaults().withCompression(false));

            assertThat(endpoint.backups(null, null)).extracting(BackupSummary::id)
                    .containsExactly(first.backupId(), second.backupId());
            assertThat(endpoint.backups("Order", null)).hasSize(2);
            assertThat(endpoint.backups("Invoice", null)).isEmpty();
            assertThat(endpoint.backups("Order", "2")).extracting(BackupSummary::id)
                    .containsExactly(second.backupId());
            assertThat(endpoint.backups(null, "1")).extracting(BackupSummary::id).containsExactly(first.backupId());

            BackupSummary shown = endpoint.backups("Order", "1").get(0);
            assertThat(shown.provider()).isEqualTo("file");
            assertThat(shown.objectName()).isEqualTo("Order");
            assertThat(shown.objectId()).isEqualTo("1");
            assertThat(shown.createdAt()).isEqualTo(backups.get(first.backupId()).orElseThrow().createdAt());
            assertThat(shown.eventCount()).isEqualTo(3);
            assertThat(shown.byteSize()).isEqualTo(first.byteSize()).isPositive();
            assertThat(shown.compressed()).isTrue();
            assertThat(shown.sha256()).isEqualTo(first.sha256());
            assertThat(shown.streams()).singleElement().satisfies(stream -> {
                assertThat(stream.streamId()).isEqualTo("order-1");
                assertThat(stream.store()).isEqualTo("main");
                assertThat(stream.active()).isTrue();
                assertThat(stream.firstVersion()).isEqualTo(1);
                assertThat(stream.lastVersion()).isEqualTo(3);
                assertThat(stream.eventCount()).isEqualTo(3);
            });
        });
    }

    @Test
    void oneBackupByIdAndNullWhenThereIsNone() {
        runner.withPropertyValues("es.backup.location=" + dir).run(context -> {
            order(context, "7", 2);
            BackupDescriptor backup = context.getBean(BackupRestoreService.class).backup("Order", "7");
            BackupsEndpoint endpoint = context.getBean(BackupsEndpoint.class);

            BackupSummary shown = endpoint.backup(backup.backupId());
            assertThat(shown).isNotNull();
            assertThat(shown.id()).isEqualTo(backup.backupId());
            assertThat(shown.objectId()).isEqualTo("7");
            assertThat(shown.eventCount()).isEqualTo(2);

            assertThat(endpoint.backup("no-such-backup")).as("404").isNull();
            assertThatThrownBy(() -> endpoint.backup("not/an id")).as("400")
                    .isInstanceOf(InvalidEndpointRequestException.class);
        });
    }

    @Test
    void anUnfinishedBackupIsNotShown() throws Exception {
        Path unfinished = Files.createDirectories(dir.resolve("20240101T000000Z-unfinished"));
        Files.writeString(unfinished.resolve("stream-0.jsonl"), "{}");
        runner.withPropertyValues("es.backup.location=" + dir).run(context -> {
            BackupsEndpoint endpoint = context.getBean(BackupsEndpoint.class);
            assertThat(endpoint.backups(null, null)).isEmpty();
            assertThat(endpoint.backup("20240101T000000Z-unfinished")).isNull();
        });
    }

    @Test
    void theEndpointIsOffWithoutActuatorOrWhenTheOperatorTurnsItOff() {
        // as SpringApplication does, so that 'none' converts to Access
        runner.withInitializer(context -> context.getEnvironment()
                        .setConversionService(new ApplicationConversionService()))
                .withPropertyValues("management.endpoint.backups.access=none").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BackupRestoreService.class);
            assertThat(context).doesNotHaveBean(BackupsEndpoint.class);
        });
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BackupRestoreService.class);
            assertThat(context).doesNotHaveBean(BackupsEndpoint.class);
        });
    }

    @Test
    void healthIsUpWhenTheBackupDirectoryCanBeWritten() {
        runner.withPropertyValues("es.backup.location=" + dir.resolve("not-yet-made")).run(context -> {
            CompositeHealthContributor backups = backups(context);
            assertThat(backups.stream().map(HealthContributors.Entry::name)).containsExactly("file");
            assertThat(health(backups).getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void healthIsDownWhenTheBackupDirectoryCannotBeMade() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        runner.withPropertyValues("es.backup.location=" + file.resolve("backups")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(health(backups(context)).getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void aUserBackupServiceWithoutStoragesHasNoHealthPart() {
        runner.withBean(BackupRestoreService.class, () -> org.mockito.Mockito.mock(BackupRestoreService.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EsHealthContributor es = context.getBean("esHealthContributor", EsHealthContributor.class);
                    assertThat(es.stream().map(HealthContributors.Entry::name))
                            .containsExactly("stores", "documents", "locks");
                });
    }

    private static CompositeHealthContributor backups(AssertableApplicationContext context) {
        EsHealthContributor es = context.getBean("esHealthContributor", EsHealthContributor.class);
        assertThat(es.stream().map(HealthContributors.Entry::name))
                .containsExactly("stores", "documents", "locks", "backups");
        return (CompositeHealthContributor) es.getContributor("backups");
    }

    private static Health health(CompositeHealthContributor backups) {
        return ((HealthIndicator) backups.getContributor("file")).health();
    }

    private static void order(AssertableApplicationContext context, String id, int events) {
        EventStream stream = context.getBean(EventStreams.class).open("Order", id);
        for (int i = 1; i <= events; i++) {
            stream.append(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
        }
    }
}
