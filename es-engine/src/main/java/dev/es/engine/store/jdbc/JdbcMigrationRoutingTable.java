package dev.es.engine.store.jdbc;

import dev.es.engine.CorruptDataException;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.migration.MigrationAuditRecord;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationPhase;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.migration.RollbackSupport;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The migration routing table in PostgreSQL: one row per migration, replaced whole by a save unless the stored row
 * has a higher fencing token (one upsert whose update is conditional on the token).
 */
public final class JdbcMigrationRoutingTable implements MigrationRoutingTable {

    private static final String COLUMNS = "migration_id, object_name, object_id, source_stream_id, source_store,"
            + " target_stream_id, target_store, phase, status, events_copied, events_behind, fencing_token,"
            + " started_at, updated_at, error, backup_id, audit, rollback_migration_id, rollback_support";
    private static final String ORDER = " ORDER BY started_at ASC NULLS FIRST, migration_id";

    /** The audit trail and the rollback support as JSON (records with ISO-8601 instants). */
    private static final JsonMapper AUDIT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final TypeReference<List<MigrationAuditRecord>> AUDIT_LIST = new TypeReference<>() {
    };

    private final JdbcConnections connections;
    private final String table;
    private final String upsert;
    private final String selectOne;
    private final String selectAll;
    private final String selectActive;
    private final String selectObject;
    private final String delete;

    /** A table over {@code dataSource} with the default tables. */
    public JdbcMigrationRoutingTable(DataSource dataSource) {
        this(JdbcConnections.of(dataSource), JdbcTables.defaults());
    }

    public JdbcMigrationRoutingTable(JdbcConnections connections, JdbcTables tables) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.table = tables.migrations();
        this.upsert = "INSERT INTO " + table + " AS m (" + COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (migration_id) DO UPDATE SET object_name = EXCLUDED.object_name,"
                + " object_id = EXCLUDED.object_id, source_stream_id = EXCLUDED.source_stream_id,"
                + " source_store = EXCLUDED.source_store, target_stream_id = EXCLUDED.target_stream_id,"
                + " target_store = EXCLUDED.target_store, phase = EXCLUDED.phase, status = EXCLUDED.status,"
                + " events_copied = EXCLUDED.events_copied, events_behind = EXCLUDED.events_behind,"
                + " fencing_token = EXCLUDED.fencing_token, started_at = EXCLUDED.started_at,"
                + " updated_at = EXCLUDED.updated_at, error = EXCLUDED.error, backup_id = EXCLUDED.backup_id,"
                + " audit = EXCLUDED.audit, rollback_migration_id = EXCLUDED.rollback_migration_id,"
                + " rollback_support = EXCLUDED.rollback_support"
                + " WHERE m.fencing_token <= EXCLUDED.fencing_token";
        this.selectOne = "SELECT " + COLUMNS + " FROM " + table + " WHERE migration_id = ?";
        this.selectAll = "SELECT " + COLUMNS + " FROM " + table + ORDER;
        this.selectActive = "SELECT " + COLUMNS + " FROM " + table + " WHERE status <> ALL (?)" + ORDER;
        this.selectObject = "SELECT " + COLUMNS + " FROM " + table + " WHERE object_name = ? AND object_id = ?"
                + ORDER;
        this.delete = "DELETE FROM " + table + " WHERE migration_id = ?";
    }

    @Override
    public boolean save(MigrationEntry entry) {
        Objects.requireNonNull(entry, "entry");
        try {
            int written = connections.inOneStatement(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(upsert)) {
                    statement.setString(1, entry.migrationId());
                    statement.setString(2, entry.objectName());
                    statement.setString(3, entry.objectId());
                    statement.setString(4, entry.source().streamId());
                    statement.setString(5, entry.source().store());
                    statement.setString(6, entry.target().streamId());
                    statement.setString(7, entry.target().store());
                    statement.setString(8, entry.phase().name());
                    statement.setString(9, entry.status().name());
                    statement.setLong(10, entry.eventsCopied());
                    statement.setLong(11, entry.eventsBehind());
                    statement.setLong(12, entry.fencingToken());
                    Sql.setInstant(statement, 13, entry.startedAt());
                    Sql.setInstant(statement, 14, entry.updatedAt());
                    statement.setString(15, entry.error());
                    statement.setString(16, entry.backupId());
                    statement.setString(17, AUDIT.writeValueAsString(entry.audit()));
                    statement.setString(18, entry.rollbackMigrationId());
                    statement.setString(19, entry.rollbackSupport() == null ? null
                            : AUDIT.writeValueAsString(entry.rollbackSupport()));
                    return statement.executeUpdate();
                }
            });
            return written == 1;
        } catch (SQLException e) {
            throw new JdbcStoreException("Saving migration " + entry.migrationId() + " failed", e);
        }
    }

    private static List<MigrationAuditRecord> audit(@Nullable String json) {
        return json == null || json.isEmpty() ? List.of() : AUDIT.readValue(json, AUDIT_LIST);
    }

    private static @Nullable RollbackSupport rollbackSupport(@Nullable String json) {
        return json == null || json.isEmpty() ? null : AUDIT.readValue(json, RollbackSupport.class);
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        Objects.requireNonNull(migrationId, "migrationId");
        List<MigrationEntry> found = query(selectOne, null, migrationId);
        return found.stream().findFirst();
    }

    @Override
    public List<MigrationEntry> active() {
        Object[] terminal = Arrays.stream(MigrationStatus.values()).filter(MigrationStatus::isTerminal)
                .map(Enum::name).toArray();
        return query(selectActive, terminal);
    }

    @Override
    public List<MigrationEntry> all() {
        return query(selectAll, null);
    }

    @Override
    public List<MigrationEntry> forObject(String objectName, String objectId) {
        Objects.requireNonNull(objectName, "objectName");
        Objects.requireNonNull(objectId, "objectId");
        return query(selectObject, null, objectName, objectId);
    }

    @Override
    public void delete(String migrationId) {
        Objects.requireNonNull(migrationId, "migrationId");
        try {
            connections.inOneStatement(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(delete)) {
                    statement.setString(1, migrationId);
                    return statement.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Deleting migration " + migrationId + " failed", e);
        }
    }

    @Override
    public boolean isReachable() {
        return JdbcHealth.isReachable(connections);
    }

    /** Runs {@code sql} with the statuses as its one array parameter, or else with the strings as its parameters. */
    private List<MigrationEntry> query(String sql, Object[] statuses, String... parameters) {
        try {
            return connections.read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(sql)) {
                    Array array = null;
                    if (statuses != null) {
                        array = connection.createArrayOf("varchar", statuses);
                        query.setArray(1, array);
                    }
                    for (int i = 0; i < parameters.length; i++) {
                        query.setString(i + 1, parameters[i]);
                    }
                    List<MigrationEntry> entries = new ArrayList<>();
                    try (ResultSet rs = query.executeQuery()) {
                        while (rs.next()) {
                            entries.add(entry(rs));
                        }
                    } finally {
                        if (array != null) {
                            array.free();
                        }
                    }
                    return entries;
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Reading the migration routing table failed", e);
        }
    }

    /** The entry of the current row; a row changed outside es is a {@link CorruptDataException} naming it. */
    private MigrationEntry entry(ResultSet rs) throws SQLException {
        String migrationId = rs.getString("migration_id");
        try {
            return new MigrationEntry(migrationId, rs.getString("object_name"),
                    rs.getString("object_id"),
                    new StreamPointer(rs.getString("source_stream_id"), rs.getString("source_store")),
                    new StreamPointer(rs.getString("target_stream_id"), rs.getString("target_store")),
                    MigrationPhase.valueOf(rs.getString("phase")),
                    MigrationStatus.valueOf(rs.getString("status")), rs.getLong("events_copied"),
                    rs.getLong("events_behind"), rs.getLong("fencing_token"),
                    Sql.getInstant(rs, "started_at"), Sql.getInstant(rs, "updated_at"),
                    rs.getString("error"), rs.getString("backup_id"), audit(rs.getString("audit")),
                    rs.getString("rollback_migration_id"),
                    rollbackSupport(rs.getString("rollback_support")));
        } catch (RuntimeException garbled) {
            throw new CorruptDataException("routing entry " + migrationId, "table " + table,
                    CorruptDataException.reasonOf(garbled), garbled);
        }
    }
}
