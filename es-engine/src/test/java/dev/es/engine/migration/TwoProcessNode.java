package dev.es.engine.migration;

import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;

/**
 * One application instance of {@link TwoProcessKillTest}, built the same way in the test's JVM and in each child
 * ({@link TwoProcessDriver}): events of store {@code main}, documents, tags, locks and routing entries in PostgreSQL
 * (schema given), events of store {@code other} in an Azure Blob container (Azurite, connection string given).
 */
record TwoProcessNode(EventStreams streams, JdbcLockProvider locks, JdbcMigrationRoutingTable routing,
                      DefaultEventStreamMigrationService migrations, PostgresTestDatabase.PooledDataSource pool)
        implements AutoCloseable {

    static final JdbcTables TABLES = JdbcTables.defaults();
    /** Short leases, so that a killed process's locks run out within seconds. */
    static final LockSettings LEASES = new LockSettings(Duration.ofSeconds(2), Duration.ofMillis(500));
    static final int CHUNK_SIZE = 50;

    static TwoProcessNode open(String jdbcUrl, String schema, String blobConnectionString, String container) {
        PostgresTestDatabase.PooledDataSource pool = PostgresTestDatabase.pool(jdbcUrl, schema);
        JdbcConnections connections = JdbcConnections.of(pool);
        var blobs = new BlobServiceClientBuilder().connectionString(blobConnectionString)
                .httpClient(new NettyAsyncHttpClientBuilder().build()).buildClient()
                .getBlobContainerClient(container);
        EventStreams streams = new EventStreams(
                EventStoreRegistry.of(new JdbcEventStore("main", connections, TABLES),
                        new BlobEventStore(blobs, "other", CHUNK_SIZE)),
                new JdbcDocumentStore(connections, TABLES), new JdbcTagStore(connections, TABLES),
                EventStreamSettings.defaults().withChunkSize(CHUNK_SIZE), "main");
        JdbcLockProvider locks = new JdbcLockProvider(connections, TABLES, LEASES, Clock.systemUTC());
        JdbcMigrationRoutingTable routing = new JdbcMigrationRoutingTable(connections, TABLES);
        DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams, locks,
                routing, MigrationDefaults.defaults(), MigrationListener.NONE, Clock.systemUTC());
        return new TwoProcessNode(streams, locks, routing, migrations, pool);
    }

    @Override
    public void close() {
        migrations.close();
        locks.close();
        pool.close();
    }
}
