package dev.es.engine.store.jdbc;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/** A database error a JDBC store could not turn into one of the engine's own outcomes. */
public class JdbcStoreException extends EsException {

    private final @Nullable String sqlState;
    private final ErrorCategory category;

    public JdbcStoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
        this.sqlState = cause.getSQLState();
        this.category = ErrorCategory.ofSqlException(cause);
    }

    /**
     * As {@link ErrorCategory#ofSqlException} classifies the cause: {@link ErrorCategory#TRANSIENT} for a lost
     * connection, a serialization failure or deadlock, a server going down, a statement or lock timeout, too many
     * connections; {@link ErrorCategory#CONFLICT} for a unique violation; else {@link ErrorCategory#FAILURE}.
     */
    @Override
    public ErrorCategory category() {
        return category;
    }

    /** The SQLState the driver reported, or {@code null}. */
    public @Nullable String sqlState() {
        return sqlState;
    }
}
