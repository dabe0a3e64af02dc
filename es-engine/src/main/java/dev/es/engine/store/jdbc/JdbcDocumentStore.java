package dev.es.engine.store.jdbc;

import dev.es.engine.CorruptDataException;
import dev.es.engine.Identifiers;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.internal.Json;
import dev.es.engine.internal.TerminatedStreamJson;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Object documents in PostgreSQL, one row each. The etag is the row's version, drawn from a sequence on every write
 * (so a deleted and re-created document never reuses an old etag); updates and deletes are compare-and-set on it in
 * a single statement.
 */
public final class JdbcDocumentStore implements DocumentStore {

    private final JdbcConnections connections;
    private final String select;
    private final String insert;
    private final String update;
    private final String delete;
    private final String exists;
    private final String listIds;
    private final String listIdsPage;
    private final String listIdsPageAfter;
    private final String listNames;
    private final String table;

    /** A store over {@code dataSource} with the default tables. */
    public JdbcDocumentStore(DataSource dataSource) {
        this(JdbcConnections.of(dataSource), JdbcTables.defaults());
    }

    public JdbcDocumentStore(JdbcConnections connections, JdbcTables tables) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.table = tables.documents();
        String nextEtag = "nextval('" + tables.documentEtagSequence() + "')";
        this.select = "SELECT active_stream_id, active_store, terminated_streams::text AS terminated_streams,"
                + " tags::text AS tags, row_version FROM " + table + " WHERE object_name = ? AND object_id = ?";
        this.insert = "INSERT INTO " + table + " (active_stream_id, active_store, terminated_streams, tags,"
                + " object_name, object_id, row_version) VALUES (?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, "
                + nextEtag + ") ON CONFLICT (object_name, object_id) DO NOTHING RETURNING row_version";
        this.update = "UPDATE " + table + " SET active_stream_id = ?, active_store = ?,"
                + " terminated_streams = CAST(? AS jsonb), tags = CAST(? AS jsonb), row_version = " + nextEtag
                + ", updated_at = now() WHERE object_name = ? AND object_id = ? AND row_version = ?"
                + " RETURNING row_version";
        this.delete = "DELETE FROM " + table + " WHERE object_name = ? AND object_id = ? AND row_version = ?";
        this.exists = "SELECT 1 FROM " + table + " WHERE object_name = ? AND object_id = ?";
        this.listIds = "SELECT object_id FROM " + table + " WHERE object_name = ?";
        // COLLATE "C": the order of String.compareTo for the ids' characters, whatever the database's collation
        this.listIdsPage = listIds + " ORDER BY object_id COLLATE \"C\" LIMIT ?";
        this.listIdsPageAfter = listIds + " AND object_id COLLATE \"C\" > ? ORDER BY object_id COLLATE \"C\" LIMIT ?";
        this.listNames = "SELECT DISTINCT object_name FROM " + table;
    }

    @Override
    public Optional<ObjectDocument> get(String objectName, String objectId) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireObjectId(objectId);
        return call("Reading document " + objectName + "/" + objectId, () -> connections.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(select)) {
                query.setString(1, objectName);
                query.setString(2, objectId);
                try (ResultSet rs = query.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(new ObjectDocument(objectName, objectId,
                                new StreamPointer(rs.getString("active_stream_id"), rs.getString("active_store")),
                                terminatedFromJson(rs.getString("terminated_streams")),
                                Sql.stringMap(rs.getString("tags")), String.valueOf(rs.getLong("row_version"))));
                    } catch (RuntimeException garbled) { // a row changed outside es: name it, not the parser
                        throw new CorruptDataException("document " + objectName + "/" + objectId, "table " + table,
                                CorruptDataException.reasonOf(garbled), garbled);
                    }
                }
            }
        }));
    }

    @Override
    public ObjectDocument create(ObjectDocument document) {
        Objects.requireNonNull(document, "document");
        Long version = call("Creating document " + key(document), () -> connections.inOneStatement(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                bind(statement, document);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        }));
        if (version == null) {
            throw new DocumentConcurrencyException(document.objectName(), document.objectId(), null);
        }
        return document.withEtag(String.valueOf(version));
    }

    @Override
    public ObjectDocument update(ObjectDocument document) {
        Objects.requireNonNull(document, "document");
        long expected = etagVersion(document.objectName(), document.objectId(), document.etag());
        Long version = call("Updating document " + key(document), () -> connections.inOneStatement(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(update)) {
                bind(statement, document);
                statement.setLong(7, expected);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        }));
        if (version == null) {
            throw new DocumentConcurrencyException(document.objectName(), document.objectId(), document.etag(), false);
        }
        return document.withEtag(String.valueOf(version));
    }

    @Override
    public void delete(String objectName, String objectId, String etag) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireObjectId(objectId);
        boolean stale = call("Deleting document " + objectName + "/" + objectId,
                () -> connections.inTransaction(connection -> {
                    if (isEtagNumber(etag)) {
                        try (PreparedStatement statement = connection.prepareStatement(delete)) {
                            statement.setString(1, objectName);
                            statement.setString(2, objectId);
                            statement.setLong(3, Long.parseLong(etag));
                            if (statement.executeUpdate() == 1) {
                                return false;
                            }
                        }
                    }
                    try (PreparedStatement query = connection.prepareStatement(exists)) {
                        query.setString(1, objectName);
                        query.setString(2, objectId);
                        try (ResultSet rs = query.executeQuery()) {
                            return rs.next();
                        }
                    }
                }));
        if (stale) {
            throw new DocumentConcurrencyException(objectName, objectId, etag, false);
        }
    }

    @Override
    public List<String> objectIds(String objectName, @Nullable String after, int limit) {
        Identifiers.requireObjectName(objectName);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        return call("Listing a page of documents of " + objectName, () -> connections.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(after == null ? listIdsPage
                    : listIdsPageAfter)) {
                int i = 1;
                query.setString(i++, objectName);
                if (after != null) {
                    query.setString(i++, after);
                }
                query.setInt(i, limit);
                List<String> ids = new ArrayList<>(Math.min(limit, 1024));
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }
        }));
    }

    @Override
    public List<String> objectIds(String objectName) {
        Identifiers.requireObjectName(objectName);
        return call("Listing documents of " + objectName, () -> connections.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(listIds)) {
                query.setString(1, objectName);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }
        }));
    }

    @Override
    public List<String> objectNames() {
        return call("Listing object names", () -> connections.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(listNames);
                 ResultSet rs = query.executeQuery()) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
                return names;
            }
        }));
    }

    @Override
    public boolean isReachable() {
        return JdbcHealth.isReachable(connections);
    }

    private static void bind(PreparedStatement statement, ObjectDocument document) throws SQLException {
        statement.setString(1, document.active().streamId());
        statement.setString(2, document.active().store());
        statement.setString(3, terminatedToJson(document.terminatedStreams()));
        statement.setString(4, Sql.toJson(document.tags()));
        statement.setString(5, document.objectName());
        statement.setString(6, document.objectId());
    }

    private static long etagVersion(String objectName, String objectId, String etag) {
        if (!isEtagNumber(etag)) {
            throw new DocumentConcurrencyException(objectName, objectId, etag, false);
        }
        return Long.parseLong(etag);
    }

    private static boolean isEtagNumber(String etag) {
        return etag != null && !etag.isEmpty() && etag.length() < 19 && etag.chars().allMatch(Character::isDigit);
    }

    private static String key(ObjectDocument document) {
        return document.objectName() + "/" + document.objectId();
    }

    static String terminatedToJson(List<TerminatedStream> streams) {
        ArrayNode array = Json.mapper().createArrayNode();
        streams.forEach(t -> TerminatedStreamJson.write(array.addObject(), t));
        return Json.mapper().writeValueAsString(array);
    }

    static List<TerminatedStream> terminatedFromJson(String json) {
        List<TerminatedStream> list = new ArrayList<>();
        JsonNode array = Json.tree(json);
        if (!array.isArray()) {
            throw new IllegalArgumentException("terminated_streams is not a JSON array");
        }
        for (JsonNode n : array) {
            if (!n.isObject()) {
                throw new IllegalArgumentException("an element of terminated_streams is not a JSON object");
            }
            list.add(TerminatedStreamJson.read(n));
        }
        return list;
    }

    private static <T> T call(String what, SqlCall<T> call) {
        try {
            return call.run();
        } catch (SQLException e) {
            throw new JdbcStoreException(what + " failed", e);
        }
    }

    @FunctionalInterface
    interface SqlCall<T> {
        T run() throws SQLException;
    }
}
