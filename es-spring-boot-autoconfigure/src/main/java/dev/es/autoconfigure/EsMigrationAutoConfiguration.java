package dev.es.autoconfigure;

import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.resilience.StoreResilience;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The injectable {@link EventStreamMigrationService}, and pausing of running migrations at shutdown. Migrations run
 * on the {@link EsMigrationExecutor @EsMigrationExecutor} {@link Executor} when there is one, else on daemon threads
 * of the service's own; at most {@code es.migration.max-concurrent} at once.
 */
@AutoConfiguration(after = {EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
        EsBackupAutoConfiguration.class})
@ConditionalOnEsEnabled
public final class EsMigrationAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(EventStreamMigrationService.class)
    DefaultEventStreamMigrationService eventStreamMigrationService(EventStreams streams,
                                                                   DistributedLockProvider locks,
                                                                   MigrationRoutingTable routing,
                                                                   EsProperties properties,
                                                                   ObjectProvider<MigrationListener> listeners,
                                                                   @EsMigrationExecutor
                                                                   ObjectProvider<Executor> executor,
                                                                   ObjectProvider<BackupRestoreService> backups) {
        MigrationDefaults defaults = EsSettings.migration(properties);
        MigrationListener listener = Listeners.migrations(listeners.orderedStream().toList());
        int maxConcurrent = EsSettings.maxConcurrentMigrations(properties);
        Executor given = executor.getIfUnique();
        DefaultEventStreamMigrationService service = given == null
                ? new DefaultEventStreamMigrationService(streams, locks, routing, defaults, listener,
                Clock.systemUTC(), maxConcurrent)
                : new DefaultEventStreamMigrationService(streams, locks, routing, defaults, listener,
                Clock.systemUTC(), given, maxConcurrent);
        // the service withBackup(...) uses: es's own or the application's
        backups.ifAvailable(service::useBackups);
        service.useResilience(StoreResilience.of(EsSettings.resilience(properties)));
        return service;
    }

    @Bean
    @ConditionalOnBean(DefaultEventStreamMigrationService.class)
    @ConditionalOnMissingBean
    MigrationShutdown esMigrationShutdown(DefaultEventStreamMigrationService service, EsProperties properties) {
        return new MigrationShutdown(service, EsSettings.nonNegative("es.migration.shutdown-timeout",
                properties.getMigration().getShutdownTimeout()));
    }
}
