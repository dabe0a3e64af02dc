package dev.es.benchmarks;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AppendBlobRequestConditions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import dev.es.engine.event.EventData;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.PostgresEventTableFactory;
import org.axonframework.serialization.json.JacksonSerializer;

/** The subjects and references of figures 1 and 2. */
final class Targets {

    private Targets() {
    }

    /**
     * Checked when a writer is closed, after its round: its stream holds exactly what it appended (so that no side
     * is measured writing less than it was asked to, for example appends that were never committed).
     */
    static void check(String label, String streamId, long found, long expected) {
        if (found != expected) {
            throw new IllegalStateException(label + ": stream " + streamId + " holds " + found + " where its writer"
                    + " appended " + expected);
        }
    }

    /** An es store, appended to with exact expected versions. */
    static AppendTarget es(EventStore store) {
        return new AppendTarget() {
            @Override
            public String label() {
                return "es " + store.getClass().getSimpleName();
            }

            @Override
            public Writer open(String streamId, int batch) throws Exception {
                store.append(streamId, ExpectedVersion.noStream(), Events.batch(batch));
                return new Writer() {
                    long version = batch;

                    @Override
                    public void append() {
                        store.append(streamId, ExpectedVersion.exactly(version), Events.batch(batch));
                        version += batch;
                    }

                    @Override
                    public void close() {
                        long stored = store.version(streamId);
                        store.delete(streamId);
                        Targets.check(label(), streamId, stored, version);
                    }
                };
            }
        };
    }

    /**
     * The in-memory minimum: a list per stream, an append checks the expected version and adds records (a random id,
     * the payload, the time) under the stream's monitor.
     */
    static AppendTarget rawMemory() {
        record Row(String eventId, String type, long version, String payload, Instant recordedAt) {
        }
        Map<String, List<Row>> streams = new ConcurrentHashMap<>();
        return new AppendTarget() {
            @Override
            public String label() {
                return "raw in-memory list";
            }

            @Override
            public Writer open(String streamId, int batch) throws Exception {
                List<Row> rows = streams.computeIfAbsent(streamId, id -> new ArrayList<>());
                Writer writer = new Writer() {
                    long version;

                    @Override
                    public void append() {
                        synchronized (rows) {
                            if (rows.size() != version) {
                                throw new IllegalStateException("version moved");
                            }
                            Instant now = Instant.now();
                            for (int i = 0; i < batch; i++) {
                                rows.add(new Row(UUID.randomUUID().toString(), Events.TYPE, ++version, Events.PAYLOAD,
                                        now));
                            }
                        }
                    }

                    @Override
                    public void close() {
                        List<Row> removed = streams.remove(streamId);
                        Targets.check(label(), streamId, removed == null ? 0 : removed.size(), version);
                    }
                };
                writer.append();
                return writer;
            }
        };
    }

    /**
     * The PostgreSQL minimum: one multi-row INSERT (one round trip, auto-commit) into a table keyed by
     * {@code (stream_id, version)}, in a schema of its own of the same database.
     */
    static AppendTarget rawJdbc(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS raw_events (stream_id varchar(256) NOT NULL, version bigint NOT NULL,"
                    + " event_id varchar(100) NOT NULL, type varchar(200) NOT NULL, schema_version integer NOT NULL,"
                    + " payload jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL,"
                    + " CONSTRAINT raw_events_pk PRIMARY KEY (stream_id, version))");
        }
        Map<Integer, String> statements = new ConcurrentHashMap<>();
        return new AppendTarget() {
            @Override
            public String label() {
                return "plain multi-row INSERT";
            }

            @Override
            public Writer open(String streamId, int batch) throws Exception {
                String sql = statements.computeIfAbsent(batch, n -> {
                    StringBuilder b = new StringBuilder("INSERT INTO raw_events (stream_id, version, event_id, type,"
                            + " schema_version, payload, metadata, recorded_at) VALUES ");
                    for (int i = 0; i < n; i++) {
                        b.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?)");
                    }
                    return b.toString();
                });
                Writer writer = new Writer() {
                    long version;

                    @Override
                    public void append() throws SQLException {
                        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
                        try (Connection c = dataSource.getConnection();
                             PreparedStatement insert = c.prepareStatement(sql)) {
                            int p = 1;
                            for (int i = 0; i < batch; i++) {
                                insert.setString(p++, streamId);
                                insert.setLong(p++, version + i + 1);
                                insert.setString(p++, UUID.randomUUID().toString());
                                insert.setString(p++, Events.TYPE);
                                insert.setInt(p++, 1);
                                insert.setString(p++, Events.PAYLOAD);
                                insert.setString(p++, "{}");
                                insert.setObject(p++, now);
                            }
                            insert.executeUpdate();
                        }
                        version += batch;
                    }

                    @Override
                    public void close() throws SQLException {
                        try (Connection c = dataSource.getConnection(); PreparedStatement delete =
                                c.prepareStatement("DELETE FROM raw_events WHERE stream_id = ?")) {
                            delete.setString(1, streamId);
                            Targets.check(label(), streamId, delete.executeUpdate(), version);
                        }
                    }
                };
                writer.append();
                return writer;
            }
        };
    }

    /**
     * The Azure Blob minimum: one append blob per stream, each append one {@code appendBlock} on the condition of
     * the append position the writer knows (so that two writers could never both append), the events as JSON lines.
     */
    static AppendTarget rawBlob(BlobContainerClient container) {
        Duration timeout = Duration.ofSeconds(60);
        return new AppendTarget() {
            @Override
            public String label() {
                return "plain conditional appendBlock";
            }

            @Override
            public Writer open(String streamId, int batch) throws Exception {
                AppendBlobClient blob = container.getBlobClient("raw/" + streamId).getAppendBlobClient();
                blob.create();
                Writer writer = new Writer() {
                    long version;
                    long position;

                    @Override
                    public void append() {
                        String at = Instant.now().toString();
                        StringBuilder lines = new StringBuilder(batch * 300);
                        for (int i = 0; i < batch; i++) {
                            lines.append("{\"id\":\"").append(UUID.randomUUID()).append("\",\"type\":\"")
                                    .append(Events.TYPE).append("\",\"sv\":1,\"v\":").append(version + i + 1)
                                    .append(",\"at\":\"").append(at).append("\",\"md\":{},\"p\":")
                                    .append(Events.PAYLOAD).append("}\n");
                        }
                        byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
                        blob.appendBlockWithResponse(new ByteArrayInputStream(body), body.length, null,
                                new AppendBlobRequestConditions().setAppendPosition(position), timeout, Context.NONE);
                        position += body.length;
                        version += batch;
                    }

                    @Override
                    public void close() {
                        long size = blob.getProperties().getBlobSize();
                        blob.delete();
                        Targets.check(label(), streamId, size, position);
                    }
                };
                writer.append();
                return writer;
            }
        };
    }

    /**
     * Axon Framework 4's {@link JdbcEventStorageEngine} over a plain DataSource (its own schema of the same database),
     * no transaction manager (each append is Axon's JDBC batch on an auto-commit connection), Jackson serializer;
     * appends {@link DomainEventMessage}s with sequence numbers, one aggregate per writer.
     */
    static AppendTarget axon(DataSource dataSource) {
        ConnectionProvider connections = dataSource::getConnection;
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                .connectionProvider(connections)
                .transactionManager(NoTransactionManager.INSTANCE)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .build();
        engine.createSchema(PostgresEventTableFactory.INSTANCE);
        String serialized = serializer.serialize(new Events.NoteAdded(), String.class).getData();
        if (!serialized.equals(Events.PAYLOAD)) {
            throw new IllegalStateException("Axon's payload is not es's: " + serialized);
        }
        return new AppendTarget() {
            @Override
            public String label() {
                return "Axon JdbcEventStorageEngine";
            }

            @Override
            public Writer open(String streamId, int batch) throws Exception {
                Writer writer = new Writer() {
                    long sequence;

                    @Override
                    public void append() {
                        List<DomainEventMessage<?>> events = new ArrayList<>(batch);
                        for (int i = 0; i < batch; i++) {
                            events.add(new GenericDomainEventMessage<>("Order", streamId, sequence++,
                                    new Events.NoteAdded()));
                        }
                        engine.appendEvents(events);
                    }

                    @Override
                    public void close() throws SQLException {
                        try (Connection c = dataSource.getConnection(); PreparedStatement delete =
                                c.prepareStatement("DELETE FROM domainevententry WHERE aggregateidentifier = ?")) {
                            delete.setString(1, streamId);
                            Targets.check(label(), streamId, delete.executeUpdate(), sequence);
                        }
                    }
                };
                writer.append();
                return writer;
            }
        };
    }
}
