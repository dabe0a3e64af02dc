package dev.es.benchmarks;

import com.azure.storage.blob.BlobContainerClient;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.InMemoryMigrationRoutingTable;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.tag.TagStore;
import java.time.Clock;

/**
 * The PostgreSQL schema and the Azurite the es side of every figure uses, and how to build stores over them. es has
 * two table sets in its schema ({@code es_} for the store named {@code main} and the documents, locks and routing;
 * {@code other_} for the store named {@code other}); in a blob container, {@code main} and {@code other} are two
 * prefixes.
 */
final class Backends {

    static final JdbcTables MAIN = JdbcTables.defaults();
    static final JdbcTables OTHER = new JdbcTables("other_");

    enum Kind {
        MEMORY("memory"), JDBC("jdbc"), BLOB("blob");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** The stores one {@code EventStreams} instance (one process) uses. */
    record Env(EventStore main, EventStore other, DocumentStore documents, TagStore tags,
               DistributedLockProvider locks, MigrationRoutingTable routing) {
    }

    final PostgresTestDatabase db;
    final AzuriteExtension azurite;

    Backends(PostgresTestDatabase db, AzuriteExtension azurite) {
        this.db = db;
        this.azurite = azurite;
    }

    EventStore store(Kind kind, String name, JdbcConnections connections, BlobContainerClient container) {
        return switch (kind) {
            case MEMORY -> new InMemoryEventStore(name);
            case JDBC -> new JdbcEventStore(name, connections, "main".equals(name) ? MAIN : OTHER);
            case BLOB -> new BlobEventStore(container, name);
        };
    }

    /**
     * Stores {@code main} of kind {@code mainKind} and {@code other} of kind {@code otherKind}, with documents, tags,
     * locks and the routing table in {@code metadata}: all over {@code connections} and {@code container}, which a
     * second process would open anew.
     */
    Env env(Kind mainKind, Kind otherKind, Kind metadata, JdbcConnections connections,
            BlobContainerClient container) {
        EventStore main = store(mainKind, "main", connections, container);
        EventStore other = store(otherKind, "other", connections, container);
        return switch (metadata) {
            case MEMORY -> new Env(main, other, new InMemoryDocumentStore(), new InMemoryTagStore(),
                    new InMemoryLockProvider(), new InMemoryMigrationRoutingTable());
            case JDBC -> new Env(main, other, new JdbcDocumentStore(connections, MAIN),
                    new JdbcTagStore(connections, MAIN),
                    new JdbcLockProvider(connections, MAIN, LockSettings.defaults(), Clock.systemUTC()),
                    new JdbcMigrationRoutingTable(connections, MAIN));
            case BLOB -> new Env(main, other, new BlobDocumentStore(container), new BlobTagStore(container),
                    new BlobLeaseLockProvider(container), new BlobMigrationRoutingTable(container));
        };
    }

    /** A process's own connections: a new pool over the same schema. */
    JdbcConnections newConnections() {
        return JdbcConnections.of(db.newDataSource());
    }

    /** A process's own client of the same container: a new HTTP client and connection pool. */
    BlobContainerClient reopen(BlobContainerClient container) {
        return azurite.newClient().getBlobContainerClient(container.getBlobContainerName());
    }
}
