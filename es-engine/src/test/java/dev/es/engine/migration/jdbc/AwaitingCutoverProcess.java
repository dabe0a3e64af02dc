package dev.es.engine.migration.jdbc;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The child process of {@link KilledWhileAwaitingCutoverTest}: starts a migration of one object to store
 * {@code other} with a manual cutover, prints {@code AWAITING <migrationId> <status>} once its routing entry says it
 * waits for its cutover, and then
 * waits to be killed. It never ends by itself before 60 s.
 * <p>
 * Arguments: JDBC URL, schema, lease milliseconds, object id.
 */
public final class AwaitingCutoverProcess {

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private AwaitingCutoverProcess() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(args[0]);
        dataSource.setCurrentSchema(args[1]);
        Duration lease = Duration.ofMillis(Long.parseLong(args[2]));
        String id = args[3];
        JdbcConnections connections = JdbcConnections.of(dataSource);
        EventStreams streams = new EventStreams(
                EventStoreRegistry.of(new JdbcEventStore("main", connections, MigratingProcess.MAIN),
                        new JdbcEventStore("other", connections, MigratingProcess.OTHER)),
                new JdbcDocumentStore(connections, MigratingProcess.MAIN),
                new JdbcTagStore(connections, MigratingProcess.MAIN),
                EventStreamSettings.defaults().withChunkSize(10), "main");
        DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams,
                new JdbcLockProvider(connections, MigratingProcess.MAIN, new LockSettings(lease, lease.dividedBy(4)),
                        Clock.systemUTC()),
                new JdbcMigrationRoutingTable(connections, MigratingProcess.MAIN),
                new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(20),
                        ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover()
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // once the routing table says so: what survives the kill
        while (migrations.get(handle.migrationId()).map(e -> e.status() != MigrationStatus.AWAITING_CUTOVER)
                .orElse(true) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        OUT.println("AWAITING " + handle.migrationId() + " " + migrations.get(handle.migrationId())
                .map(e -> e.status().name()).orElse("none"));
        Thread.sleep(60_000); // the parent kills this process long before
        System.exit(3);
    }
}
