package dev.es.autoconfigure;

import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@link JdbcConnections} that take part in Spring-managed transactions. Connections come from
 * {@link DataSourceUtils}: inside a transaction that a Spring transaction manager runs on the same {@code DataSource}
 * (a {@code @Transactional} method, a {@code TransactionTemplate}), the stores' work joins it and commits or rolls back
 * with the caller's own data, which is what a transactional outbox needs. Outside one, each call runs in its own
 * transaction, committed before the call returns.
 * <p>
 * Not for the lock provider: a lease must be visible to other processes at once, so locks use
 * {@link #ownTransactions(DataSource)}.
 */
final class SpringJdbcConnections implements JdbcConnections {

    private final DataSource dataSource;

    /** Connections from {@code dataSource} that join the Spring transaction running on it, if any. */
    SpringJdbcConnections(DataSource dataSource) {
        this.dataSource = target(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Connections from {@code dataSource} that never join a Spring transaction: every call takes its own connection
     * and commits its own transaction, even while the calling thread runs a Spring transaction.
     */
    static JdbcConnections ownTransactions(DataSource dataSource) {
        return JdbcConnections.of(target(Objects.requireNonNull(dataSource, "dataSource")));
    }

    /**
     * A {@link TransactionAwareDataSourceProxy} hands out the transaction's connection from plain
     * {@code getConnection()}; committing that one would commit the caller's transaction. Work with its target, as
     * Spring's transaction managers do.
     */
    private static DataSource target(DataSource dataSource) {
        if (dataSource instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
            return proxy.getTargetDataSource();
        }
        return dataSource;
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (joins(connection)) {
                // the caller's transaction: its owner commits or rolls back; a failure here reaches the caller
                return work.run(connection);
            }
            return JdbcConnections.inOwnTransaction(connection, work);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** Joins the caller's transaction like {@link #inTransaction}; outside one the statement runs with auto-commit. */
    @Override
    public <T> T inOneStatement(SqlWork<T> work) throws SQLException {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (joins(connection)) {
                return work.run(connection);
            }
            return JdbcConnections.inOwnStatement(connection, work);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** A connection straight from the pool, never the one of the caller's transaction. */
    @Override
    public Connection ownConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (connection.getAutoCommit() || joins(connection)) {
                return work.run(connection);
            }
            return JdbcConnections.inOwnTransaction(connection, work);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /**
     * False while the calling thread runs a Spring transaction on this {@code DataSource}: then a write commits when
     * the caller's transaction does.
     */
    @Override
    public boolean commitsOwnTransactions() {
        return !TransactionSynchronizationManager.isActualTransactionActive()
                || TransactionSynchronizationManager.getResource(dataSource) == null;
    }

    /**
     * Whether {@code connection} belongs to a Spring transaction that is really running: bound to the thread for this
     * {@code DataSource}, with auto-commit off. A connection bound only for synchronisation (propagation
     * {@code SUPPORTS}, no transaction) is still in auto-commit; the stores' work then gets its own transaction on it.
     */
    private boolean joins(Connection connection) throws SQLException {
        return TransactionSynchronizationManager.isActualTransactionActive()
                && DataSourceUtils.isConnectionTransactional(connection, dataSource)
                && !connection.getAutoCommit();
    }

    @Override
    public String toString() {
        return "SpringJdbcConnections[" + dataSource + "]";
    }
}
