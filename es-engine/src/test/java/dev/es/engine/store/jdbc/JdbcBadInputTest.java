package dev.es.engine.store.jdbc;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationPhase;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.AbstractBadInputTest;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on PostgreSQL; garbage is written into es's tables with SQL: documents, close events (the stream row's
 * close payload and the event row), routing entries.
 */
class JdbcBadInputTest extends AbstractBadInputTest {

    private static final JdbcTables TABLES = JdbcTables.defaults();
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(TABLES);

    @Override
    protected EventStore createEventStore() {
        return new JdbcEventStore("main", POSTGRES.connections(), TABLES);
    }

    @Override
    protected DocumentStore createDocumentStore() {
        return new JdbcDocumentStore(POSTGRES.connections(), TABLES);
    }

    @Override
    protected long storedItems() {
        return count("SELECT (SELECT count(*) FROM " + TABLES.streams() + ") + (SELECT count(*) FROM "
                + TABLES.events() + ") + (SELECT count(*) FROM " + TABLES.documents() + ") + (SELECT count(*) FROM "
                + TABLES.migrations() + ")");
    }

    @Override
    protected List<Garbling> garblings() {
        return List.of(
                new Garbling("a document's terminated streams that are no array", () -> {
                    sql("UPDATE " + TABLES.documents() + " SET terminated_streams = '{\"not\":\"an array\"}'"
                            + " WHERE object_id = ?", seededId());
                    return Garbled.corrupt(() -> documents.get(OBJECT, seededId()), document());
                }),
                new Garbling("a document's active stream id with path separators", () -> {
                    sql("UPDATE " + TABLES.documents() + " SET active_stream_id = '../../etc/passwd'"
                            + " WHERE object_id = ?", seededId());
                    return Garbled.corrupt(() -> streams.open(OBJECT, seededId()), document());
                }),
                new Garbling("a document's terminated stream with a garbled time", () -> {
                    sql("UPDATE " + TABLES.documents() + " SET terminated_streams = '[{\"streamId\":\"s-1\","
                            + "\"store\":\"main\",\"terminatedAt\":\"yesterday\"}]' WHERE object_id = ?", seededId());
                    return Garbled.corrupt(() -> documents.get(OBJECT, seededId()), document());
                }),
                new Garbling("a close event met by an append", () -> {
                    garbleClose();
                    return Garbled.corrupt(() -> events.append(seededStream(), ExpectedVersion.any(),
                            List.of(EventData.of("T", "{}"))), seededStream());
                }),
                new Garbling("a close event met by a read of the object's version", () -> {
                    garbleClose();
                    return Garbled.corrupt(() -> streams.open(OBJECT, seededId()).version(), seededStream());
                }),
                new Garbling("a routing entry's phase", () -> {
                    String id = savedEntry();
                    sql("UPDATE " + TABLES.migrations() + " SET phase = 'HALF_DONE' WHERE migration_id = ?", id);
                    return Garbled.corrupt(() -> routing().get(id), id);
                }),
                new Garbling("a routing entry's audit trail", () -> {
                    String id = savedEntry();
                    sql("UPDATE " + TABLES.migrations() + " SET audit = '{garbage' WHERE migration_id = ?", id);
                    return Garbled.corrupt(() -> routing().forObject(OBJECT, seededId()), id);
                }));
    }

    private String document() {
        return OBJECT + "/" + seededId();
    }

    /** Closes the seeded stream as a migration would, then garbles the close in both places PostgreSQL keeps it. */
    private void garbleClose() {
        events.append(seededStream(), ExpectedVersion.exactly(1), List.of(new CloseEvent("s-2", "main", "test",
                "m-" + seededId(), 1, 0, Instant.now()).toEventData()));
        String garbage = "{\"continuationStreamId\":\"s-2\",\"lastSourceVersion\":\"many\"}";
        sql("UPDATE " + TABLES.streams() + " SET close_payload = CAST(? AS jsonb) WHERE stream_id = ?", garbage,
                seededStream());
        sql("UPDATE " + TABLES.events() + " SET payload = CAST(? AS jsonb) WHERE stream_id = ? AND type = ?",
                garbage, seededStream(), CloseEvent.TYPE);
    }

    private JdbcMigrationRoutingTable routing() {
        return new JdbcMigrationRoutingTable(POSTGRES.connections(), TABLES);
    }

    private String savedEntry() {
        String id = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        routing().save(new MigrationEntry(id, OBJECT, seededId(), new StreamPointer(seededStream(), "main"),
                new StreamPointer(seededStream() + "-v2", "main"), MigrationPhase.CATCH_UP,
                MigrationStatus.IN_PROGRESS, 0, 0, 1, now, now, null));
        return id;
    }

    private static void sql(String sql, String... parameters) {
        try (Connection connection = POSTGRES.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            if (statement.executeUpdate() < 1) {
                throw new AssertionError("The garbling statement changed no row: " + sql);
            }
        } catch (SQLException e) {
            throw new AssertionError("Cannot garble the store: " + sql, e);
        }
    }

    private static long count(String sql) {
        try (Connection connection = POSTGRES.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError("Cannot count what the store holds", e);
        }
    }
}
