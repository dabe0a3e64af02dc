package dev.es.autoconfigure;

import dev.es.engine.store.jdbc.PostgresTestDatabase;

/** The JDBC URL of a {@link PostgresTestDatabase} for {@code spring.datasource.url}: its schema as current schema. */
final class JdbcTestDatabaseUrl {

    private JdbcTestDatabaseUrl() {
    }

    static String of(PostgresTestDatabase db) {
        String url = PostgresTestDatabase.url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + db.schema();
    }
}
