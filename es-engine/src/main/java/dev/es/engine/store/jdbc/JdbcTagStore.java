package dev.es.engine.store.jdbc;

import dev.es.engine.Identifiers;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.tag.TagStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/** Document and stream tags in PostgreSQL: one row per (thing, tag), indexed by tag. Tagging is idempotent. */
public final class JdbcTagStore implements TagStore {

    private final JdbcConnections connections;
    private final String tagDocument;
    private final String untagDocument;
    private final String documentsWithTag;
    private final String tagsOfDocument;
    private final String tagStream;
    private final String untagStream;
    private final String streamsWithTag;
    private final String tagsOfStream;

    /** A store over {@code dataSource} with the default tables. */
    public JdbcTagStore(DataSource dataSource) {
        this(JdbcConnections.of(dataSource), JdbcTables.defaults());
    }

    public JdbcTagStore(JdbcConnections connections, JdbcTables tables) {
        this.connections = Objects.requireNonNull(connections, "connections");
        String docs = tables.documentTags();
        String streams = tables.streamTags();
        this.tagDocument = "INSERT INTO " + docs + " (object_name, object_id, tag) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING";
        this.untagDocument = "DELETE FROM " + docs + " WHERE object_name = ? AND object_id = ? AND tag = ?";
        this.documentsWithTag = "SELECT object_id FROM " + docs + " WHERE tag = ? AND object_name = ?";
        this.tagsOfDocument = "SELECT tag FROM " + docs + " WHERE object_name = ? AND object_id = ?";
        this.tagStream = "INSERT INTO " + streams + " (store, stream_id, tag) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
        this.untagStream = "DELETE FROM " + streams + " WHERE store = ? AND stream_id = ? AND tag = ?";
        this.streamsWithTag = "SELECT store, stream_id FROM " + streams + " WHERE tag = ?";
        this.tagsOfStream = "SELECT tag FROM " + streams + " WHERE store = ? AND stream_id = ?";
    }

    @Override
    public void tagDocument(String objectName, String objectId, String tag) {
        write(tagDocument, Identifiers.requireObjectName(objectName), Identifiers.requireObjectId(objectId),
                Identifiers.requireTag(tag));
    }

    @Override
    public void untagDocument(String objectName, String objectId, String tag) {
        write(untagDocument, Identifiers.requireObjectName(objectName), Identifiers.requireObjectId(objectId),
                Identifiers.requireTag(tag));
    }

    @Override
    public Set<String> documentsWithTag(String objectName, String tag) {
        return query(documentsWithTag, Identifiers.requireTag(tag), Identifiers.requireObjectName(objectName));
    }

    @Override
    public Set<String> tagsOfDocument(String objectName, String objectId) {
        return query(tagsOfDocument, Identifiers.requireObjectName(objectName), Identifiers.requireObjectId(objectId));
    }

    @Override
    public void tagStream(StreamPointer stream, String tag) {
        Objects.requireNonNull(stream, "stream");
        write(tagStream, stream.store(), stream.streamId(), Identifiers.requireTag(tag));
    }

    @Override
    public void untagStream(StreamPointer stream, String tag) {
        Objects.requireNonNull(stream, "stream");
        write(untagStream, stream.store(), stream.streamId(), Identifiers.requireTag(tag));
    }

    @Override
    public Set<StreamPointer> streamsWithTag(String tag) {
        Identifiers.requireTag(tag);
        try {
            return connections.read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(streamsWithTag)) {
                    query.setString(1, tag);
                    Set<StreamPointer> found = new HashSet<>();
                    try (ResultSet rs = query.executeQuery()) {
                        while (rs.next()) {
                            found.add(new StreamPointer(rs.getString(2), rs.getString(1)));
                        }
                    }
                    return Set.copyOf(found);
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Finding streams tagged '" + tag + "' failed", e);
        }
    }

    @Override
    public Set<String> tagsOfStream(StreamPointer stream) {
        Objects.requireNonNull(stream, "stream");
        return query(tagsOfStream, stream.store(), stream.streamId());
    }

    private void write(String sql, String a, String b, String c) {
        try {
            connections.inOneStatement(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setString(1, a);
                    statement.setString(2, b);
                    statement.setString(3, c);
                    return statement.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Writing tag '" + c + "' of " + a + "/" + b + " failed", e);
        }
    }

    private Set<String> query(String sql, String a, String b) {
        try {
            return connections.read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(sql)) {
                    query.setString(1, a);
                    query.setString(2, b);
                    Set<String> found = new HashSet<>();
                    try (ResultSet rs = query.executeQuery()) {
                        while (rs.next()) {
                            found.add(rs.getString(1));
                        }
                    }
                    return Set.copyOf(found);
                }
            });
        } catch (SQLException e) {
            throw new JdbcStoreException("Reading tags (" + a + ", " + b + ") failed", e);
        }
    }
}
