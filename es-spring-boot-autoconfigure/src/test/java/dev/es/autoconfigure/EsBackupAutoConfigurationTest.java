package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupFilter;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.backup.BackupSelection;
import dev.es.engine.backup.BackupStorage;
import dev.es.engine.backup.BulkBackupOptions;
import dev.es.engine.backup.BulkBackupResult;
import dev.es.engine.backup.DefaultBackupRestoreService;
import dev.es.engine.backup.RetentionResult;
import dev.es.engine.backup.file.FileBackupStorage;
import dev.es.engine.event.EventData;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configured {@link BackupRestoreService} and the {@code es.backup.*} properties. */
class EsBackupAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                    EsStreamsAutoConfiguration.class, EsBackupAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void runWithoutPropertiesShouldKeepBackupsInTheDefaultDirectory() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BackupRestoreService.class);
            assertThat(context.getBean(BackupRestoreService.class)).isInstanceOf(DefaultBackupRestoreService.class);
            List<BackupStorage> storages = context.getBean(BackupRestoreService.class).storages();
            assertThat(storages).singleElement().isInstanceOf(FileBackupStorage.class);
            FileBackupStorage file = (FileBackupStorage) storages.get(0);
            assertThat(file.name()).isEqualTo("file");
            assertThat(file.root()).isEqualTo(Path.of("es-backups").toAbsolutePath().normalize());

            EsProperties.Backup backup = context.getBean(EsProperties.class).getBackup();
            assertThat(backup.getProvider()).isEqualTo(EsProperties.BackupProvider.FILE);
            assertThat(backup.getLocation()).isEqualTo("./es-backups");
            assertThat(backup.getContainer()).isNull();
            assertThat(backup.isAutoProvision()).isTrue();
            assertThat(backup.getRetention().getMaxAge()).isNull();
            assertThat(backup.getRetention().getMaxCount()).isNull();
        });
    }

    @Test
    void runWithLocationShouldWriteBackupsThere() {
        runner.withPropertyValues("es.backup.location=" + dir, "es.backup.provider=FILE").run(context -> {
            assertThat(context).hasNotFailed();
            order(context, "1", 3);
            BackupRestoreService backups = context.getBean(BackupRestoreService.class);
            BackupDescriptor backup = backups.backup("Order", "1");
            assertThat(backup.provider()).isEqualTo("file");
            assertThat(backup.eventCount()).isEqualTo(3);
            assertThat(Files.isDirectory(dir.resolve(backup.backupId()))).isTrue();
            assertThat(backups.list(BackupFilter.all())).extracting(BackupDescriptor::backupId)
                    .containsExactly(backup.backupId());
        });
    }

    @Test
    void retentionMaxCountKeepsTheNewestBackupsOfEachObject() {
        runner.withPropertyValues("es.backup.location=" + dir, "es.backup.retention.max-count=1").run(context -> {
            assertThat(context).hasNotFailed();
            order(context, "1", 1);
            order(context, "2", 1);
            BackupRestoreService backups = context.getBean(BackupRestoreService.class);
            BackupDescriptor older = backups.backup("Order", "1");
            BackupDescriptor newer = backups.backup("Order", "1");
            BackupDescriptor other = backups.backup("Order", "2");

            RetentionResult result = backups.applyRetention();

            assertThat(result.deleted()).containsExactly(older.backupId());
            assertThat(backups.list(BackupFilter.all())).extracting(BackupDescriptor::backupId)
                    .containsExactlyInAnyOrder(newer.backupId(), other.backupId());
        });
    }

    @Test
    void retentionMaxAgeDeletesOlderBackups() {
        runner.withPropertyValues("es.backup.location=" + dir, "es.backup.retention.max-age=1ms").run(context -> {
            assertThat(context).hasNotFailed();
            order(context, "1", 1);
            BackupRestoreService backups = context.getBean(BackupRestoreService.class);
            BackupDescriptor backup = backups.backup("Order", "1");
            Thread.sleep(20);
            assertThat(backups.applyRetention().deleted()).containsExactly(backup.backupId());
            assertThat(backups.list(BackupFilter.all())).isEmpty();
        });
    }

    @Test
    void blobProviderWithoutContainerFailsNamingTheProperty() {
        runner.withPropertyValues("es.backup.provider=blob").run(context -> {
            FailureAnalysis analysis = assertFailure(context, "es.backup.container");
            assertThat(analysis.getDescription()).contains("es.backup.provider is blob");
            assertThat(analysis.getAction()).contains("es.backup.container=");
        });
    }

    @Test
    void blobProviderWithoutABlobServiceClientFailsSayingHowToGetOne() {
        runner.withConfiguration(AutoConfigurations.of(EsBlobAutoConfiguration.class))
                .withPropertyValues("es.backup.provider=blob", "es.backup.container=es-backups")
                .run(context -> {
                    FailureAnalysis analysis = assertFailure(context, "es.backup.provider");
                    assertThat(analysis.getAction()).contains("needs a BlobServiceClient")
                            .contains("spring.cloud.azure.storage.blob.connection-string");
                });
        runner.withPropertyValues("es.backup.provider=blob", "es.backup.container=es-backups").run(context ->
                assertThat(assertFailure(context, "es.backup.provider").getAction()).contains("Use one of [file]"));
    }

    @Test
    void retentionLimitsBelowOneFailNamingTheProperty() {
        for (String count : new String[] {"0", "-3"}) {
            runner.withPropertyValues("es.backup.retention.max-count=" + count).run(context -> {
                FailureAnalysis analysis = assertFailure(context, "es.backup.retention.max-count");
                assertThat(analysis.getDescription()).contains(count).contains("1 or more");
            });
        }
        for (String age : new String[] {"0s", "-1d"}) {
            runner.withPropertyValues("es.backup.retention.max-age=" + age).run(context ->
                    assertThat(assertFailure(context, "es.backup.retention.max-age").getDescription())
                            .contains("positive"));
        }
    }

    @Test
    void unknownProviderFailsListingTheAllowedValues() {
        runner.withPropertyValues("es.backup.provider=s3").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("es.backup.provider").contains("s3");
            assertThat(analysis.getAction()).contains("file", "blob");
        });
    }

    @Test
    void emptyLocationFailsNamingTheProperty() {
        runner.withPropertyValues("es.backup.location= ").run(context ->
                assertFailure(context, "es.backup.location"));
    }

    @Test
    void userBeanBacksTheAutoConfiguredServiceOff() {
        BackupRestoreService own = mock(BackupRestoreService.class);
        // the properties are the auto-configured service's: a bean of the application's own is not checked against them
        runner.withBean(BackupRestoreService.class, () -> own).withPropertyValues("es.backup.provider=blob")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BackupRestoreService.class);
                    assertThat(context.getBean(BackupRestoreService.class)).isSameAs(own);
                    assertThat(context).doesNotHaveBean(DefaultBackupRestoreService.class);
                });
    }

    @Test
    void esEnabledFalseLeavesTheServiceOut() {
        runner.withPropertyValues("es.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(BackupRestoreService.class));
    }

    /** An application's own executor for bulk backups. */
    @Configuration(proxyBeanMethods = false)
    static class UserBackupExecutor {

        static final AtomicInteger THREADS = new AtomicInteger();

        @Bean(destroyMethod = "shutdownNow")
        @EsBackupExecutor
        ExecutorService userBackupExecutor() {
            return Executors.newFixedThreadPool(2, r -> new Thread(r, "user-backups-" + THREADS.incrementAndGet()));
        }
    }

    @Test
    void bulkBackupsRunOnTheQualifiedExecutor() {
        runner.withPropertyValues("es.backup.location=" + dir).withUserConfiguration(UserBackupExecutor.class)
                .run(context -> assertBulkBackupRunsOn(context, "user-backups-"));
    }

    @Test
    void bulkBackupsRunOnThreadsOfTheirOwnWithoutAnExecutor() {
        runner.withPropertyValues("es.backup.location=" + dir).run(context ->
                assertBulkBackupRunsOn(context, "es-backup-"));
    }

    private static void assertBulkBackupRunsOn(AssertableApplicationContext context, String threadPrefix) {
        assertThat(context).hasNotFailed();
        for (int i = 1; i <= 5; i++) {
            order(context, "b-" + i, 2);
        }
        List<String> threads = new CopyOnWriteArrayList<>();
        BulkBackupResult result = context.getBean(BackupRestoreService.class).backupAll(
                BackupSelection.objectName("Order"), BulkBackupOptions.defaults().maxConcurrency(2)
                        .onProgress(p -> threads.add(Thread.currentThread().getName())));
        assertThat(result.isSuccess()).isTrue();
        assertThat(result.done()).isEqualTo(5);
        assertThat(result.events()).isEqualTo(10);
        assertThat(threads).hasSize(5).allSatisfy(name -> assertThat(name).startsWith(threadPrefix));
    }

    @Test
    void aMigrationWithBackupUsesTheAutoConfiguredService() {
        runner.withConfiguration(AutoConfigurations.of(EsLocksAutoConfiguration.class,
                        EsMigrationAutoConfiguration.class))
                .withPropertyValues("es.backup.location=" + dir, "es.stores.main.type=memory",
                        "es.stores.other.type=memory")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    order(context, "7", 4);
                    MigrationResult result = context.getBean(EventStreamMigrationService.class)
                            .forDocument("Order", "7").withTargetStore("other")
                            .withBackup(b -> b.includeObjectDocument()).execute();
                    assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
                    assertThat(result.backupId()).isNotNull();
                    BackupDescriptor backup = context.getBean(BackupRestoreService.class).get(result.backupId())
                            .orElseThrow();
                    assertThat(backup.eventCount()).isEqualTo(4);
                    assertThat(backup.document()).isNotNull();
                });
    }

    private static void order(AssertableApplicationContext context, String id, int events) {
        EventStream stream = context.getBean(EventStreams.class).open("Order", id);
        for (int i = 1; i <= events; i++) {
            stream.append(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
        }
    }

    private static FailureAnalysis assertFailure(AssertableApplicationContext context, String property) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        assertThat(FailureReports.property(failure)).as("the property named by %s", failure).isEqualTo(property);
        FailureAnalysis analysis = FailureReports.analyze(failure);
        assertThat(analysis.getDescription()).contains(property);
        return analysis;
    }
}
