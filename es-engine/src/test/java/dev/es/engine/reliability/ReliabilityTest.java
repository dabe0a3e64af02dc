package dev.es.engine.reliability;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The long randomized run of the {@code reliability} profile ({@code mvn -B -pl es-engine -am verify -Preliability
 * -Dtest=ReliabilityTest -Dsurefire.failIfNoSpecifiedTests=false}): 10,000 seeds on the memory store, and a few
 * hundred on PostgreSQL and on Azure Blob (Azurite), each scenario checked by the history checker. The counts are
 * {@code reliability.memorySeeds}, {@code .jdbcSeeds} and {@code .blobSeeds}. Tagged {@code reliability}, which the
 * normal build excludes.
 */
@Tag("reliability")
class ReliabilityTest {

    private static final JdbcTables MAIN = new JdbcTables("rel_");
    private static final JdbcTables OTHER = new JdbcTables("rel_other_");

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(MAIN, OTHER);

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void memory() {
        Seeds.run("memory", 1, Integer.getInteger("reliability.memorySeeds", 10_000), Seeds::memory);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void postgres() {
        Seeds.run("postgres", 100_001, Integer.getInteger("reliability.jdbcSeeds", 500), seed ->
                new ScenarioStores(new JdbcEventStore("main", POSTGRES.connections(), MAIN),
                        new JdbcEventStore("other", POSTGRES.connections(), OTHER),
                        new JdbcDocumentStore(POSTGRES.connections(), MAIN),
                        new JdbcTagStore(POSTGRES.connections(), MAIN),
                        new JdbcMigrationRoutingTable(POSTGRES.connections(), MAIN),
                        i -> new JdbcLockProvider(POSTGRES.connections(), MAIN, LockSettings.defaults(),
                                Clock.systemUTC()), null));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void azureBlob() {
        Seeds.run("blob", 200_001, Integer.getInteger("reliability.blobSeeds", 300), seed -> {
            var meta = AZURITE.newContainer();
            return new ScenarioStores(new BlobEventStore(AZURITE.newContainer(), "main", 10),
                    new BlobEventStore(AZURITE.newContainer(), "other", 10), new BlobDocumentStore(meta),
                    new BlobTagStore(meta), new BlobMigrationRoutingTable(meta), i -> new BlobLeaseLockProvider(meta),
                    null);
        });
    }
}
