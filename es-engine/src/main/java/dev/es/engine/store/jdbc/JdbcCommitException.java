package dev.es.engine.store.jdbc;

import java.sql.SQLException;

/** The commit of a transaction failed: the database may or may not have applied it. */
public class JdbcCommitException extends SQLException {

    private static final long serialVersionUID = 1L;

    public JdbcCommitException(SQLException cause) {
        super("Commit failed, the outcome is unknown: " + cause.getMessage(), cause.getSQLState(),
                cause.getErrorCode(), cause);
    }
}
