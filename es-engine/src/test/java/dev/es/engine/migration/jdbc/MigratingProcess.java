package dev.es.engine.migration.jdbc;

import dev.es.engine.event.EventData;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.SqlWork;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The child process of {@link KilledMigrationProcessTest}: over the given PostgreSQL schema, one writer per object
 * appends notes and prints {@code ACK <objectId> <eventId>} once an append returned; one thread per object runs its
 * chain of migrations (to store {@code other}, then, for every second object, back to {@code main}), slowed down so
 * that the parent can kill this process in the middle. It prints {@code COPYING <objectId> <stage>} when a migration
 * starts copying and {@code DONE <objectId> <stage> <status>} when it ends. It never ends by itself before 60 s.
 * <p>
 * Arguments: JDBC URL, schema, lease milliseconds, object ids.
 */
public final class MigratingProcess {

    static final JdbcTables MAIN = JdbcTables.defaults();
    static final JdbcTables OTHER = new JdbcTables("other_");

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private MigratingProcess() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        Duration lease = Duration.ofMillis(Long.parseLong(args[2]));
        List<String> ids = List.of(args).subList(3, args.length);

        JdbcConnections connections = new PooledConnections(url, schema);
        EventStreams streams = new EventStreams(
                EventStoreRegistry.of(new JdbcEventStore("main", connections, MAIN),
                        new JdbcEventStore("other", connections, OTHER)),
                new JdbcDocumentStore(connections, MAIN), new JdbcTagStore(connections, MAIN),
                EventStreamSettings.defaults().withChunkSize(10), "main");
        DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams,
                new JdbcLockProvider(connections, MAIN, new LockSettings(lease, lease.dividedBy(4)),
                        Clock.systemUTC()),
                new JdbcMigrationRoutingTable(connections, MAIN),
                new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());

        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            start("writer-" + id, () -> write(streams, id));
            int stages = i % 2 == 0 ? 2 : 1;
            long delay = 150L * i;
            start("chain-" + id, () -> chain(migrations, id, stages, delay));
        }
        OUT.println("READY");
        Thread.sleep(60_000); // the parent kills this process long before
        System.exit(3);
    }

    private static void start(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
    }

    private static void write(EventStreams streams, String id) {
        EventStream stream = streams.open("Order", id);
        for (int n = 0; ; n++) {
            EventData note = new EventData(null, "NoteAdded", 1, "{\"text\":\"child-" + n + "\"}", null);
            try {
                stream.append(ExpectedVersion.any(), List.of(note));
                OUT.println("ACK " + id + " " + note.eventId());
            } catch (RuntimeException e) {
                OUT.println("WRITE-FAILED " + id + " " + e);
            }
            pause(30);
        }
    }

    private static void chain(DefaultEventStreamMigrationService migrations, String id, int stages, long delay) {
        pause(delay);
        for (int stage = 1; stage <= stages; stage++) {
            int current = stage;
            AtomicBoolean first = new AtomicBoolean(true);
            MigrationResult result = migrations.forDocument("Order", id)
                    .withTargetStore(stage == 1 ? "other" : "main")
                    .withLiveMigration(o -> o.onBeforeAppend(e -> {
                        if (first.getAndSet(false)) {
                            OUT.println("COPYING " + id + " " + current);
                        }
                        pause(4); // slow copying down, so that the kill finds migrations in the middle
                    }))
                    .execute();
            OUT.println("DONE " + id + " " + stage + " " + result.status());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Pooled connections over a schema, each call in its own transaction; a connection that failed is dropped. */
    private static final class PooledConnections implements JdbcConnections {

        private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
        private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();

        PooledConnections(String url, String schema) {
            dataSource.setUrl(url);
            dataSource.setCurrentSchema(schema);
        }

        @Override
        public <T> T inTransaction(SqlWork<T> work) throws SQLException {
            Connection connection = borrow();
            boolean healthy = false;
            try {
                T result = JdbcConnections.inOwnTransaction(connection, work);
                healthy = true;
                return result;
            } finally {
                giveBack(connection, healthy);
            }
        }

        @Override
        public <T> T read(SqlWork<T> work) throws SQLException {
            Connection connection = borrow();
            boolean healthy = false;
            try {
                T result = work.run(connection);
                healthy = true;
                return result;
            } finally {
                giveBack(connection, healthy);
            }
        }

        private Connection borrow() throws SQLException {
            Connection connection = idle.pollFirst();
            return connection != null ? connection : dataSource.getConnection();
        }

        private void giveBack(Connection connection, boolean healthy) {
            if (healthy) {
                idle.offerFirst(connection);
                return;
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // dropped anyway
            }
        }
    }
}
