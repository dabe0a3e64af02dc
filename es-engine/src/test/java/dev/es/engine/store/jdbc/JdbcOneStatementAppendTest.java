package dev.es.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.internal.Json;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.DuplicateEventIdException;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WrongExpectedVersionException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PostgreSQL append is one statement, and so is every other write a migration makes outside a caller's transaction
 * (it commits by itself, no BEGIN or COMMIT): on the happy path, one round trip with auto-commit in a transaction of its
 * own (the conditional update of the stream row and the insert); the schema's append function answers when that
 * misses, and is the one statement of an append that joins a transaction. A joined transaction stays usable after
 * any refusal; a big batch is one statement; every step is an index probe whatever the stream's length and whatever
 * plan PostgreSQL caches.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JdbcOneStatementAppendTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    private final JdbcEventStore store = new JdbcEventStore("pg", POSTGRES.connections(), JdbcTables.defaults());

    private static String newStreamId() {
        return "one-" + UUID.randomUUID();
    }

    private static List<EventData> events(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(n -> new EventData(null, "Thing", 1,
                "{\"n\":" + n + ",\"text\":\"event number " + n + "\"}", Map.of("n", String.valueOf(n)))).toList();
    }

    private static EventData close(String continuation, long lastSourceVersion) {
        return new CloseEvent(continuation, "elsewhere", "test", null, lastSourceVersion, 0, Instant.now())
                .toEventData();
    }

    @Test
    void anAppendInItsOwnTransactionIsOneStatementWithAutoCommit() {
        Calls calls = new Calls();
        JdbcEventStore counted = new JdbcEventStore("pg", JdbcConnections.of(calls.wrap(POSTGRES.dataSource())),
                JdbcTables.defaults());
        String id = newStreamId();

        // a new stream: the fast path misses (no stream row yet), the append function creates the row
        counted.append(id, ExpectedVersion.noStream(), events(0, 1));
        assertThat(calls.count("prepareStatement")).isEqualTo(2);
        // the happy path: one statement each
        counted.append(id, ExpectedVersion.exactly(1), events(1, 3));
        assertThat(calls.count("prepareStatement")).isEqualTo(3);
        counted.append(id, ExpectedVersion.any(), events(4, 1), 0);
        assertThat(calls.count("prepareStatement")).isEqualTo(4);
        // a refusal: the fast path misses, the function answers why
        assertThatThrownBy(() -> counted.append(id, ExpectedVersion.exactly(2), events(10, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(calls.count("prepareStatement")).isEqualTo(6);

        assertThat(calls.count("createStatement")).isZero();
        assertThat(calls.count("commit")).isZero();
        assertThat(calls.count("rollback")).isZero();
        assertThat(calls.count("setAutoCommit")).isZero();
        assertThat(store.version(id)).isEqualTo(5);
    }

    @Test
    void aMigrationOnPostgresCommitsNoTransactionOfItsOwnForItsOneStatementWrites() throws Exception {
        Calls calls = new Calls();
        JdbcConnections counted = JdbcConnections.of(calls.wrap(POSTGRES.dataSource()));
        POSTGRES.initializeSchema(new JdbcTables("moved_"));
        EventStreams streams = new EventStreams(EventStoreRegistry.of(
                new JdbcEventStore("pg", counted, JdbcTables.defaults()),
                new JdbcEventStore("moved", counted, new JdbcTables("moved_"))),
                new JdbcDocumentStore(counted, JdbcTables.defaults()), new JdbcTagStore(counted, JdbcTables.defaults()),
                EventStreamSettings.defaults(), "pg");
        String id = "one-" + UUID.randomUUID();
        streams.open("Order", id).append(events(0, 1).get(0));
        streams.open("Order", id).tag("vip");
        try (DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams,
                new JdbcLockProvider(counted, JdbcTables.defaults(), LockSettings.defaults(), Clock.systemUTC()),
                new JdbcMigrationRoutingTable(counted, JdbcTables.defaults()))) {
            MigrationResult result = migrations.forDocument("Order", id).withTargetStore("moved").execute();
            assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);
        }

        // the document's create and update, the tag, the lease taken and released, the entry's saves, the fences,
        // the appends: each one statement that commits by itself
        assertThat(calls.count("prepareStatement")).isGreaterThan(15);
        assertThat(calls.count("commit")).isZero();
        assertThat(calls.count("rollback")).isZero();
        assertThat(calls.count("setAutoCommit")).isZero();
        assertThat(streams.open("Order", id).activeStream().store()).isEqualTo("moved");
        assertThat(streams.open("Order", id).readAll()).hasSize(1);
        assertThat(streams.tags().tagsOfDocument("Order", id)).containsExactly("vip");
    }

    @Test
    void aBigBatchIsOneStatementAndReadsBackInOrder() {
        Calls calls = new Calls();
        JdbcEventStore counted = new JdbcEventStore("pg", JdbcConnections.of(calls.wrap(POSTGRES.dataSource())),
                JdbcTables.defaults());
        String id = newStreamId();
        counted.append(id, ExpectedVersion.noStream(), events(0, 5));
        int before = calls.count("prepareStatement");

        List<EventData> batch = events(5, 1000);
        AppendResult page = counted.append(id, ExpectedVersion.exactly(5), batch);

        assertThat(page.newVersion()).isEqualTo(1005);
        assertThat(calls.count("prepareStatement") - before).isEqualTo(1);
        List<StoredEvent> all = store.read(id, 1, 2000);
        assertThat(all).hasSize(1005);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).version()).isEqualTo(i + 1);
            assertThat(all.get(i).metadata()).containsEntry("n", String.valueOf(i));
        }
        // the same page again is recognised whole
        assertThat(counted.append(id, ExpectedVersion.exactly(5), batch).alreadyWritten()).isTrue();
        assertThat(store.version(id)).isEqualTo(1005);
    }

    @Test
    void anAnyRetryOfABatchAlreadyWrittenIsRefusedByTheUniqueIndexOnTheFastPathAndAnsweredByTheFunction() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        List<EventData> batch = List.of(new EventData("retried-a", "Thing", 1, "{}", Map.of()),
                new EventData("retried-b", "Thing", 1, "{}", Map.of()));
        AppendResult first = store.append(id, ExpectedVersion.any(), batch);
        store.append(id, ExpectedVersion.any(), events(2, 1));

        // the fast path's update matches (any version) and its insert hits the (stream_id, event_id) index: the
        // auto-committed statement writes nothing, and the function answers that the batch is there
        AppendResult retried = store.append(id, ExpectedVersion.any(), batch);

        assertThat(retried.alreadyWritten()).isTrue();
        assertThat(retried.newVersion()).isEqualTo(first.newVersion());
        assertThat(store.version(id)).isEqualTo(5);
        assertThat(store.read(id, 1, 10)).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L);
        // the stream row's version was not moved by the refused fast path
        assertThat(store.append(id, ExpectedVersion.exactly(5), events(3, 1)).newVersion()).isEqualTo(6);
    }

    @Test
    void valuesTravelThroughTheArraysUnchanged() {
        String id = newStreamId();
        List<EventData> odd = List.of(
                new EventData("NULL", "Type \"quoted\", {braced}", 3,
                        "{\"text\":\"back\\\\slash \\\"quote\\\" {x,y} \\u00e9\\u4e2d NULL\",\"list\":[1,null]}",
                        Map.of("key \"q\"", "value, {with} \\ backslash", "empty", "")),
                new EventData("id with spaces, commas and {braces}", "T", 1, "null", Map.of()),
                new EventData("\u00e9\u4e2d-\"id\"", "T", 1, "[\"a\",{\"b\":\"\\n\"}]", Map.of()));

        store.append(id, ExpectedVersion.noStream(), odd);

        List<StoredEvent> read = store.read(id, 1, 10);
        assertThat(read).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(read.get(i).eventId()).isEqualTo(odd.get(i).eventId());
            assertThat(read.get(i).type()).isEqualTo(odd.get(i).type());
            assertThat(read.get(i).schemaVersion()).isEqualTo(odd.get(i).schemaVersion());
            assertThat(Json.tree(read.get(i).payload())).isEqualTo(Json.tree(odd.get(i).payload()));
            assertThat(read.get(i).metadata()).isEqualTo(odd.get(i).metadata());
        }
        assertThat(store.append(id, ExpectedVersion.noStream(), odd).alreadyWritten()).isTrue();
    }

    @Test
    void everyRefusalLeavesTheCallersTransactionUsable() throws SQLException {
        String id = newStreamId();
        String closed = newStreamId();
        String fenced = newStreamId();
        List<EventData> first = events(0, 2);
        store.append(id, ExpectedVersion.noStream(), first);
        store.append(closed, ExpectedVersion.noStream(), events(0, 1));
        store.append(closed, ExpectedVersion.exactly(1), List.of(close("next", 1)));
        store.raiseFence(fenced, 5);
        try (Connection connection = POSTGRES.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            JdbcEventStore joined = new JdbcEventStore("pg", new CallerTransaction(connection),
                    JdbcTables.defaults());

            assertThatThrownBy(() -> joined.append(id, ExpectedVersion.exactly(7), events(2, 1)))
                    .isInstanceOf(WrongExpectedVersionException.class);
            assertThatThrownBy(() -> joined.append(closed, ExpectedVersion.any(), events(2, 1)))
                    .isInstanceOf(EventStreamClosedException.class);
            assertThatThrownBy(() -> joined.append(fenced, ExpectedVersion.any(), events(2, 1), 4))
                    .isInstanceOf(StaleFencingTokenException.class);
            assertThatThrownBy(() -> joined.append(id, ExpectedVersion.any(), List.of(events(9, 1).get(0),
                    first.get(1)))).isInstanceOf(DuplicateEventIdException.class);
            assertThatThrownBy(() -> joined.append(newStreamId(), ExpectedVersion.exactly(3), events(0, 1)))
                    .isInstanceOf(WrongExpectedVersionException.class);
            assertThat(joined.append(id, ExpectedVersion.noStream(), first).alreadyWritten()).isTrue();
            assertThat(joined.append(id, ExpectedVersion.exactly(2), events(2, 1)).newVersion()).isEqualTo(3);
            assertThat(store.version(id)).as("not visible before the caller commits").isEqualTo(2);
            connection.commit();
        }
        assertThat(store.version(id)).isEqualTo(3);
        assertThat(store.version(closed)).isEqualTo(2);
        assertThat(store.version(fenced)).isZero();
    }

    @Test
    void aRefusedAppendToANewStreamLeavesNoRowAndAnAppendAfterAFenceOnlyRowUsesIt() throws SQLException {
        String absent = newStreamId();
        assertThatThrownBy(() -> store.append(absent, ExpectedVersion.exactly(2), events(0, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(streamRows(absent)).isZero();

        String fenceOnly = newStreamId();
        store.raiseFence(fenceOnly, 3);
        assertThat(store.append(fenceOnly, ExpectedVersion.noStream(), events(0, 2), 3).newVersion()).isEqualTo(2);
        assertThat(streamRows(fenceOnly)).isEqualTo(1);
    }

    @Test
    void concurrentFirstAppendsToANewStreamFromTwoPoolsLetOneNoStreamInAndLoseNoAnyAppend() throws Exception {
        JdbcEventStore other = new JdbcEventStore("pg", JdbcConnections.of(POSTGRES.newDataSource()),
                JdbcTables.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 5; round++) {
                String id = newStreamId();
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger won = new AtomicInteger();
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    JdbcEventStore client = t % 2 == 0 ? store : other;
                    int base = t * 100;
                    boolean noStream = t < 3;
                    futures.add(pool.submit(() -> {
                        start.await();
                        if (noStream) {
                            try {
                                client.append(id, ExpectedVersion.noStream(), events(base, 2));
                                won.incrementAndGet();
                            } catch (WrongExpectedVersionException lost) {
                                // another one created the stream first
                            }
                        } else {
                            client.append(id, ExpectedVersion.any(), events(base, 2));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(1, TimeUnit.MINUTES);
                }
                assertThat(won.get()).isLessThanOrEqualTo(1);
                List<StoredEvent> all = store.read(id, 1, 100);
                assertThat(all).hasSize(6 + 2 * won.get());
                assertThat(all).extracting(StoredEvent::version)
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, all.size()).mapToObj(i -> (long) i)
                                .toList());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aConnectionLostWhileAnAutoCommitAppendRunsIsAnUnknownOutcomeThatTheRetryResolves() {
        AtomicBoolean loseAnswer = new AtomicBoolean();
        DataSource losing = new Calls() {
            @Override
            Object afterCall(String method, Object result) throws SQLException {
                if (method.equals("executeQuery") && loseAnswer.getAndSet(false)) {
                    throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                }
                return result;
            }
        }.wrap(POSTGRES.dataSource());
        JdbcEventStore flaky = new JdbcEventStore("pg", JdbcConnections.of(losing), JdbcTables.defaults());
        String id = newStreamId();
        flaky.append(id, ExpectedVersion.noStream(), events(0, 2));
        List<EventData> batch = events(2, 3);
        loseAnswer.set(true);

        CommitFailedException failure = org.junit.jupiter.api.Assertions.assertThrows(CommitFailedException.class,
                () -> flaky.append(id, ExpectedVersion.exactly(2), batch));

        assertThat(failure.eventsMayBeWritten()).isTrue();
        assertThat(failure.originalVersion()).isEqualTo(2);
        assertThat(failure.attemptedVersion()).isEqualTo(5);
        store.append(id, ExpectedVersion.any(), events(50, 1)); // another writer moves the stream on
        AppendResult retry = flaky.append(id, failure.retryCondition(), batch);
        assertThat(retry.alreadyWritten()).isTrue();
        assertThat(retry.newVersion()).isEqualTo(5);
        assertThat(store.version(id)).isEqualTo(6);

        // an any() append whose answer was lost: the version it went after is unknown, a plain any() retry still
        // finds its events through the index
        List<EventData> more = events(60, 2);
        loseAnswer.set(true);
        CommitFailedException lostAny = org.junit.jupiter.api.Assertions.assertThrows(CommitFailedException.class,
                () -> flaky.append(id, ExpectedVersion.any(), more));
        assertThat(lostAny.eventsMayBeWritten()).isTrue();
        store.append(id, ExpectedVersion.any(), events(70, 1));
        AppendResult anyRetry = flaky.append(id, lostAny.retryCondition(), more);
        assertThat(anyRetry.alreadyWritten()).isTrue();
        assertThat(anyRetry.newVersion()).isEqualTo(8);
        assertThat(store.version(id)).isEqualTo(9);
    }

    /**
     * The cost of an append does not follow the stream's length: the buffers an append touches on a 100,000-event
     * stream are about those it touches on a 5-event one, even with the generic plans PostgreSQL caches after a few
     * calls forced from the first one (a generic plan that looked the ids up by stream_id alone would read the
     * whole stream's index range).
     */
    @Test
    void anAppendToALongStreamTouchesAboutAsManyBuffersAsOneToAShortStreamWhateverPlanIsCached() throws Exception {
        String longStream = newStreamId();
        for (int page = 0; page < 100; page++) {
            store.append(longStream, ExpectedVersion.exactly(page * 1000L), events(page * 1000, 1000));
        }
        String shortStream = newStreamId();
        store.append(shortStream, ExpectedVersion.noStream(), events(0, 5));
        try (Connection connection = POSTGRES.dataSource().getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE es_events");
                statement.execute("ANALYZE es_streams");
                statement.execute("SET plan_cache_mode = force_generic_plan");
            }
            try {
                int next = 200_000;
                for (int warm = 0; warm < 8; warm++) {
                    buffers(connection, warm % 2 == 0 ? longStream : shortStream, events(next, 10));
                    next += 10;
                }
                long onShort = buffers(connection, shortStream, events(next, 10));
                List<EventData> batch = events(next + 10, 10);
                long onLong = buffers(connection, longStream, batch);
                // an idempotent re-append probes every id as well, and takes its update back
                long reAppendOnLong = buffers(connection, longStream, batch);
                System.out.printf("buffers touched by an append of 10 events: %d (5-event stream), %d and %d for a"
                        + " re-append (100,000-event stream)%n", onShort, onLong, reAppendOnLong);

                assertThat(onShort).isLessThan(300);
                assertThat(onLong).as("buffers of an append to the long stream vs %s on the short one", onShort)
                        .isLessThan(onShort * 2 + 50);
                assertThat(reAppendOnLong).isLessThan(onShort * 2 + 50);
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("RESET plan_cache_mode");
                }
            }
        }
        assertThat(store.version(longStream)).isEqualTo(100_000 + 4 * 10 + 10);
    }

    /** Shared buffers (hit and read) that one append of {@code events} with {@code any()} touches, by EXPLAIN. */
    private static long buffers(Connection connection, String streamId, List<EventData> events) throws SQLException {
        String sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM es_append(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement explain = connection.prepareStatement(sql)) {
            explain.setString(1, streamId);
            explain.setLong(2, -1);
            explain.setLong(3, -1);
            explain.setArray(4, text(connection, events.stream().map(EventData::eventId)));
            explain.setArray(5, text(connection, events.stream().map(EventData::type)));
            explain.setArray(6, connection.createArrayOf("int4",
                    events.stream().map(EventData::schemaVersion).toArray()));
            explain.setArray(7, text(connection, events.stream().map(EventData::payload)));
            explain.setArray(8, text(connection, events.stream().map(e -> Sql.toJson(e.metadata()))));
            explain.setArray(9, text(connection, events.stream().map(e -> Instant.now().toString())));
            explain.setString(10, null);
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                var plan = Json.tree(rs.getString(1)).get(0).get("Plan");
                return plan.get("Shared Hit Blocks").asLong() + plan.get("Shared Read Blocks").asLong();
            }
        }
    }

    private static Array text(Connection connection, java.util.stream.Stream<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }

    private static long streamRows(String streamId) throws SQLException {
        return POSTGRES.connections().read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT count(*) FROM es_streams WHERE stream_id = ?")) {
                query.setString(1, streamId);
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Counts the calls made on the connections (and their statements) of a data source. */
    private static class Calls {

        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        int count(String method) {
            AtomicInteger count = counts.get(method);
            return count == null ? 0 : count.get();
        }

        /** May replace what a call answered, or throw instead. */
        Object afterCall(String method, Object result) throws SQLException {
            return result;
        }

        DataSource wrap(DataSource target) {
            return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        Object result = invoke(target, method, args);
                        return method.getName().equals("getConnection") ? counting((Connection) result, Connection.class)
                                : result;
                    });
        }

        @SuppressWarnings("unchecked")
        private <T> T counting(T target, Class<T> type) {
            return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> {
                        counts.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                        Object result = afterCall(method.getName(), invoke(target, method, args));
                        if (result instanceof PreparedStatement statement) {
                            return counting(statement, PreparedStatement.class);
                        }
                        return result;
                    });
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
                throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
