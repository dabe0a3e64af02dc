package dev.es.autoconfigure;

import dev.es.autoconfigure.actuate.BackupsEndpoint;
import dev.es.autoconfigure.actuate.EsHealthContributor;
import dev.es.autoconfigure.actuate.MigrationsEndpoint;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.store.EventStoreRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * The {@code migrations} and {@code backups} actuator endpoints and the {@code es} health contributor, when actuator
 * is present, with the runtime hints of what the endpoints answer ({@link EsEndpointRuntimeHints}).
 */
@AutoConfiguration(after = {EsMigrationAutoConfiguration.class, EsBackupAutoConfiguration.class})
@ConditionalOnEsEnabled
@ConditionalOnClass(Endpoint.class)
@ImportRuntimeHints(EsEndpointRuntimeHints.class)
public final class EsActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(endpoint = MigrationsEndpoint.class)
    @ConditionalOnBean(EventStreamMigrationService.class)
    static class EndpointConfiguration {

        /**
         * Read-only unless the operator grants writes with {@code management.endpoint.migrations.access=unrestricted}.
         */
        @Bean
        @ConditionalOnMissingBean
        MigrationsEndpoint migrationsEndpoint(EventStreamMigrationService migrations) {
            return new MigrationsEndpoint(migrations);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(endpoint = BackupsEndpoint.class)
    @ConditionalOnBean(BackupRestoreService.class)
    static class BackupsEndpointConfiguration {

        /** Read operations only: listing and showing backups. */
        @Bean
        @ConditionalOnMissingBean
        BackupsEndpoint backupsEndpoint(BackupRestoreService backups) {
            return new BackupsEndpoint(backups);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(CompositeHealthContributor.class)
    @ConditionalOnEnabledHealthIndicator("es")
    @ConditionalOnBean(EventStoreRegistry.class)
    static class HealthConfiguration {

        /**
         * Named {@code es} in the health tree: {@code /actuator/health/es/stores/<store>}, {@code .../documents},
         * {@code .../locks} and, with a backup service, {@code .../backups/<provider>}.
         */
        @Bean
        @ConditionalOnMissingBean(name = "esHealthContributor")
        EsHealthContributor esHealthContributor(EventStoreRegistry stores, DocumentStore documents,
                                                DistributedLockProvider locks,
                                                ObjectProvider<BackupRestoreService> backups) {
            BackupRestoreService service = backups.getIfUnique();
            return new EsHealthContributor(stores, documents, locks, service == null ? List.of() : service.storages());
        }
    }
}
