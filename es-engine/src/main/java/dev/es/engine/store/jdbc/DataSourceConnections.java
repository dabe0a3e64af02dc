package dev.es.engine.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link JdbcConnections} over a plain {@link DataSource}: every call takes a connection and runs its own transaction. */
final class DataSourceConnections implements JdbcConnections {

    private static final Logger log = LoggerFactory.getLogger(DataSourceConnections.class);

    private final DataSource dataSource;

    DataSourceConnections(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return inOwnTransaction(connection, work);
        }
    }

    /** See {@link JdbcConnections#inOwnTransaction}. */
    static <T> T inOwnTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (autoCommit) {
            connection.setAutoCommit(false);
        }
        try {
            T result;
            try {
                result = work.run(connection);
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                throw new JdbcCommitException(e);
            }
            return result;
        } finally {
            if (autoCommit) {
                restoreAutoCommit(connection);
            }
        }
    }

    @Override
    public <T> T inOneStatement(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return inOwnStatement(connection, work);
        }
    }

    /** See {@link JdbcConnections#inOwnStatement}. */
    static <T> T inOwnStatement(Connection connection, SqlWork<T> work) throws SQLException {
        if (!connection.getAutoCommit()) {
            return inOwnTransaction(connection, work);
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            if (Sql.mayHaveCommitted(e)) {
                // with auto-commit the statement commits as it ends: it may have, before the connection was lost
                throw new JdbcCommitException(e);
            }
            throw e;
        }
    }

    @Override
    public Connection ownConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getAutoCommit()) {
                return work.run(connection);
            }
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        }
    }

    static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            log.debug("Rollback failed after {}", cause.toString(), e);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("Could not restore auto-commit on a connection", e);
        }
    }

    @Override
    public String toString() {
        return "DataSourceConnections[" + dataSource + "]";
    }
}
