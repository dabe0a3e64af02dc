package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.autoconfigure.metrics.EsMetrics;
import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupListener;
import dev.es.engine.backup.BackupNotFoundException;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.backup.RestoreOptions;
import dev.es.engine.backup.RestoreResult;
import dev.es.engine.event.EventData;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code es.*} Micrometer meters, bound to the application's {@link MeterRegistry}. */
class EsMetricsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                    EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                    EsMigrationAutoConfiguration.class, EsMetricsAutoConfiguration.class))
            .withPropertyValues("es.stores.main.type=memory", "es.stores.archive.type=memory",
                    "es.streams.chunk-size=10");

    @Test
    void runWithMeterRegistryShouldCountAppendsRetriesMigrationsAndLocks() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(EsMetrics.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            EventStreams streams = context.getBean(EventStreams.class);
            EventStreamMigrationService migrations = context.getBean(EventStreamMigrationService.class);

            EventStream order = streams.open("Order", "m-1");
            for (int i = 1; i <= 25; i++) {
                order.append(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
            }
            EventStream stale = streams.open("Order", "m-1");
            assertThat(meters.get("es.migrations.active").gauge().value()).isZero();

            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            MigrationHandle running = migrations.forDocument("Order", "m-1").withTargetStore("archive")
                    .withLiveMigration(o -> o.onBeforeAppend(e -> {
                        if (first.getAndSet(false)) {
                            holding.countDown();
                            await(release);
                        }
                    }))
                    .start();
            MigrationResult refused;
            try {
                await(holding);
                assertThat(meters.get("es.migrations.active").gauge().value()).isEqualTo(1.0);
                refused = migrations.forDocument("Order", "m-1").withTargetStream("elsewhere").execute();
            } finally {
                release.countDown();
            }
            assertThat(refused.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(running.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(meters.get("es.migrations.active").gauge().value()).isZero();

            // a writer still on the old stream follows the close to its continuation
            stale.append(EventData.of("NoteAdded", "{\"n\":26}"));
            assertThat(stale.activeStream().store()).isEqualTo("archive");

            assertThat(meters.get("es.events.appended").tag("store", "main").counter().count()).isEqualTo(25.0);
            assertThat(meters.get("es.events.appended").tag("store", "archive").counter().count()).isEqualTo(1.0);
            Timer appends = meters.get("es.appends").tag("store", "main").timer();
            assertThat(appends.count()).isEqualTo(25);
            assertThat(appends.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(meters.get("es.appends").tag("store", "archive").timer().count()).isEqualTo(1);
            assertThat(meters.find("es.append.latency").meters()).as("no separate latency timer").isEmpty();
            assertThat(meters.get("es.streams.closure.retries").tag("object", "Order").counter().count())
                    .isEqualTo(1.0);
            assertThat(meters.get("es.migration.events.copied").tag("object", "Order").counter().count())
                    .isEqualTo(25.0);
            assertThat(meters.get("es.migration.catchup.iterations").tag("object", "Order").counter().count())
                    .isGreaterThanOrEqualTo(1.0);
            Timer cutover = meters.get("es.migration.cutover").tag("object", "Order").timer();
            assertThat(cutover.count()).isEqualTo(1);
            assertThat(meters.get("es.lock.acquire.wait").timer().count()).isEqualTo(1);
            assertThat(meters.get("es.lock.acquire.failures").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("es.migrations.finished").tag("status", "COMPLETED").counter().count())
                    .isEqualTo(1.0);
            assertThat(meters.get("es.migrations.finished").tag("status", "FAILED").counter().count())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void aBatchIsOneTimedAppendOfManyEvents() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            context.getBean(EventStreams.class).open("Order", "m-3").append(ExpectedVersion.any(), List.of(
                    EventData.of("NoteAdded", "{}"), EventData.of("NoteAdded", "{}"), EventData.of("NoteAdded", "{}")));
            assertThat(meters.get("es.appends").tag("store", "main").timer().count()).isEqualTo(1);
            assertThat(meters.get("es.events.appended").tag("store", "main").counter().count()).isEqualTo(3.0);
        });
    }

    @Test
    void backupsAndRestoresThroughTheServiceAreCounted(@TempDir Path dir) {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupListener own = new BackupListener() {
            @Override
            public void backedUp(BackupDescriptor backup, Duration duration) {
                heard.add("backedUp " + backup.objectId());
            }
        };
        runner.withConfiguration(AutoConfigurations.of(EsBackupAutoConfiguration.class))
                .withPropertyValues("es.backup.location=" + dir)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(BackupListener.class, () -> own)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    BackupRestoreService backups = context.getBean(BackupRestoreService.class);
                    EventStream order = context.getBean(EventStreams.class).open("Order", "bk-1");
                    for (int i = 1; i <= 12; i++) {
                        order.append(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
                    }

                    BackupDescriptor backup = backups.backup("Order", "bk-1");

                    assertThat(meters.get("es.backup.events").tag("operation", "backup").counter().count())
                            .isEqualTo(12.0);
                    assertThat(meters.get("es.backup.bytes").counter().count()).isEqualTo(backup.byteSize())
                            .isPositive();
                    Timer backedUp = meters.get("es.backup.duration").tag("operation", "backup").timer();
                    assertThat(backedUp.count()).isEqualTo(1);
                    assertThat(backedUp.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                    assertThat(heard).as("the application's listener too").containsExactly("backedUp bk-1");

                    RestoreResult restored = backups.restore(backup.backupId(),
                            RestoreOptions.inPlace().toStream("order-bk-1-restored"));
                    assertThat(restored.eventCount()).isEqualTo(12);
                    assertThat(meters.get("es.backup.events").tag("operation", "restore").counter().count())
                            .isEqualTo(12.0);
                    assertThat(meters.get("es.backup.duration").tag("operation", "restore").timer().count())
                            .isEqualTo(1);
                    assertThat(meters.find("es.backup.failures").counters()).as("no failure yet").isEmpty();

                    assertThatThrownBy(() -> backups.restore("no-such-backup", RestoreOptions.inPlace()))
                            .isInstanceOf(BackupNotFoundException.class);
                    assertThat(meters.get("es.backup.failures").tag("operation", "restore").counter().count())
                            .isEqualTo(1.0);
                    assertThat(meters.get("es.backup.events").tag("operation", "backup").counter().count())
                            .as("unchanged").isEqualTo(12.0);
                });
    }

    @Test
    void runWithoutMeterRegistryShouldNotBindMetrics() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(EsMetrics.class);
            EventStreams streams = context.getBean(EventStreams.class);
            streams.open("Order", "m-2").append(EventData.of("NoteAdded", "{}"));
            assertThat(streams.open("Order", "m-2").version()).isEqualTo(1);
        });
    }

    private static void await(CountDownLatch latch) {
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
