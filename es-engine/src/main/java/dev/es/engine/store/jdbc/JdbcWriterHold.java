package dev.es.engine.store.jdbc;

import dev.es.engine.event.EventData;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.Appends;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hold on the writers of one stream of a {@link JdbcEventStore}: a transaction of its own, on a connection of its
 * own, that holds the stream's row lock (created first when the stream has no row). Every append of every process
 * locks that row, so other writers queue behind the hold and go on when it ends: onto the source when it appended no
 * close, else refused with {@code EventStreamClosedException}, which the engine follows to the continuation.
 *
 * <p>The holder's appends run in that transaction, through the same append function as any append (the same fence,
 * idempotency, closed and version answers), each behind a savepoint: a held append that fails leaves nothing of its
 * batch, and the appends before it stay. They become visible to others, and durable, when {@link #close()} commits:
 * once {@code close()} returned, the close event appended under the hold is written. When that commit fails,
 * {@code close()} throws {@link CommitFailedException} (the held appends may or may not be written; retrying them is
 * safe, their event ids are recognised).
 *
 * <p>The hold lasts at most {@code maxHold}, counted from the moment the row lock was had. Past it, appends throw
 * {@link WriterHoldExpiredException} and write nothing, and {@code close()} still commits what was appended before.
 * The database enforces the bound too, so that a holder process that hangs or dies cannot hold writers much longer:
 * {@code idle_in_transaction_session_timeout} is set to the time left plus {@link #SERVER_GRACE} before every step
 * (the server ends the session, rolling the held appends back, when the holder goes quiet past it), and each held
 * append runs under a {@code statement_timeout} of the time left. A holder that dies outright loses its connection,
 * which ends the transaction at once.
 */
final class JdbcWriterHold implements WriterHold {

    /**
     * How much longer than {@code maxHold} the database lets a silent holder keep the lock before it ends the
     * holder's session: room for the holder's own {@code close()} right at the deadline.
     */
    static final Duration SERVER_GRACE = Duration.ofMillis(500);

    private static final Logger log = LoggerFactory.getLogger(JdbcWriterHold.class);
    /** SQLState of a session the server ended past {@code idle_in_transaction_session_timeout}. */
    private static final String IDLE_SESSION_ENDED = "25P03";
    private static final String TIMEOUTS = "SELECT set_config('statement_timeout', ?, true),"
            + " set_config('lock_timeout', ?, true), set_config('idle_in_transaction_session_timeout', ?, true)";

    private final JdbcEventStore store;
    private final Connection connection;
    private final String streamId;
    private final Duration maxHold;
    private final long deadline;

    private boolean closed;
    /** Why the transaction can no longer commit, or {@code null}. */
    private SQLException broken;
    /** The first and last held append that wrote something: what a failed commit at close may have lost. */
    private ExpectedVersion firstExpected;
    private long firstVersion = -1;
    private long lastVersion = -1;

    private JdbcWriterHold(JdbcEventStore store, Connection connection, String streamId, Duration maxHold,
                           long deadline) {
        this.store = store;
        this.connection = connection;
        this.streamId = streamId;
        this.maxHold = maxHold;
        this.deadline = deadline;
    }

    /**
     * Begins the transaction on {@code connection} and locks the stream's row, waiting for the writers before it for at
     * most {@code maxHold}. Closes {@code connection} when it fails.
     */
    static JdbcWriterHold open(JdbcEventStore store, Connection connection, String streamId, Duration maxHold,
                               String lockSql) {
        long maxMillis = millis(maxHold.toNanos());
        try {
            connection.setAutoCommit(false);
            // waiting for the row: lock_timeout; holding it: the idle timeout, re-set before every step
            setTimeouts(connection, 0, maxMillis, maxMillis + SERVER_GRACE.toMillis());
            try (PreparedStatement lock = connection.prepareStatement(lockSql)) {
                lock.setString(1, streamId);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                }
            }
            long deadline = System.nanoTime() + maxHold.toNanos();
            log.debug("Holding the writers of stream '{}' of store '{}' for at most {}", streamId, store.name(),
                    maxHold);
            return new JdbcWriterHold(store, connection, streamId, maxHold, deadline);
        } catch (SQLException e) {
            end(connection, false);
            if (Sql.isLockNotAvailable(e)) {
                throw new WriterHoldExpiredException(streamId, "the stream stayed locked by other writers for "
                        + maxHold + " before the hold could begin");
            }
            throw new JdbcStoreException("Holding the writers of stream '" + streamId + "' of store '"
                    + store.name() + "' failed", e);
        } catch (RuntimeException | Error e) {
            end(connection, false);
            throw e;
        }
    }

    @Override
    public String streamId() {
        return streamId;
    }

    @Override
    public synchronized AppendResult appendValidated(ExpectedVersion expected, List<EventData> events,
                                                     long fencingToken) {
        Appends.checkEventSizes(store, streamId, events);
        if (closed) {
            throw new WriterHoldExpiredException(streamId, "the hold was closed");
        }
        if (broken != null) {
            throw new WriterHoldExpiredException(streamId, "its transaction ended (" + broken.getMessage() + ")");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new WriterHoldExpiredException(streamId, "its maxHold of " + maxHold + " passed");
        }
        JdbcEventStore.Outcome outcome;
        try {
            long leftMillis = millis(left);
            setTimeouts(connection, leftMillis, leftMillis, leftMillis + SERVER_GRACE.toMillis());
            Savepoint savepoint = connection.setSavepoint();
            try {
                outcome = store.call(connection, streamId, expected, events, fencingToken);
            } catch (SQLException | RuntimeException e) {
                rollbackTo(savepoint, e);
                throw e;
            }
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (broken == null && Sql.isCancelled(e)) {
                throw new WriterHoldExpiredException(streamId, "its maxHold of " + maxHold
                        + " passed during the append");
            }
            if (broken != null || lost(e)) {
                if (broken == null) {
                    broken = e;
                }
                throw new WriterHoldExpiredException(streamId, "its transaction ended (" + e.getMessage() + ")");
            }
            throw new JdbcStoreException("Appending to stream '" + streamId + "' of store '" + store.name()
                    + "' under a writer hold failed", e);
        }
        AppendResult result = store.answer(streamId, expected, events, fencingToken, outcome);
        if (!result.alreadyWritten()) {
            if (firstVersion < 0) {
                firstExpected = expected;
                firstVersion = result.previousVersion();
            }
            lastVersion = result.newVersion();
        }
        log.debug("Appended {} events to stream '{}' of store '{}' under a writer hold ({} -> {})", events.size(),
                streamId, store.name(), result.previousVersion(), result.newVersion());
        return result;
    }

    /**
     * Whether the hold's transaction is gone: the connection was lost or closed, the server ended the session (for
     * example past {@code idle_in_transaction_session_timeout}, 25P03) or aborted the transaction.
     */
    private boolean lost(SQLException e) {
        String state = Sql.sqlState(e);
        boolean closedConnection;
        try {
            closedConnection = connection.isClosed();
        } catch (SQLException ignored) {
            closedConnection = true;
        }
        return closedConnection || Sql.mayHaveCommitted(e) || Sql.isTransient(e) || state.startsWith("25");
    }

    /** Rolls back to {@code savepoint}; when even that fails, the transaction is lost. */
    private void rollbackTo(Savepoint savepoint, Exception cause) {
        try {
            connection.rollback(savepoint);
        } catch (SQLException e) {
            cause.addSuppressed(e);
            broken = e;
        }
    }

    /**
     * Commits the hold's transaction, which lifts the row lock: the held appends are written and the waiting writers
     * go on. Idempotent.
     *
     * @throws CommitFailedException when held appends wrote something and the commit failed: they may or may not be
     *                               written
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean wrote = firstVersion >= 0;
        SQLException failure = broken;
        boolean mayBeWritten = false;
        if (failure == null) {
            try {
                connection.commit();
                log.debug("Lifted the hold on the writers of stream '{}' of store '{}'", streamId, store.name());
            } catch (SQLException e) {
                failure = e;
                // the server ended the session for idling past the hold (25P03) before it read the commit: rolled
                // back; any other failure of the commit leaves the outcome unknown
                mayBeWritten = !Sql.sqlState(e).equals(IDLE_SESSION_ENDED);
            }
        }
        end(connection, failure == null);
        if (failure != null) {
            if (wrote) {
                log.warn("The hold on the writers of stream '{}' of store '{}' ended without its commit; its appends"
                        + " ({} -> {}) {}", streamId, store.name(), firstVersion, lastVersion,
                        mayBeWritten ? "may or may not be written" : "were not written", failure);
                throw new CommitFailedException(streamId, firstExpected, firstVersion, lastVersion, mayBeWritten,
                        failure);
            }
            log.debug("The hold on the writers of stream '{}' of store '{}' ended without a commit; it had appended"
                    + " nothing", streamId, store.name(), failure);
        }
    }

    private static void setTimeouts(Connection connection, long statementMillis, long lockMillis, long idleMillis)
            throws SQLException {
        try (PreparedStatement set = connection.prepareStatement(TIMEOUTS)) {
            set.setString(1, statementMillis + "ms");
            set.setString(2, lockMillis + "ms");
            set.setString(3, idleMillis + "ms");
            set.execute();
        }
    }

    /** At least one millisecond (0 would switch a timeout off), at most what the settings take. */
    private static long millis(long nanos) {
        return Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
    }

    /** Rolls back what is left (unless committed), restores auto-commit and closes the connection, quietly. */
    private static void end(Connection connection, boolean committed) {
        try {
            if (!committed && !connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            log.debug("Rolling back a writer hold failed", e);
        }
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.debug("Restoring auto-commit after a writer hold failed", e);
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the connection of a writer hold failed", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcWriterHold[" + store.name() + "/" + streamId + ", max " + maxHold + (closed ? ", closed" : "")
                + "]";
    }
}
