package dev.es.engine.store.jdbc;

import dev.es.engine.Identifiers;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.Appends;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import dev.es.engine.store.WrongExpectedVersionException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event store in PostgreSQL. Each stream has a row in the streams table holding its version, its fence and, once
 * closed, its close payload. An append is one call of the schema's append function ({@link JdbcTables#appendFunction()}),
 * one statement and, in a transaction of its own, one round trip with auto-commit: the conditional update of the
 * stream row (which also locks it), a probe of the (stream_id, event_id) index for the batch's ids and the multi-row
 * insert of the batch (arrays, any batch size); the fence, idempotency, closed and version checks run under that row
 * lock only when the update misses, and refusals come back as a status row, never as an SQL error, so that a caller's
 * transaction the append joined stays usable. Every step is an index probe or a write of the appended events: the cost
 * of an append does not grow with the stream. A fence is raised by an upsert of the row, serialised with appends by
 * the same row lock. {@link #holdWriters} holds that row lock in a transaction of its own (see
 * {@link JdbcWriterHold}).
 */
public final class JdbcEventStore implements EventStore {

    private static final Logger log = LoggerFactory.getLogger(JdbcEventStore.class);

    private final String name;
    private final JdbcConnections connections;
    private final Clock clock;
    /** Status codes of the append function (see the schema script). */
    static final int APPENDED = 0;
    static final int FOUND = 1;
    static final int STALE_FENCE = 2;
    static final int CLOSED = 3;
    static final int WRONG_VERSION = 4;
    /** The SQL types of an append's event columns: id, type, schema version, payload, metadata, recorded-at. */
    private static final String[] COLUMN_TYPES = {"text", "text", "int4", "text", "text", "text"};

    private final String appendCall;
    private final String fastAppendOne;
    private final String fastAppendMany;
    private final String lockForHold;
    private final String raiseFence;
    private final String selectEvents;
    private final String selectLastEvent;
    private final String selectVersion;
    private final String deleteStream;
    private final String deleteEvents;

    /** A store over {@code dataSource} with the default tables, each call in its own transaction. */
    public JdbcEventStore(String name, DataSource dataSource) {
        this(name, JdbcConnections.of(dataSource), JdbcTables.defaults(), Clock.systemUTC());
    }

    public JdbcEventStore(String name, JdbcConnections connections, JdbcTables tables) {
        this(name, connections, tables, Clock.systemUTC());
    }

    /**
     * @param clock gives {@code recordedAt} of events appended without {@link EventData#RECORDED_AT}
     */
    public JdbcEventStore(String name, JdbcConnections connections, JdbcTables tables, Clock clock) {
        this.name = Identifiers.requireStoreName(name);
        this.connections = Objects.requireNonNull(connections, "connections");
        this.clock = Objects.requireNonNull(clock, "clock");
        String streams = tables.streams();
        String events = tables.events();
        this.appendCall = "SELECT r_status, r_version, r_fence, r_close_payload, r_found FROM "
                + tables.appendFunction() + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        // the fast path of an append that commits by itself: the conditional update of the stream row and the insert,
        // one statement; no row when the update missed (the function then answers why), a unique violation when an
        // event id of the batch is already in the stream (the statement, auto-committed, then wrote nothing). A batch
        // of one binds its values, a longer one binds arrays.
        String fast = "WITH s AS (UPDATE " + streams + " s SET version = s.version + CAST(? AS bigint),"
                + " close_payload = CAST(? AS jsonb) WHERE s.stream_id = ? AND s.close_payload IS NULL"
                + " AND s.fence <= CAST(? AS bigint) AND s.version = CASE WHEN CAST(? AS bigint) < 0 THEN s.version"
                + " ELSE CAST(? AS bigint) END RETURNING s.stream_id, s.version - CAST(? AS bigint) AS v),"
                + " i AS (INSERT INTO " + events + " (stream_id, version, event_id, type, schema_version, payload,"
                + " metadata, recorded_at) SELECT s.stream_id, s.v + u.i, u.id, u.type, u.schema_version,"
                + " CAST(u.payload AS jsonb), CAST(u.metadata AS jsonb), CAST(u.recorded_at AS timestamptz)"
                + " FROM s, %s AS u (id, type, schema_version, payload, metadata, recorded_at, i))"
                + " SELECT v FROM s";
        this.fastAppendOne = fast.formatted("(SELECT CAST(? AS text), CAST(? AS text), CAST(? AS int4),"
                + " CAST(? AS text), CAST(? AS text), CAST(? AS text), 1)");
        this.fastAppendMany = fast.formatted("unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS int4[]),"
                + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY");
        // creates the row of an absent stream, or locks the existing one (the update changes nothing)
        this.lockForHold = "INSERT INTO " + streams + " AS s (stream_id) VALUES (?) ON CONFLICT (stream_id)"
                + " DO UPDATE SET fence = s.fence RETURNING s.version";
        this.raiseFence = "INSERT INTO " + streams + " AS s (stream_id, fence) VALUES (?, ?) ON CONFLICT (stream_id)"
                + " DO UPDATE SET fence = GREATEST(s.fence, EXCLUDED.fence) RETURNING s.version";
        String columns = "SELECT event_id, type, schema_version, version, payload::text AS payload,"
                + " metadata::text AS metadata, recorded_at FROM " + events + " WHERE stream_id = ?";
        this.selectEvents = columns + " AND version >= ? ORDER BY version LIMIT ?";
        this.selectLastEvent = columns + " ORDER BY version DESC LIMIT 1";
        this.selectVersion = "SELECT version FROM " + streams + " WHERE stream_id = ?";
        this.deleteStream = "DELETE FROM " + streams + " WHERE stream_id = ?";
        this.deleteEvents = "DELETE FROM " + events + " WHERE stream_id = ?";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        Appends.validateRead(streamId, fromVersion, maxCount);
        try {
            return connections.read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(selectEvents)) {
                    query.setString(1, streamId);
                    query.setLong(2, fromVersion);
                    query.setInt(3, maxCount);
                    return readEvents(query);
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Reading stream '" + streamId + "' of store '" + name + "' failed", e);
        }
    }

    @Override
    public @Nullable StoredEvent lastEvent(String streamId) {
        Identifiers.requireStreamId(streamId);
        try {
            return connections.read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(selectLastEvent)) {
                    query.setString(1, streamId);
                    List<StoredEvent> last = readEvents(query);
                    return last.isEmpty() ? null : last.get(0);
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Reading the last event of stream '" + streamId + "' failed", e);
        }
    }

    @Override
    public long version(String streamId) {
        Identifiers.requireStreamId(streamId);
        try {
            return connections.read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(selectVersion)) {
                    query.setString(1, streamId);
                    try (ResultSet rs = query.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : 0L;
                    }
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Reading the version of stream '" + streamId + "' failed", e);
        }
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        Appends.checkEventSizes(this, streamId, events);
        return appendChecked(streamId, expected, events, fencingToken);
    }

    /** {@link EventStore#DEFAULT_MAX_EVENT_BYTES}. */
    @Override
    public OptionalLong maxEventBytes() {
        return OptionalLong.of(DEFAULT_MAX_EVENT_BYTES);
    }

    @Override
    public boolean supportsFencing() {
        return true;
    }

    @Override
    public OptionalLong raiseFence(String streamId, long token) {
        Identifiers.requireStreamId(streamId);
        Appends.requireFencingToken(token);
        try {
            long version = connections.inOneStatement(connection -> {
                try (PreparedStatement raise = connection.prepareStatement(raiseFence)) {
                    raise.setString(1, streamId);
                    raise.setLong(2, token);
                    try (ResultSet row = raise.executeQuery()) {
                        row.next();
                        return row.getLong(1);
                    }
                }
            });
            log.debug("Raised the fence of stream '{}' of store '{}' to at least {}", streamId, name, token);
            return OptionalLong.of(version);
        } catch (SQLException e) {
            throw new JdbcStoreException("Raising the fence of stream '" + streamId + "' of store '" + name
                    + "' failed", e);
        }
    }

    /**
     * Holds the other writers of the stream through its row lock, in a transaction of its own on a connection of its
     * own (never a caller's transaction), for at most {@code maxHold}; see {@link JdbcWriterHold}. Empty when the
     * store's {@link JdbcConnections} cannot hand out a connection of its own.
     *
     * @throws WriterHoldExpiredException when the row stayed locked by others for {@code maxHold} before the hold
     *                                    could begin; nothing was held
     */
    @Override
    public Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
        Identifiers.requireStreamId(streamId);
        Objects.requireNonNull(maxHold, "maxHold");
        if (maxHold.isNegative() || maxHold.isZero()) {
            throw new IllegalArgumentException("maxHold must be positive, was " + maxHold);
        }
        Connection connection;
        try {
            connection = connections.ownConnection();
        } catch (SQLException e) {
            throw new JdbcStoreException("Getting a connection to hold the writers of stream '" + streamId
                    + "' of store '" + name + "' failed", e);
        }
        if (connection == null) {
            return Optional.empty();
        }
        return Optional.of(JdbcWriterHold.open(this, connection, streamId, maxHold, lockForHold));
    }

    private AppendResult appendChecked(String streamId, ExpectedVersion expected, List<EventData> events,
                                       long fencingToken) {
        // the version the append goes after and its last event's, once the function answered: a commit failure then
        // names them, so that CommitFailedException.retryCondition() of an any() append knows where to look. Unknown
        // (-1) when the connection was lost while an any() append ran with auto-commit; the retry then finds the
        // events through the (stream_id, event_id) index anywhere in the stream.
        long[] versions = {expected.value() < 0 ? -1 : expected.value(), -1};
        Outcome outcome;
        try {
            outcome = connections.inOneStatement(connection -> {
                Outcome answer = call(connection, streamId, expected, events, fencingToken);
                versions[0] = answer.version();
                versions[1] = answer.version() + events.size();
                return answer;
            });
        } catch (JdbcCommitException e) {
            log.warn("Commit of an append to stream '{}' of store '{}' failed; the outcome is unknown", streamId, name,
                    e);
            throw new CommitFailedException(streamId, expected, versions[0], attempted(versions, events), true, e);
        } catch (SQLException e) {
            if (Sql.isTransient(e)) {
                throw new CommitFailedException(streamId, expected, versions[0], attempted(versions, events), false, e);
            }
            throw new JdbcStoreException("Appending to stream '" + streamId + "' of store '" + name + "' failed", e);
        }
        AppendResult result = answer(streamId, expected, events, fencingToken, outcome);
        log.debug("Appended {} events to stream '{}' of store '{}' ({} -> {}{})", events.size(), streamId, name,
                result.previousVersion(), result.newVersion(), result.alreadyWritten() ? ", already written" : "");
        return result;
    }

    private static long attempted(long[] versions, List<EventData> events) {
        return versions[1] >= 0 ? versions[1] : Math.max(versions[0], 0) + events.size();
    }

    /**
     * What the append function answered.
     *
     * @param version the stream's version before the append (when appended), or its version now
     * @param found   for {@link #FOUND}: the version of each event of the batch in the stream, -1 when absent
     */
    record Outcome(int status, long version, long fence, String closePayload, long[] found) {
    }

    /**
     * Appends in one statement, or answers why not, never raising a refusal. On a connection in auto-commit (an append
     * in a transaction of its own) it first tries the fast path; when that misses, and always inside a transaction,
     * the append function decides. Validation is the caller's.
     */
    Outcome call(Connection connection, String streamId, ExpectedVersion expected, List<EventData> events,
                 long fencingToken) throws SQLException {
        int n = events.size();
        Object[][] columns = {new String[n], new String[n], new Integer[n], new String[n], new String[n],
                new String[n]};
        Instant now = clock.instant();
        for (int i = 0; i < n; i++) {
            EventData event = events.get(i);
            columns[0][i] = event.eventId();
            columns[1][i] = event.type();
            columns[2][i] = event.schemaVersion();
            columns[3][i] = event.payload();
            columns[4][i] = Sql.toJson(event.metadata());
            columns[5][i] = event.recordedAt(now).toString();
        }
        EventData last = events.get(n - 1);
        String closePayload = last.isCloseEvent() ? last.payload() : null;
        List<Array> arrays = new ArrayList<>(COLUMN_TYPES.length);
        try {
            if (connection.getAutoCommit()) {
                Long appended = fastAppend(connection, streamId, expected, fencingToken, closePayload, columns,
                        arrays);
                if (appended != null) {
                    return new Outcome(APPENDED, appended, 0, null, null);
                }
            }
            return callFunction(connection, streamId, expected, fencingToken, closePayload, columns, arrays);
        } finally {
            for (Array array : arrays) {
                if (array != null) {
                    array.free();
                }
            }
        }
    }

    /**
     * The fast path, only for a statement that commits by itself (auto-commit): the version the batch was appended
     * after, or {@code null} when it was not (the update of the stream row missed: a new, closed or fenced stream, or
     * another version; or an event id of the batch is already in the stream, which the unique index refuses, so the
     * statement wrote nothing). The function then decides and answers. A joined or own transaction never takes this
     * path: an error inside it would break the transaction.
     */
    private @Nullable Long fastAppend(Connection connection, String streamId, ExpectedVersion expected,
                                      long fencingToken, @Nullable String closePayload, Object[][] columns,
                                      List<Array> arrays) throws SQLException {
        int n = columns[0].length;
        try (PreparedStatement append = connection.prepareStatement(n == 1 ? fastAppendOne : fastAppendMany)) {
            append.setLong(1, n);
            append.setString(2, closePayload);
            append.setString(3, streamId);
            append.setLong(4, fencingToken < 0 ? Long.MAX_VALUE : fencingToken);
            append.setLong(5, expected.value());
            append.setLong(6, expected.value());
            append.setLong(7, n);
            for (int c = 0; c < columns.length; c++) {
                if (n == 1) {
                    append.setObject(8 + c, columns[c][0]);
                } else {
                    append.setArray(8 + c, array(connection, arrays, c, columns));
                }
            }
            try (ResultSet rs = append.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (SQLException e) {
            if (Sql.UNIQUE_VIOLATION.equals(Sql.sqlState(e))) {
                log.debug("An event id of the batch for stream '{}' is already there; asking the append function",
                        streamId);
                return null;
            }
            throw e;
        }
    }

    /** Calls the append function: appends, or answers why not as a status row. */
    private Outcome callFunction(Connection connection, String streamId, ExpectedVersion expected, long fencingToken,
                                 String closePayload, Object[][] columns, List<Array> arrays) throws SQLException {
        try (PreparedStatement call = connection.prepareStatement(appendCall)) {
            call.setString(1, streamId);
            call.setLong(2, expected.value());
            call.setLong(3, fencingToken);
            for (int c = 0; c < columns.length; c++) {
                call.setArray(4 + c, array(connection, arrays, c, columns));
            }
            call.setString(10, closePayload);
            try (ResultSet rs = call.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("The append function " + appendCall + " answered no row");
                }
                long[] found = null;
                Array foundArray = rs.getArray(5);
                if (foundArray != null) {
                    Object[] values = (Object[]) foundArray.getArray();
                    found = new long[values.length];
                    for (int i = 0; i < values.length; i++) {
                        found[i] = values[i] == null ? -1 : ((Number) values[i]).longValue();
                    }
                    foundArray.free();
                }
                return new Outcome(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getString(4), found);
            }
        }
    }

    /** The SQL array of column {@code c}, made once per append (the fast path and the function may both bind it). */
    private static Array array(Connection connection, List<Array> arrays, int c, Object[][] columns)
            throws SQLException {
        while (arrays.size() <= c) {
            arrays.add(null);
        }
        Array array = arrays.get(c);
        if (array == null) {
            array = connection.createArrayOf(COLUMN_TYPES[c], columns[c]);
            arrays.set(c, array);
        }
        return array;
    }

    /**
     * The append's result, or the refusal the function answered, thrown: the same answers whether the append ran on
     * its own or under a {@link dev.es.engine.store.WriterHold}.
     */
    AppendResult answer(String streamId, ExpectedVersion expected, List<EventData> events, long fencingToken,
                        Outcome outcome) {
        int n = events.size();
        switch (outcome.status()) {
            case APPENDED:
                return new AppendResult(streamId, name, outcome.version(), outcome.version() + n, false);
            case FOUND: {
                Map<String, Long> found = new HashMap<>(n * 2);
                for (int i = 0; i < n && i < outcome.found().length; i++) {
                    if (outcome.found()[i] >= 0) {
                        found.put(events.get(i).eventId(), outcome.found()[i]);
                    }
                }
                long last = Appends.alreadyWritten(streamId, events, id -> found.getOrDefault(id, -1L));
                if (last < 0) {
                    throw new IllegalStateException("The append function found event ids of the batch in stream '"
                            + streamId + "' but none is there");
                }
                return new AppendResult(streamId, name, last - n, last, true);
            }
            case STALE_FENCE:
                throw new StaleFencingTokenException(streamId, fencingToken, outcome.fence());
            case CLOSED:
                throw new EventStreamClosedException(streamId,
                        CloseEvent.fromStored(streamId, "event store '" + name + "'", outcome.closePayload()));
            case WRONG_VERSION:
                throw new WrongExpectedVersionException(streamId, expected, outcome.version());
            default:
                throw new IllegalStateException("The append function answered an unknown status "
                        + outcome.status());
        }
    }

    @Override
    public void delete(String streamId) {
        Identifiers.requireStreamId(streamId);
        try {
            connections.inTransaction(connection -> {
                try (PreparedStatement streams = connection.prepareStatement(deleteStream);
                     PreparedStatement events = connection.prepareStatement(deleteEvents)) {
                    streams.setString(1, streamId);
                    streams.executeUpdate();
                    events.setString(1, streamId);
                    int deleted = events.executeUpdate();
                    log.info("Deleted stream '{}' ({} events) from store '{}'", streamId, deleted, name);
                }
                return null;
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Deleting stream '" + streamId + "' of store '" + name + "' failed", e);
        }
    }

    @Override
    public boolean isReachable() {
        return JdbcHealth.isReachable(connections);
    }

    private static List<StoredEvent> readEvents(PreparedStatement query) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                events.add(new StoredEvent(rs.getString("event_id"), rs.getString("type"),
                        rs.getInt("schema_version"), rs.getLong("version"), rs.getString("payload"),
                        Sql.stringMap(rs.getString("metadata")), Sql.getInstant(rs, "recorded_at")));
            }
        }
        return events;
    }

    @Override
    public String toString() {
        return "JdbcEventStore[" + name + "]";
    }
}
