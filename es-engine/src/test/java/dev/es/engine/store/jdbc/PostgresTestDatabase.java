package dev.es.engine.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh schema in the test PostgreSQL for one test class: {@link #create()} makes {@code es_test_<random>},
 * {@link #close()} drops it. The data sources it hands out use that schema as their search path and pool their
 * connections; each {@link #newDataSource()} is an independent pool, as a second process would have.
 * <p>
 * The database is {@value #DEFAULT_URL} unless the environment variable {@code ES_TEST_JDBC_URL} says otherwise.
 * It must be running: tests never skip themselves.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    /** The URL used when {@code ES_TEST_JDBC_URL} is not set. */
    public static final String DEFAULT_URL =
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&reWriteBatchedInserts=true";
    /** How to start the machine's PostgreSQL. */
    public static final String START_HINT =
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

    private final String url;
    private final String schema;
    private final List<PooledDataSource> pools = new ArrayList<>();
    private final PooledDataSource dataSource;

    private PostgresTestDatabase(String url, String schema) {
        this.url = url;
        this.schema = schema;
        this.dataSource = newDataSource();
    }

    /** Creates a fresh schema; fails loudly, with how to start PostgreSQL, when the database is not reachable. */
    public static PostgresTestDatabase create() {
        String url = url();
        String schema = "es_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        PGSimpleDataSource admin = plain(url, null);
        try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + url + " (" + e.getMessage()
                    + "). Start it with: " + START_HINT + " , or point ES_TEST_JDBC_URL at another database.", e);
        }
        return new PostgresTestDatabase(url, schema);
    }

    /** The JDBC URL tests connect to. */
    public static String url() {
        String configured = System.getenv("ES_TEST_JDBC_URL");
        return configured == null || configured.isBlank() ? DEFAULT_URL : configured;
    }

    /** The schema this database lives in. */
    public String schema() {
        return schema;
    }

    /** The shared pooled data source over this schema. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** {@link JdbcConnections} over {@link #dataSource()}. */
    public JdbcConnections connections() {
        return JdbcConnections.of(dataSource);
    }

    /** Another, independent pool over the same schema. */
    public synchronized PooledDataSource newDataSource() {
        PooledDataSource pool = new PooledDataSource(plain(url, schema));
        pools.add(pool);
        return pool;
    }

    /**
     * A pool over {@code schema} of the database at {@code url}, for a process of its own (a child JVM of a test)
     * that was given the schema of a {@link #create() created} database; closing it is up to that process.
     */
    public static PooledDataSource pool(String url, String schema) {
        return new PooledDataSource(plain(url, schema));
    }

    /** Creates the es tables with the given prefix in this schema. */
    public JdbcSchema initializeSchema(JdbcTables tables) {
        JdbcSchema schemaInitializer = new JdbcSchema(connections(), tables);
        schemaInitializer.initialize();
        return schemaInitializer;
    }

    /** Closes the pools and drops the schema. */
    @Override
    public synchronized void close() {
        pools.forEach(PooledDataSource::close);
        try (Connection connection = plain(url, null).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("Dropping test schema " + schema + " failed", e);
        }
    }

    private static PGSimpleDataSource plain(String url, String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }

    /**
     * A minimal connection pool for tests: idle connections wait in a queue, and closing a handed-out connection puts
     * it back (rolled back, auto-commit on). Connections that failed are dropped.
     */
    public static final class PooledDataSource implements DataSource, AutoCloseable {

        private final PGSimpleDataSource target;
        private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();
        private volatile boolean closed;

        PooledDataSource(PGSimpleDataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (closed) {
                throw new SQLException("Pool is closed", "08003");
            }
            Connection physical = idle.pollFirst();
            if (physical == null || physical.isClosed()) {
                physical = target.getConnection();
            }
            Connection connection = physical;
            boolean[] returned = {false};
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "close" -> {
                                if (!returned[0]) {
                                    returned[0] = true;
                                    giveBack(connection);
                                }
                                return null;
                            }
                            case "isClosed" -> {
                                return returned[0] || connection.isClosed();
                            }
                            case "unwrap" -> {
                                return ((Class<?>) args[0]).isInstance(connection) ? connection
                                        : connection.unwrap((Class<?>) args[0]);
                            }
                            default -> {
                                if (returned[0]) {
                                    throw new SQLException("Connection already returned to the pool", "08003");
                                }
                                try {
                                    return method.invoke(connection, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            }
                        }
                    });
        }

        private void giveBack(Connection connection) {
            try {
                if (closed || connection.isClosed()) {
                    connection.close();
                    return;
                }
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
                idle.offerFirst(connection);
            } catch (SQLException e) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // already broken
                }
            }
        }

        /** Closes every idle connection and refuses new ones. */
        @Override
        public void close() {
            closed = true;
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("The test pool has one user");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new SQLException("Not a wrapper of " + iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this);
        }

        @Override
        public String toString() {
            return "PooledDataSource[" + target.getUrl() + ", schema " + target.getCurrentSchema() + "]";
        }
    }
}
