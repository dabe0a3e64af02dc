package dev.es.engine.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done on a connection handed out by {@link JdbcConnections}. The work must not commit, roll back or close the
 * connection: the {@link JdbcConnections} implementation owns the transaction, which may be the caller's.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
