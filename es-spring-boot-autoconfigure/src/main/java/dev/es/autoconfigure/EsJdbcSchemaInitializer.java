package dev.es.autoconfigure;

import dev.es.engine.store.jdbc.JdbcSchema;
import dev.es.engine.store.jdbc.JdbcTables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;

/**
 * Creates the es tables of every table prefix the configured jdbc stores and jdbc locks use, according to
 * {@code es.jdbc.initialize-schema} ({@link DatabaseInitializationMode}: {@code always}, {@code embedded}, the
 * default, or {@code never}), as Spring Boot's own script initializers do (Spring Batch's, Spring Session's).
 * <p>
 * The schema script is the engine's ({@link #SCHEMA_LOCATION}); it holds a {@code ${prefix}} placeholder and
 * {@code $$}-quoted function bodies, so each prefix is applied through the engine's {@link JdbcSchema} (placeholder
 * filled in, statements split around function bodies, one transaction under an advisory lock) rather than Spring's
 * plain script runner. It only holds {@code CREATE ... IF NOT EXISTS}, {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS}
 * and {@code CREATE OR REPLACE FUNCTION}: nothing is ever dropped or recreated.
 * <p>
 * A {@code DataSourceScriptDatabaseInitializer}, so Spring Boot's database-initialization ordering sees it: the es
 * jdbc backend, which checks the tables, depends on it (and on Flyway, Liquibase and {@code spring.sql.init}). Define
 * a bean of this type to replace the one es configures.
 */
public class EsJdbcSchemaInitializer extends DataSourceScriptDatabaseInitializer {

    /** Where the engine ships its PostgreSQL schema script. */
    public static final String SCHEMA_LOCATION = "classpath:" + EsJdbcSchemaScript.PATH;

    private final Map<String, String> tablePrefixes;
    private final String source;

    /**
     * @param tablePrefixes the table prefix of each store whose tables are created (store name to prefix); a prefix
     *                      used by several stores is created once
     */
    public EsJdbcSchemaInitializer(DataSource dataSource, DatabaseInitializationMode mode,
                                   Map<String, String> tablePrefixes) {
        this(dataSource, JdbcStoreBackend.APPLICATION_DATA_SOURCE, mode, tablePrefixes);
    }

    /** @param source how start-up errors name {@code dataSource} (the application's, or the {@code @EsDataSource}) */
    EsJdbcSchemaInitializer(DataSource dataSource, String source, DatabaseInitializationMode mode,
                            Map<String, String> tablePrefixes) {
        super(dataSource, settings(mode));
        this.source = Objects.requireNonNull(source, "source");
        this.tablePrefixes = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(tablePrefixes, "tablePrefixes")));
    }

    private static DatabaseInitializationSettings settings(DatabaseInitializationMode mode) {
        DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
        settings.setSchemaLocations(List.of(SCHEMA_LOCATION));
        settings.setMode(Objects.requireNonNull(mode, "mode"));
        return settings;
    }

    /** Does nothing, and does not reach the database, when no store or lock provider of type jdbc is configured. */
    @Override
    public boolean initializeDatabase() {
        return !tablePrefixes.isEmpty() && super.initializeDatabase();
    }

    /** Applies the schema script once per table prefix, after checking the prefix and that the database is PostgreSQL. */
    @Override
    protected void runScripts(Scripts scripts) {
        Map<String, String> storesByPrefix = new LinkedHashMap<>();
        tablePrefixes.forEach((store, prefix) -> storesByPrefix.putIfAbsent(prefix, store));
        storesByPrefix.forEach((prefix, store) -> {
            JdbcTables tables = JdbcStoreBackend.tables(store, prefix);
            JdbcStoreBackend.checkPostgresql(getDataSource(), source, store);
            new JdbcSchema(SpringJdbcConnections.ownTransactions(getDataSource()), tables).initialize();
        });
    }
}
