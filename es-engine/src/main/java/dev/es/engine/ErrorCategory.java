package dev.es.engine;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * What kind of failure an {@link EsException} is, so that a caller or a retry policy can tell what to do without
 * knowing every exception type. {@link #of(Throwable)} is the one place store errors are classified: the engine's own
 * exceptions, database errors by SQLState, Azure Storage errors by HTTP status, timeouts and dropped connections.
 */
public enum ErrorCategory {

    /**
     * The state moved or forbids the request (another writer came first, the stream is closed, a newer lock holder
     * fenced this one): re-read, decide again, and maybe retry with a new condition. Trying the same request again
     * as it is gives the same answer.
     */
    CONFLICT,

    /**
     * The request may work when tried again as it is (a lost connection, a timeout, a lock still held elsewhere).
     * For an append, retry with {@code CommitFailedException.retryCondition()}: it never writes twice.
     */
    TRANSIENT,

    /** The request itself is wrong (bad input, an unknown store or type, too large): fix the call, not the timing. */
    USAGE,

    /** Something else is wrong (configuration, a missing schema or container, a failed migration): not retried. */
    FAILURE;

    /** How deep {@link #of} looks along a chain of causes. */
    private static final int MAX_CAUSES = 16;

    private static final boolean AZURE = present("com.azure.core.exception.HttpResponseException");

    /**
     * The category of any throwable: an {@link EsException}'s own; otherwise the first cause along its chain that
     * says (a {@link SQLException} by {@link #ofSqlState SQLState}, an Azure {@code HttpResponseException} such as
     * {@code BlobStorageException} by {@link #ofHttpStatus HTTP status}, a socket or I/O timeout, a refused, reset
     * or closed connection: {@link #TRANSIENT}); then {@link IllegalArgumentException} and
     * {@link NullPointerException} (an argument check) are {@link #USAGE}; anything else {@link #FAILURE}.
     */
    public static ErrorCategory of(Throwable failure) {
        if (failure instanceof EsException es) {
            return es.category();
        }
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++, current = current.getCause()) {
            ErrorCategory category = ofOne(current);
            if (category != null) {
                return category;
            }
        }
        if (failure instanceof IllegalArgumentException || failure instanceof NullPointerException) {
            return USAGE;
        }
        return FAILURE;
    }

    /** Whether {@link #of(Throwable)} is {@link #TRANSIENT}. */
    public static boolean isTransient(Throwable failure) {
        return of(failure) == TRANSIENT;
    }

    private static @Nullable ErrorCategory ofOne(Throwable failure) {
        if (failure instanceof EsException es) {
            return es.category();
        }
        if (failure instanceof SQLException sql) {
            return ofSqlException(sql);
        }
        if (AZURE && AzureStatus.is(failure)) {
            int status = AzureStatus.of(failure);
            return status == 0 ? null : ofHttpStatus(status);
        }
        if (failure instanceof SocketTimeoutException || failure instanceof TimeoutException
                || failure instanceof ConnectException || failure instanceof SocketException
                || failure instanceof EOFException || failure instanceof ClosedChannelException
                // reactor-netty's connection closed before the response (an IOException of its own)
                || failure.getClass().getSimpleName().equals("PrematureCloseException")) {
            return TRANSIENT;
        }
        return null;
    }

    /**
     * A database error, by its first SQLState along the chain ({@link #ofSqlState}); one without a SQLState is
     * {@link #TRANSIENT} when the driver says so ({@link SQLTransientException}, {@link SQLRecoverableException}).
     */
    public static ErrorCategory ofSqlException(SQLException failure) {
        for (SQLException current = failure; current != null; current = current.getNextException()) {
            if (current.getSQLState() != null) {
                return ofSqlState(current.getSQLState());
            }
        }
        if (failure.getCause() instanceof SQLException cause && cause != failure) {
            return ofSqlException(cause);
        }
        return failure instanceof SQLTransientException || failure instanceof SQLRecoverableException
                ? TRANSIENT : FAILURE;
    }

    /**
     * A SQLState (PostgreSQL's codes): {@link #TRANSIENT} for a connection exception (class {@code 08}), a
     * serialization failure ({@code 40001}) or deadlock ({@code 40P01}), insufficient resources (class {@code 53},
     * too many connections), a statement cancelled or timed out ({@code 57014}), a server shutting down or starting
     * ({@code 57P01} to {@code 57P05}), a lock not available ({@code 55P03}); {@link #CONFLICT} for a unique
     * violation ({@code 23505}); {@link #FAILURE} otherwise (a syntax error, a missing table, bad data).
     */
    public static ErrorCategory ofSqlState(String sqlState) {
        if (sqlState == null) {
            return FAILURE;
        }
        if (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P")
                || sqlState.equals("40001") || sqlState.equals("40P01") || sqlState.equals("57014")
                || sqlState.equals("55P03")) {
            return TRANSIENT;
        }
        if (sqlState.equals("23505")) {
            return CONFLICT;
        }
        return FAILURE;
    }

    /**
     * An HTTP status of a storage service (Azure Blob Storage): {@link #TRANSIENT} for a timeout ({@code 408}),
     * throttling ({@code 429}, and {@code 503} Server Busy) and the other server errors ({@code 500}, {@code 502},
     * {@code 504}); {@link #CONFLICT} for {@code 409} and a failed condition ({@code 412}); {@link #FAILURE}
     * otherwise (a missing container, forbidden, a bad request).
     */
    public static ErrorCategory ofHttpStatus(int status) {
        if (status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504) {
            return TRANSIENT;
        }
        if (status == 409 || status == 412) {
            return CONFLICT;
        }
        return FAILURE;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, ErrorCategory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when Azure's core library is on the class path. */
    private static final class AzureStatus {

        static boolean is(Throwable failure) {
            return failure instanceof com.azure.core.exception.HttpResponseException;
        }

        static int of(Throwable failure) {
            var response = ((com.azure.core.exception.HttpResponseException) failure).getResponse();
            return response == null ? 0 : response.getStatusCode();
        }
    }
}
