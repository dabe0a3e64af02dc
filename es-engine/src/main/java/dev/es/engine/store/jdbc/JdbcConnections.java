package dev.es.engine.store.jdbc;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * How the JDBC stores get connections and transactions. The default, {@link #of(DataSource)}, runs every call in its
 * own transaction. An integration (the Spring module) may supply one that joins a transaction already running on the
 * same {@code DataSource}, so that an append commits or rolls back with the caller's own data.
 */
public interface JdbcConnections {

    /**
     * Runs {@code work} in a transaction and returns its result. When the work throws, the exception passes through
     * unchanged; an own transaction is rolled back, a joined one is left to its owner. The stores keep a joined
     * transaction usable after their own refusals (a wrong expected version, a closed stream, a stale etag): they
     * decide those by reading under row locks, not by provoking constraint violations.
     *
     * @throws JdbcCommitException when the commit itself failed, so the outcome is unknown
     * @throws SQLException        what the work, or getting the connection, threw
     */
    <T> T inTransaction(SqlWork<T> work) throws SQLException;

    /** Runs read-only {@code work}; it may share a transaction already running, or run without one. */
    <T> T read(SqlWork<T> work) throws SQLException;

    /**
     * Runs {@code work} that changes data in exactly one statement, atomic by itself (an append, a fence raise, a
     * document's create or update, a lease, a routing entry's save, a tag). Like {@link #inTransaction}, it joins a
     * caller's transaction; outside one it may run the statement with auto-commit on, so that it commits by itself
     * with no BEGIN or COMMIT round trip. A lost connection while the statement runs then leaves its outcome unknown,
     * and is reported as {@link JdbcCommitException}. The default runs {@link #inTransaction}.
     *
     * @throws JdbcCommitException when the statement or the commit may or may not have been applied
     * @throws SQLException        what the work, or getting the connection, threw
     */
    default <T> T inOneStatement(SqlWork<T> work) throws SQLException {
        return inTransaction(work);
    }

    /**
     * A connection of its own, for work that spans several calls and must never join a caller's transaction (a
     * writer hold): the caller turns auto-commit off, commits, restores auto-commit and closes it. {@code null}, the
     * default, when these connections cannot hand one out; the stores then decline such work.
     */
    default java.sql.@Nullable Connection ownConnection() throws SQLException {
        return null;
    }

    /**
     * Whether a call of {@link #inTransaction} commits by itself. When false, the caller's transaction commits later,
     * and a failure there is outside the store's view.
     */
    default boolean commitsOwnTransactions() {
        return true;
    }

    /**
     * Runs {@code work} in a transaction of its own on {@code connection}: commits it, or rolls it back when the work
     * throws, and restores auto-commit as it was. The one implementation every {@code JdbcConnections} uses for work
     * that does not join a caller's transaction.
     *
     * @throws JdbcCommitException when the commit itself failed, so the outcome is unknown
     */
    static <T> T inOwnTransaction(java.sql.Connection connection, SqlWork<T> work) throws SQLException {
        return DataSourceConnections.inOwnTransaction(connection, work);
    }

    /**
     * Runs one-statement {@code work} on {@code connection} outside any caller's transaction: with auto-commit on
     * when the connection is in auto-commit (the statement commits by itself; a lost connection while it runs is a
     * {@link JdbcCommitException}), else in a transaction of its own as {@link #inOwnTransaction}. The one
     * implementation every {@code JdbcConnections} uses for {@link #inOneStatement} work that does not join.
     */
    static <T> T inOwnStatement(java.sql.Connection connection, SqlWork<T> work) throws SQLException {
        return DataSourceConnections.inOwnStatement(connection, work);
    }

    /** Connections from {@code dataSource}, each call in its own transaction. */
    static JdbcConnections of(DataSource dataSource) {
        return new DataSourceConnections(dataSource);
    }
}
