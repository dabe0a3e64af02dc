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
import dev.es.engine.store.WrongExpectedVersionException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event store in PostgreSQL. Each stream has a row in the streams table holding its version and, once closed, its
 * close payload; an append locks that row, so the expected-version check, the closed-stream check, the idempotency
 * check and the batched insert happen in one transaction with no other writer in between. Every step is an index
 * look-up or a write of the appended events: the cost of an append does not grow with the stream. The row also holds
 * the stream's fence, checked under the same lock and raised by an upsert of the row.
 */
public final class JdbcEventStore implements EventStore {

    private static final Logger log = LoggerFactory.getLogger(JdbcEventStore.class);

    private final String name;
    private final JdbcConnections connections;
    private final Clock clock;
    private final String lockStream;
    private final String raiseFence;
    private final String createStream;
    private final String findEventIds;
    private final String insertEvent;
    private final String updateStream;
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
        this.lockStream = "SELECT version, close_payload::text, fence FROM " + streams
                + " WHERE stream_id = ? FOR UPDATE";
        this.raiseFence = "INSERT INTO " + streams + " AS s (stream_id, fence) VALUES (?, ?) ON CONFLICT (stream_id)"
                + " DO UPDATE SET fence = GREATEST(s.fence, EXCLUDED.fence)";
        this.createStream = "INSERT INTO " + streams + " (stream_id) VALUES (?) ON CONFLICT (stream_id) DO NOTHING";
        this.findEventIds = "SELECT event_id, version FROM " + events + " WHERE stream_id = ? AND event_id = ANY (?)";
        this.insertEvent = "INSERT INTO " + events + " (stream_id, version, event_id, type, schema_version, payload,"
                + " metadata, recorded_at) VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?)";
        this.updateStream = "UPDATE " + streams + " SET version = ?, close_payload = CAST(? AS jsonb)"
                + " WHERE stream_id = ?";
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
    public StoredEvent lastEvent(String streamId) {
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
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        Appends.validate(streamId, expected, events);
        return appendChecked(streamId, expected, events, Appends.UNFENCED);
    }

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events, long fencingToken) {
        Appends.validate(streamId, expected, events);
        Appends.requireFencingToken(fencingToken);
        return appendChecked(streamId, expected, events, fencingToken);
    }

    @Override
    public boolean supportsFencing() {
        return true;
    }

    @Override
    public void raiseFence(String streamId, long token) {
        Identifiers.requireStreamId(streamId);
        Appends.requireFencingToken(token);
        try {
            connections.inTransaction(connection -> {
                try (PreparedStatement raise = connection.prepareStatement(raiseFence)) {
                    raise.setString(1, streamId);
                    raise.setLong(2, token);
                    raise.executeUpdate();
                }
                return null;
            });
            log.debug("Raised the fence of stream '{}' of store '{}' to at least {}", streamId, name, token);
        } catch (SQLException e) {
            throw new JdbcStoreException("Raising the fence of stream '" + streamId + "' of store '" + name
                    + "' failed", e);
        }
    }

    private AppendResult appendChecked(String streamId, ExpectedVersion expected, List<EventData> events,
                                       long fencingToken) {
        // the version the append goes after and its last event's, set once the stream row is read: a commit failure
        // then names them, so that CommitFailedException.retryCondition() of an any() append knows where to look
        long[] versions = {expected.value() < 0 ? -1 : expected.value(), -1};
        try {
            return connections.inTransaction(connection -> {
                AppendResult result = append(connection, streamId, expected, events, fencingToken, versions);
                log.debug("Appended {} events to stream '{}' of store '{}' ({} -> {})", events.size(), streamId, name,
                        result.previousVersion(), result.newVersion());
                return result;
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
    }

    private static long attempted(long[] versions, List<EventData> events) {
        return versions[1] >= 0 ? versions[1] : Math.max(versions[0], 0) + events.size();
    }

    private AppendResult append(Connection connection, String streamId, ExpectedVersion expected,
                                List<EventData> events, long fencingToken, long[] versions) throws SQLException {
        // Lock the stream's row, creating it first when the stream is new. A writer already holding it makes us wait
        // for its commit, so we then see its version; waiting in that queue also spaces out contending writers.
        StreamRow row = lockStreamRow(connection, streamId);
        if (row == null) {
            try (PreparedStatement create = connection.prepareStatement(createStream)) {
                create.setString(1, streamId);
                create.executeUpdate();
            }
            row = lockStreamRow(connection, streamId);
            if (row == null) {
                throw new SQLException("Stream row of '" + streamId + "' vanished while appending", "40001");
            }
        }
        // the fence is read under the row lock: a raise (an upsert of this row) waits for this transaction, or this
        // lock waited for the raise and now reads its fence
        Appends.checkFence(streamId, fencingToken, row.fence());
        long current = row.version();
        versions[0] = current;
        versions[1] = current + events.size();
        if (row.closePayload() != null || !expected.matches(current)) {
            return refuse(connection, streamId, expected, events, current, row.closePayload());
        }
        if (current > 0) {
            AppendResult written = alreadyWritten(connection, streamId, events);
            if (written != null) {
                return written;
            }
        }
        Instant now = clock.instant();
        long version = current;
        try (PreparedStatement insert = connection.prepareStatement(insertEvent)) {
            for (EventData event : events) {
                version++;
                insert.setString(1, streamId);
                insert.setLong(2, version);
                insert.setString(3, event.eventId());
                insert.setString(4, event.type());
                insert.setInt(5, event.schemaVersion());
                insert.setString(6, event.payload());
                insert.setString(7, Sql.toJson(event.metadata()));
                Sql.setInstant(insert, 8, event.recordedAt(now));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        EventData last = events.get(events.size() - 1);
        try (PreparedStatement update = connection.prepareStatement(updateStream)) {
            update.setLong(1, version);
            update.setString(2, last.isCloseEvent() ? last.payload() : null);
            update.setString(3, streamId);
            update.executeUpdate();
        }
        return new AppendResult(streamId, name, current, version, false);
    }

    /** The stream's row, locked until the transaction ends; {@code null} when the stream has none yet. */
    private StreamRow lockStreamRow(Connection connection, String streamId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(lockStream)) {
            query.setString(1, streamId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? new StreamRow(rs.getLong(1), rs.getString(2), rs.getLong(3)) : null;
            }
        }
    }

    /**
     * The answer to an append that cannot go ahead as asked: success when its events are already there (an
     * idempotent retry), else the closed stream, else the version conflict.
     */
    private AppendResult refuse(Connection connection, String streamId, ExpectedVersion expected,
                                List<EventData> events, long current, String closePayload) throws SQLException {
        if (current > 0) {
            AppendResult written = alreadyWritten(connection, streamId, events);
            if (written != null) {
                return written;
            }
        }
        if (closePayload != null) {
            throw new EventStreamClosedException(streamId, CloseEvent.fromPayload(closePayload));
        }
        throw new WrongExpectedVersionException(streamId, expected, current);
    }

    private AppendResult alreadyWritten(Connection connection, String streamId, List<EventData> events)
            throws SQLException {
        Map<String, Long> existing = findEventIds(connection, streamId, events);
        if (existing.isEmpty()) {
            return null;
        }
        long last = Appends.alreadyWritten(streamId, events, id -> existing.getOrDefault(id, -1L));
        return last < 0 ? null : new AppendResult(streamId, name, last - events.size(), last, true);
    }

    private record StreamRow(long version, String closePayload, long fence) {
    }

    private Map<String, Long> findEventIds(Connection connection, String streamId, List<EventData> events)
            throws SQLException {
        Object[] ids = events.stream().map(EventData::eventId).toArray();
        Map<String, Long> found = new HashMap<>();
        // A generic plan cached while the table was small probes (stream_id, event_id) by stream_id alone and filters
        // the ids: every append would then cost the length of the stream. Plan with the actual ids instead (PG 12+);
        // LOCAL ends with this transaction.
        try (Statement custom = connection.createStatement()) {
            custom.execute("SET LOCAL plan_cache_mode = force_custom_plan");
        }
        try (PreparedStatement query = connection.prepareStatement(findEventIds)) {
            Array array = connection.createArrayOf("varchar", ids);
            try {
                query.setString(1, streamId);
                query.setArray(2, array);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getLong(2));
                    }
                }
            } finally {
                array.free();
            }
        }
        return found;
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
