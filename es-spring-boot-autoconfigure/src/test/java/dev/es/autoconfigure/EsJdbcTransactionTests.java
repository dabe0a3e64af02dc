package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends inside a Spring-managed transaction join it (the transactional outbox: events commit or roll back with the
 * business row); outside one they commit on their own; locks never join. Everything is checked from an independent
 * connection pool, as another process would see it.
 */
@SpringBootTest
@ActiveProfiles("jdbctest")
class EsJdbcTransactionTests {

    private static final PostgresTestDatabase db = PostgresTestDatabase.create();
    private static final JdbcTables TABLES = new JdbcTables("app_");

    @DynamicPropertySource
    static void dataSource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> JdbcTestDatabaseUrl.of(db));
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private JdbcTemplate jdbc;
    @Autowired
    private EventStoreRegistry stores;
    @Autowired
    private EventStreams streams;
    @Autowired
    private DistributedLockProvider locks;
    @Autowired
    private OrderService orders;

    /** The stores as another process sees them: a pool of its own, never part of the application's transactions. */
    private final JdbcEventStore outsideEvents = new JdbcEventStore("outside", db.connections(), TABLES);
    private final JdbcDocumentStore outsideDocuments = new JdbcDocumentStore(db.connections(), TABLES);

    @BeforeEach
    void businessTable() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY, total int NOT NULL)");
    }

    private EventStore store() {
        return stores.get("main");
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    private static int ordersOutside(String id) {
        return new JdbcTemplate(db.dataSource()).queryForObject("SELECT count(*) FROM orders WHERE id = ?",
                Integer.class, id);
    }

    @Test
    void anAppendInsideATransactionThatRollsBackLeavesNoEvent() {
        String id = newId();
        String streamId = "order-" + id;
        transactions.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO orders (id, total) VALUES (?, ?)", id, 12);
            store().append(streamId, ExpectedVersion.noStream(), List.of(EventData.of("OrderPlaced", "{}")));
            assertThat(store().version(streamId)).as("visible inside the transaction").isEqualTo(1);
            assertThat(outsideEvents.version(streamId)).as("not visible outside before the commit").isZero();
            status.setRollbackOnly();
        });
        assertThat(outsideEvents.version(streamId)).isZero();
        assertThat(store().version(streamId)).isZero();
        assertThat(ordersOutside(id)).isZero();
    }

    @Test
    void anAppendInsideATransactionThatCommitsIsKeptTogetherWithTheBusinessRow() {
        String id = newId();
        String streamId = "order-" + id;
        transactions.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO orders (id, total) VALUES (?, ?)", id, 30);
            store().append(streamId, ExpectedVersion.noStream(), List.of(EventData.of("OrderPlaced", "{}"),
                    EventData.of("OrderPaid", "{}")));
            assertThat(outsideEvents.version(streamId)).as("not committed on its own").isZero();
            assertThat(ordersOutside(id)).isZero();
        });
        assertThat(outsideEvents.version(streamId)).isEqualTo(2);
        assertThat(ordersOutside(id)).isEqualTo(1);
    }

    @Test
    void aTransactionalServiceCommitsTheEventsTheDocumentAndTheBusinessRowTogether() {
        String id = newId();
        orders.place(id, 40, false);

        assertThat(ordersOutside(id)).isEqualTo(1);
        assertThat(outsideDocuments.get("Order", id)).isPresent();
        assertThat(outsideEvents.version(EventStreams.streamIdFor("Order", id))).isEqualTo(1);
    }

    @Test
    void aTransactionalServiceThatFailsRollsBackTheEventsTheDocumentAndTheBusinessRow() {
        String id = newId();
        assertThatThrownBy(() -> orders.place(id, 40, true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("payment refused");

        assertThat(ordersOutside(id)).isZero();
        assertThat(outsideDocuments.get("Order", id)).isEmpty();
        assertThat(outsideEvents.version(EventStreams.streamIdFor("Order", id))).isZero();
    }

    @Test
    void anAppendOutsideATransactionCommitsOnItsOwn() {
        assertThat(TransactionSynchronizationManager.isActualTransactionActive()).isFalse();
        String streamId = "order-" + newId();
        store().append(streamId, ExpectedVersion.noStream(), List.of(EventData.of("OrderPlaced", "{}")));
        assertThat(outsideEvents.version(streamId)).isEqualTo(1);
        store().append(streamId, ExpectedVersion.exactly(1), List.of(EventData.of("OrderPaid", "{}")));
        assertThat(outsideEvents.version(streamId)).isEqualTo(2);
    }

    @Test
    void aLockTakenInsideATransactionIsCommittedAtOnceAndSurvivesTheRollback() {
        String key = "lock-" + newId();
        JdbcLockProvider outsideLocks = new JdbcLockProvider(db.connections(), TABLES, LockSettings.defaults(),
                Clock.systemUTC());
        DistributedLock lock = transactions.execute(status -> {
            DistributedLock taken = locks.acquire(key, Duration.ofSeconds(2));
            assertThat(outsideLocks.isLocked(key)).as("visible to others before the transaction ends").isTrue();
            assertThat(outsideLocks.tryAcquire(key, Duration.ZERO)).isEmpty();
            status.setRollbackOnly();
            return taken;
        });
        assertThat(outsideLocks.isLocked(key)).as("the rollback did not undo the lease").isTrue();
        lock.close();
        assertThat(outsideLocks.isLocked(key)).isFalse();
    }

    /** Business code as an application writes it: one {@code @Transactional} method, rows and events. */
    static class OrderService {

        private final JdbcTemplate jdbc;
        private final EventStreams streams;

        OrderService(JdbcTemplate jdbc, EventStreams streams) {
            this.jdbc = jdbc;
            this.streams = streams;
        }

        @Transactional
        public void place(String id, int total, boolean failAfterwards) {
            jdbc.update("INSERT INTO orders (id, total) VALUES (?, ?)", id, total);
            streams.open("Order", id).append(EventData.of("OrderPlaced", "{\"total\":" + total + "}"));
            if (failAfterwards) {
                throw new IllegalStateException("payment refused");
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TransactionTestApplication {

        @Bean
        OrderService orderService(JdbcTemplate jdbc, EventStreams streams) {
            return new OrderService(jdbc, streams);
        }
    }
}
