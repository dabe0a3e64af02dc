package dev.es.autoconfigure;

import dev.es.autoconfigure.store.JdbcStoreBackend;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.util.ClassUtils;

/**
 * Stores and locks of type {@code jdbc} in the application's PostgreSQL {@link DataSource}: appends join a Spring
 * transaction running on it, and the tables are created according to {@code es.jdbc.initialize-schema}.
 */
@AutoConfiguration(before = EsStoresAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBooleanProperty(name = "es.enabled", matchIfMissing = true)
@ConditionalOnClass({DataSource.class, DataSourceUtils.class})
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(EsProperties.class)
public final class EsJdbcAutoConfiguration {

    private static final String EMBEDDED_DATABASE_CONNECTION = "org.springframework.boot.jdbc.EmbeddedDatabaseConnection";

    @Bean
    @ConditionalOnMissingBean
    JdbcStoreBackend esJdbcStoreBackend(DataSource dataSource, EsProperties properties) {
        return new JdbcStoreBackend(dataSource, properties, embeddedCheck());
    }

    /** Boot's own check when spring-boot-jdbc is there; without it no database counts as embedded. */
    private static Predicate<DataSource> embeddedCheck() {
        if (ClassUtils.isPresent(EMBEDDED_DATABASE_CONNECTION, EsJdbcAutoConfiguration.class.getClassLoader())) {
            return BootEmbeddedCheck::isEmbedded;
        }
        return dataSource -> false;
    }

    /** Kept apart so that {@code EmbeddedDatabaseConnection} is only loaded when it is on the classpath. */
    private static final class BootEmbeddedCheck {

        static boolean isEmbedded(DataSource dataSource) {
            return org.springframework.boot.jdbc.EmbeddedDatabaseConnection.isEmbedded(dataSource);
        }
    }
}
