package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.LockProvider;
import dev.es.autoconfigure.EsProperties.StoreType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.util.ClassUtils;

/**
 * Stores and locks of type {@code jdbc} in the application's PostgreSQL {@link DataSource}, or in the one qualified
 * {@link EsDataSource @EsDataSource} when the application defines it: appends join a Spring
 * transaction running on it, and the tables are created according to {@code es.jdbc.initialize-schema} by an
 * {@link EsJdbcSchemaInitializer}, which Spring Boot's database-initialization ordering runs before the jdbc backend
 * checks them.
 */
@AutoConfiguration(before = EsStoresAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnEsEnabled
@EnableConfigurationProperties(EsProperties.class)
public final class EsJdbcAutoConfiguration {

    private static final String EMBEDDED_DATABASE_CONNECTION = "org.springframework.boot.jdbc.EmbeddedDatabaseConnection";

    /** What a jdbc store needs, for the start-up error, when the application has no {@code DataSource} (or no spring-jdbc). */
    @Bean
    @Conditional(NoDataSource.class)
    MissingBackend esJdbcBackendMissing() {
        return new MissingBackend(StoreType.JDBC, LockProvider.JDBC, JdbcStoreBackend.NEEDS);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({DataSource.class, DataSourceUtils.class})
    @ConditionalOnBean(DataSource.class)
    @Import(DatabaseInitializationDependencyConfigurer.class)
    @ImportRuntimeHints(EsJdbcSchemaScript.class)
    static class JdbcBackendConfiguration {

        /** Made after every database initializer (es's, Flyway, Liquibase, {@code spring.sql.init}): it checks the tables. */
        @Bean
        @ConditionalOnMissingBean
        @DependsOnDatabaseInitialization
        JdbcStoreBackend esJdbcStoreBackend(@EsDataSource ObjectProvider<DataSource> esDataSource,
                                            ObjectProvider<DataSource> dataSource, EsProperties properties) {
            DataSource own = esDataSource.getIfAvailable();
            return new JdbcStoreBackend(own != null ? own : dataSource.getObject(),
                    own != null ? JdbcStoreBackend.ES_DATA_SOURCE : JdbcStoreBackend.APPLICATION_DATA_SOURCE, properties.getJdbc().getInitializeSchema(),
                    embeddedCheck());
        }
    }

    /** The opposite of {@link JdbcBackendConfiguration}'s conditions: no spring-jdbc, or no {@code DataSource}. */
    static final class NoDataSource extends AnyNestedCondition {

        NoDataSource() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnMissingClass("org.springframework.jdbc.datasource.DataSourceUtils")
        static final class NoSpringJdbc {
        }

        @ConditionalOnMissingBean(DataSource.class)
        static final class NoDataSourceBean {
        }
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

    /** The schema initializer, with spring-boot-jdbc (which {@code spring-boot-starter-jdbc} brings). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({DataSourceScriptDatabaseInitializer.class, DataSourceUtils.class})
    @ConditionalOnBean(DataSource.class)
    static class SchemaInitializerConfiguration {

        @Bean
        @ConditionalOnMissingBean(EsJdbcSchemaInitializer.class)
        EsJdbcSchemaInitializer esJdbcSchemaInitializer(@EsDataSource ObjectProvider<DataSource> esDataSource,
                                                        ObjectProvider<DataSource> dataSource,
                                                        EsProperties properties) {
            DataSource own = esDataSource.getIfAvailable();
            return new EsJdbcSchemaInitializer(own != null ? own : dataSource.getObject(),
                    own != null ? JdbcStoreBackend.ES_DATA_SOURCE : JdbcStoreBackend.APPLICATION_DATA_SOURCE,
                    properties.getJdbc().getInitializeSchema(),
                    tablePrefixes(EsSettings.stores(properties), properties.getLocks().getProvider()));
        }

        /**
         * The table prefix of each store whose tables es uses in the database: every store of type jdbc, and with
         * jdbc locks the locks store ({@code es.locks.store}, else the documents store, else the default store).
         */
        static Map<String, String> tablePrefixes(ConfiguredStores stores, LockProvider locks) {
            Map<String, String> prefixes = new LinkedHashMap<>();
            stores.stores().values().forEach(store -> {
                if (store.type() == StoreType.JDBC) {
                    prefixes.put(store.name(), store.tablePrefix());
                }
            });
            if (locks == LockProvider.JDBC) {
                StoreSettings store = stores.get(stores.locksStore());
                if (store != null) { // an unknown store is reported by the locks auto-configuration
                    prefixes.putIfAbsent(store.name(), store.tablePrefix());
                }
            }
            return prefixes;
        }
    }
}
