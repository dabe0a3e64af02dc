package dev.es.engine.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A transaction owned by the caller, as a Spring transaction would be: a store's work runs on its connection and
 * never commits. Connections of their own (for writer holds) come from {@code own}, or none when it is null.
 */
record CallerTransaction(Connection connection, @Nullable JdbcConnections own) implements JdbcConnections {

    CallerTransaction(Connection connection) {
        this(connection, null);
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        return work.run(connection);
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        return work.run(connection);
    }

    @Override
    public boolean commitsOwnTransactions() {
        return false;
    }

    @Override
    public @Nullable Connection ownConnection() throws SQLException {
        return own == null ? null : own.ownConnection();
    }
}
