package dev.es.engine.store.jdbc;

import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL schema of its own for one test class, on the machine's database ({@link PostgresTestDatabase}): created
 * before the class (with es's tables for each {@link JdbcTables} given), dropped after it. Register it as a static
 * field:
 * <pre>{@code @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());}</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private final List<JdbcTables> tables;
    private PostgresTestDatabase db;

    /** A schema with es's tables for each of {@code tables} (none: an empty schema). */
    public PostgresExtension(JdbcTables... tables) {
        this.tables = List.of(tables);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        db = PostgresTestDatabase.create();
        tables.forEach(db::initializeSchema);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (db != null) {
            db.close();
        }
    }

    /** The database of the running test class. */
    public PostgresTestDatabase db() {
        if (db == null) {
            throw new IllegalStateException("PostgresExtension is not started: register it as a static field");
        }
        return db;
    }

    public JdbcConnections connections() {
        return db().connections();
    }

    public DataSource dataSource() {
        return db().dataSource();
    }

    public PostgresTestDatabase.PooledDataSource newDataSource() {
        return db().newDataSource();
    }

    public String schema() {
        return db().schema();
    }

    public JdbcSchema initializeSchema(JdbcTables more) {
        return db().initializeSchema(more);
    }
}
