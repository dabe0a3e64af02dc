package dev.es.engine.migration.jdbc;

import dev.es.engine.ErrorCategory;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.resilience.ResilienceSettings;
import dev.es.engine.resilience.StoreResilience;
import dev.es.engine.resilience.StoreUnavailableException;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.FlakyDataSource;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.support.Orders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * Transient faults on PostgreSQL (issue 15): the event stores' connections are refused or dropped under a running
 * migration ({@link FlakyDataSource} over the real database). Transient ones are retried with backoff and the migration
 * completes with every event once; without retries the same faults fail it; a fatal one fails it at once, with the
 * cause, tried once.
 */
class JdbcTransientFaultsTest {

    private static final JdbcTables MAIN = JdbcTables.defaults();
    private static final JdbcTables OTHER = new JdbcTables("other_");
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(MAIN, OTHER);

    private FlakyDataSource flaky;
    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUp() {
        flaky = new FlakyDataSource(POSTGRES.dataSource());
        JdbcConnections flakyConnections = JdbcConnections.of(flaky);
        // the event stores are flaky; documents, routing entries and locks stay on the plain data source, so that
        // each test knows which calls meet its faults
        streams = new EventStreams(EventStoreRegistry.of(new JdbcEventStore("main", flakyConnections, MAIN),
                new JdbcEventStore("other", flakyConnections, OTHER)),
                new JdbcDocumentStore(POSTGRES.connections(), MAIN), new JdbcTagStore(POSTGRES.connections(), MAIN),
                EventStreamSettings.defaults().withChunkSize(50), "main");
        migrations = new DefaultEventStreamMigrationService(streams,
                new JdbcLockProvider(POSTGRES.connections(), MAIN, LockSettings.defaults(), Clock.systemUTC()),
                new JdbcMigrationRoutingTable(POSTGRES.connections(), MAIN), MigrationDefaults.defaults(),
                MigrationListener.NONE, Clock.systemUTC());
        migrations.useResilience(StoreResilience.of(ResilienceSettings.defaults()
                .withRetry(5, Duration.ofMillis(10), Duration.ofMillis(100))));
    }

    @AfterEach
    void tearDown() {
        migrations.close();
    }

    @Test
    void refusedAndDroppedConnectionsAreRetriedAndTheMigrationCompletes() {
        String id = Orders.withNotes(streams, 120);
        List<String> before = Orders.eventIds(streams, id);
        flaky.failConnections(2, "08001");
        AtomicBoolean first = new AtomicBoolean(true);

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                // the copy's appends and the reads after them find their connections dropped
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        flaky.dropStatements(3);
                    }
                }))
                .execute();

        assertThat(result.status()).as("result %s", result).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(flaky.pending()).as("every fault was injected").isZero();
        assertThat(flaky.injected()).isEqualTo(5);
        assertThat(streams.documents().get("Order", id).orElseThrow().active().store()).isEqualTo("other");
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(before);
    }

    @Test
    void aRoutingTableThatRefusesConnectionsWhenTheMigrationIsLaunchedIsTriedAgain() {
        String id = Orders.withNotes(streams, 5);
        FlakyDataSource flakyRouting = new FlakyDataSource(POSTGRES.dataSource());
        try (DefaultEventStreamMigrationService service = new DefaultEventStreamMigrationService(streams,
                new JdbcLockProvider(POSTGRES.connections(), MAIN, LockSettings.defaults(), Clock.systemUTC()),
                new JdbcMigrationRoutingTable(JdbcConnections.of(flakyRouting), MAIN), MigrationDefaults.defaults(),
                MigrationListener.NONE, Clock.systemUTC())) {
            service.useResilience(StoreResilience.of(ResilienceSettings.defaults()
                    .withRetry(5, Duration.ofMillis(10), Duration.ofMillis(100))));
            // the launch's read of the object's routing entries meets both
            flakyRouting.failConnections(2, "08001");

            MigrationResult result = service.forDocument("Order", id).withTargetStore("other").execute();

            assertThat(result.status()).as("result %s", result).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(flakyRouting.injected()).isEqualTo(2);
        }
    }

    @Test
    void withoutRetriesTheSameFaultsFailTheMigrationWithTheCause() {
        migrations.useResilience(StoreResilience.none());
        String id = Orders.withNotes(streams, 20);
        flaky.failConnections(2, "08001");

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(causes(result.error())).anySatisfy(c -> assertThat(c).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001"));
        assertThat(ErrorCategory.of(rootSql(result.error()))).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(streams.documents().get("Order", id).orElseThrow().active().store()).isEqualTo("main");
    }

    @Test
    void aFatalErrorFailsTheMigrationAtOnceWithItsCause() {
        String id = Orders.withNotes(streams, 20);
        List<String> before = Orders.eventIds(streams, id);
        flaky.failConnections(3, "42501"); // insufficient_privilege: no retry helps

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(flaky.injected()).as("tried once, not retried").isEqualTo(1);
        assertThat(rootSql(result.error()).getSQLState()).isEqualTo("42501");
        assertThat(ErrorCategory.of(rootSql(result.error()))).isEqualTo(ErrorCategory.FAILURE);
        // the source is untouched and writable
        flaky.failConnections(0, "08001");
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(before);
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(EventData.of("NoteAdded", "{}")));
        assertThat(Orders.eventIds(streams, id)).hasSize(before.size() + 1);
    }

    @Test
    void aStoreThatKeepsFailingOpensItsBreakerAndTheNextMigrationFailsFast() {
        StoreResilience resilience = StoreResilience.of(ResilienceSettings.defaults()
                .withRetry(3, Duration.ofMillis(5), Duration.ofMillis(20))
                .withCircuitBreaker(50, 3, 3, Duration.ofMinutes(5))); // opens on the 3 failed attempts
        migrations.useResilience(resilience);
        String first = Orders.withNotes(streams, 10);
        String second = Orders.withNotes(streams, 10);
        flaky.failConnections(1_000, "08001"); // the database stays down

        MigrationResult failed = migrations.forDocument("Order", first).withTargetStore("other").execute();
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(resilience.circuitState("main")).isEqualTo(CircuitBreaker.State.OPEN);

        int injected = flaky.injected();
        MigrationResult fast = migrations.forDocument("Order", second).withTargetStore("other").execute();
        assertThat(fast.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(causes(fast.error())).anySatisfy(c -> assertThat(c).isInstanceOf(StoreUnavailableException.class));
        assertThat(flaky.injected()).as("refused without asking the database").isEqualTo(injected);
        assertThat(streams.documents().get("Order", second).orElseThrow().active().store()).isEqualTo("main");
    }

    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && chain.size() < 20; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static SQLException rootSql(Throwable error) {
        return causes(error).stream().filter(SQLException.class::isInstance).map(SQLException.class::cast)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no SQLException in " + causes(error)));
    }
}
