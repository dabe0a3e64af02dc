package dev.es.autoconfigure;

import dev.es.autoconfigure.metrics.EsMetrics;
import dev.es.autoconfigure.metrics.EsObservations;
import io.micrometer.observation.ObservationRegistry;
import dev.es.engine.migration.MigrationRoutingTable;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds es to the application's Micrometer {@link MeterRegistry}, and to its {@link ObservationRegistry} when there
 * is one.
 */
@AutoConfiguration(after = EsStoresAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnEsEnabled
@ConditionalOnClass(MeterRegistry.class)
public final class EsMetricsAutoConfiguration {

    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean
    EsMetrics esMetrics(MeterRegistry registry, MigrationRoutingTable routing) {
        return new EsMetrics(registry, routing);
    }

    @Bean
    @ConditionalOnClass(ObservationRegistry.class)
    @ConditionalOnBean(ObservationRegistry.class)
    @ConditionalOnMissingBean
    EsObservations esObservations(ObservationRegistry registry) {
        return new EsObservations(registry);
    }
}
