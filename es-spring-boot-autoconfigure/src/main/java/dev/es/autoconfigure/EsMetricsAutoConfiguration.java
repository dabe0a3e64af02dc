package dev.es.autoconfigure;

import dev.es.autoconfigure.metrics.EsMetrics;
import dev.es.engine.migration.MigrationRoutingTable;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Binds es to the application's Micrometer {@link MeterRegistry}. */
@AutoConfiguration(after = EsStoresAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnBooleanProperty(name = "es.enabled", matchIfMissing = true)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class EsMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EsMetrics esMetrics(MeterRegistry registry, MigrationRoutingTable routing) {
        return new EsMetrics(registry, routing);
    }
}
