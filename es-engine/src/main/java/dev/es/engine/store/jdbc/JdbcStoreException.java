package dev.es.engine.store.jdbc;

import dev.es.engine.EsException;
import java.sql.SQLException;

/** A database error a JDBC store could not turn into one of the engine's own outcomes. */
public class JdbcStoreException extends EsException {

    private final String sqlState;

    public JdbcStoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
        this.sqlState = cause.getSQLState();
    }

    /** The SQLState the driver reported, or {@code null}. */
    public String sqlState() {
        return sqlState;
    }
}
