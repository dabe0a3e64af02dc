package dev.es.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.DuplicateEventIdException;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import dev.es.engine.store.WrongExpectedVersionException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcEventStore#holdWriters}: a hold on a stream's row lock in a transaction of its own. Writers of another
 * pool (as another process would be) wait for it and then go on: onto the source when the hold ends without a close,
 * refused as closed when the hold appended one. The hold never lasts longer than its {@code maxHold} (plus the
 * database's grace when the holder goes silent), and the holder's appends get the answers of normal appends.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JdbcWriterHoldTest {

    private static final Duration LONG_HOLD = Duration.ofSeconds(30);
    /** Long enough that an append which was not held would have finished. */
    private static final long STILL_WAITING_MILLIS = 400;

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());
    private static JdbcEventStore otherProcess;

    @BeforeAll
    static void database() {
        otherProcess = new JdbcEventStore("pg", JdbcConnections.of(POSTGRES.newDataSource()), JdbcTables.defaults());
    }

    private final JdbcEventStore store = new JdbcEventStore("pg", POSTGRES.connections(), JdbcTables.defaults());
    private final ExecutorService writers = Executors.newCachedThreadPool();

    @AfterEach
    void stopWriters() {
        writers.shutdownNow();
    }

    private static String newStreamId() {
        return "hold-" + UUID.randomUUID();
    }

    private static List<EventData> events(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(n -> new EventData(null, "Thing", 1,
                "{\"n\":" + n + "}", Map.of("n", String.valueOf(n)))).toList();
    }

    private static EventData close(String continuation, long lastSourceVersion) {
        return new CloseEvent(continuation, "target", "test", "migration-1", lastSourceVersion, 0, Instant.now())
                .toEventData();
    }

    private WriterHold hold(String streamId, Duration maxHold) {
        return store.holdWriters(streamId, maxHold).orElseThrow();
    }

    private Future<AppendResult> appendElsewhere(String streamId, ExpectedVersion expected, List<EventData> events) {
        return writers.submit(() -> otherProcess.append(streamId, expected, events));
    }

    private static void assertStillWaiting(Future<?> writer) throws Exception {
        assertThatThrownBy(() -> writer.get(STILL_WAITING_MILLIS, TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void anAppendDuringTheHoldWaitsThenLandsOnTheSourceWhenTheHoldIsLiftedWithoutAClose() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 3));
        WriterHold hold = hold(id, LONG_HOLD);
        Future<AppendResult> writer = appendElsewhere(id, ExpectedVersion.any(), events(100, 2));
        assertStillWaiting(writer);

        AppendResult held = hold.append(ExpectedVersion.exactly(3), events(3, 2), 0);
        assertThat(held.previousVersion()).isEqualTo(3);
        assertThat(held.newVersion()).isEqualTo(5);
        assertThat(otherProcess.version(id)).as("held appends are seen once the hold commits").isEqualTo(3);
        assertStillWaiting(writer);
        hold.close();

        AppendResult written = writer.get(10, TimeUnit.SECONDS);
        assertThat(written.previousVersion()).isEqualTo(5);
        assertThat(written.newVersion()).isEqualTo(7);
        assertThat(store.read(id, 1, 10)).extracting(e -> e.metadata().get("n"))
                .containsExactly("0", "1", "2", "3", "4", "100", "101");
        hold.close(); // idempotent
    }

    @Test
    void anAppendDuringTheHoldIsRefusedAsClosedWhenTheHoldAppendedAClose() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 3));
        WriterHold hold = hold(id, LONG_HOLD);
        Future<AppendResult> exact = appendElsewhere(id, ExpectedVersion.exactly(3), events(100, 1));
        Future<AppendResult> any = appendElsewhere(id, ExpectedVersion.any(), events(200, 1));
        assertStillWaiting(exact);

        hold.append(ExpectedVersion.exactly(3), List.of(close("target-stream", 3)), 0);
        hold.close();

        for (Future<AppendResult> writer : List.of(exact, any)) {
            assertThatThrownBy(() -> writer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(EventStreamClosedException.class, e -> {
                        assertThat(e.continuationStreamId()).isEqualTo("target-stream");
                        assertThat(e.close().lastSourceVersion()).isEqualTo(3);
                    });
        }
        assertThat(otherProcess.version(id)).isEqualTo(4);
        assertThat(otherProcess.lastEvent(id).isCloseEvent()).isTrue();
    }

    @Test
    void theCloseAppendedUnderTheHoldIsDurableWhenCloseReturns() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        EventData closeEvent = close("next", 1);
        try (WriterHold hold = hold(id, LONG_HOLD)) {
            hold.append(ExpectedVersion.exactly(1), List.of(closeEvent), 0);
        }
        StoredEvent last = otherProcess.lastEvent(id);
        assertThat(last.eventId()).isEqualTo(closeEvent.eventId());
        assertThat(last.isCloseEvent()).isTrue();
        // retrying the close after an unknown outcome is recognised
        assertThat(otherProcess.append(id, ExpectedVersion.exactly(1), List.of(closeEvent)).alreadyWritten())
                .isTrue();
    }

    @Test
    void aSilentHolderHoldsWritersNoLongerThanMaxHoldAndItsAppendsAreThenRolledBack() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        Duration maxHold = Duration.ofMillis(1500);
        WriterHold hold = hold(id, maxHold);
        long held = System.nanoTime();
        hold.append(ExpectedVersion.exactly(1), events(1, 1), 0);
        // the holder hangs from here on: it never closes in time
        Future<AppendResult> writer = appendElsewhere(id, ExpectedVersion.any(), events(100, 1));

        AppendResult written = writer.get(maxHold.toMillis() + JdbcWriterHold.SERVER_GRACE.toMillis() + 5_000,
                TimeUnit.MILLISECONDS);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - held);
        assertThat(waited).as("the writer waited for the hold").isGreaterThanOrEqualTo(maxHold.toMillis() - 100);
        assertThat(waited).as("the database ended the silent hold")
                .isLessThan(maxHold.toMillis() + JdbcWriterHold.SERVER_GRACE.toMillis() + 3_000);
        assertThat(written.previousVersion()).as("the held append was rolled back").isEqualTo(1);

        assertThatThrownBy(() -> hold.append(ExpectedVersion.any(), events(2, 1), 0))
                .isInstanceOf(WriterHoldExpiredException.class).hasMessageContaining(id);
        assertThatThrownBy(hold::close).isInstanceOfSatisfying(CommitFailedException.class, e -> {
            assertThat(e.originalVersion()).isEqualTo(1);
            assertThat(e.attemptedVersion()).isEqualTo(2);
            assertThat(e.retryCondition()).isEqualTo(ExpectedVersion.exactly(1));
        });
        assertThat(otherProcess.read(id, 1, 10)).extracting(e -> e.metadata().get("n")).containsExactly("0", "100");
    }

    @Test
    void anAppendAfterMaxHoldIsRefusedAndWritesNothingWhileCloseCommitsWhatCameBefore() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        Duration maxHold = Duration.ofMillis(800);
        WriterHold hold = hold(id, maxHold);
        long held = System.nanoTime();
        hold.append(ExpectedVersion.exactly(1), events(1, 1), 0);
        Future<AppendResult> writer = appendElsewhere(id, ExpectedVersion.any(), events(100, 1));
        long sleep = maxHold.toMillis() + 50 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - held);
        Thread.sleep(Math.max(0, sleep));

        assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(2), events(2, 1), 0))
                .isInstanceOf(WriterHoldExpiredException.class).hasMessageContaining("nothing was written");
        hold.close();

        assertThat(writer.get(10, TimeUnit.SECONDS).previousVersion()).isEqualTo(2);
        assertThat(otherProcess.read(id, 1, 10)).extracting(e -> e.metadata().get("n"))
                .containsExactly("0", "1", "100");
    }

    @Test
    void heldAppendsGetTheAnswersOfNormalAppendsAndARefusalKeepsTheHold() throws Exception {
        String id = newStreamId();
        List<EventData> first = events(0, 2);
        store.append(id, ExpectedVersion.noStream(), first);
        store.raiseFence(id, 5);
        try (WriterHold hold = hold(id, LONG_HOLD)) {
            assertThat(hold.streamId()).isEqualTo(id);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(1), events(2, 1), 5))
                    .isInstanceOfSatisfying(WrongExpectedVersionException.class,
                            e -> assertThat(e.actual()).isEqualTo(2));
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(2), events(2, 1), 4))
                    .isInstanceOfSatisfying(StaleFencingTokenException.class,
                            e -> assertThat(e.currentFence()).isEqualTo(5));
            assertThatThrownBy(() -> hold.append(ExpectedVersion.any(), List.of(events(9, 1).get(0), first.get(1)),
                    5)).isInstanceOf(DuplicateEventIdException.class);
            assertThat(hold.append(ExpectedVersion.noStream(), first, 5).alreadyWritten()).isTrue();
            assertThat(hold.append(ExpectedVersion.exactly(2), events(2, 1), 5).newVersion()).isEqualTo(3);
            assertThat(hold.append(ExpectedVersion.exactly(3), List.of(close("next", 3)), 6).newVersion())
                    .isEqualTo(4);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.any(), events(5, 1), 6))
                    .isInstanceOf(EventStreamClosedException.class);
        }
        assertThat(otherProcess.version(id)).isEqualTo(4);
        assertThat(otherProcess.lastEvent(id).isCloseEvent()).isTrue();
    }

    @Test
    void aHeldAppendThatFailsInTheDatabaseLeavesNothingOfItsBatchAndTheAppendsBeforeIt() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        explodeOnInsert();
        try (WriterHold hold = hold(id, LONG_HOLD)) {
            hold.append(ExpectedVersion.exactly(1), events(1, 1), 0);
            // a trigger of this schema (made before the hold, which would block it) refuses the event type
            // 'Explode': the insert fails in the database after the stream row was updated
            List<EventData> failing = List.of(events(2, 1).get(0),
                    new EventData(null, "Explode", 1, "{}", Map.of()));
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(2), failing, 0))
                    .isInstanceOf(JdbcStoreException.class);
            assertThat(hold.append(ExpectedVersion.exactly(2), events(3, 1), 0).newVersion()).isEqualTo(3);
        }
        assertThat(otherProcess.read(id, 1, 10)).extracting(e -> e.metadata().get("n"))
                .containsExactly("0", "1", "3");
    }

    /** A trigger on the events table that fails the insert of an event of type {@code Explode}. */
    private static void explodeOnInsert() throws SQLException {
        try (Connection connection = POSTGRES.dataSource().getConnection();
             var statement = connection.createStatement()) {
            statement.execute("CREATE OR REPLACE FUNCTION explode() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " RAISE EXCEPTION 'refused by the test''s trigger'; END $$");
            statement.execute("DROP TRIGGER IF EXISTS explode ON " + JdbcTables.defaults().events());
            statement.execute("CREATE TRIGGER explode BEFORE INSERT ON " + JdbcTables.defaults().events()
                    + " FOR EACH ROW WHEN (NEW.type = 'Explode') EXECUTE FUNCTION explode()");
        }
    }

    @Test
    void aHoldOnAnAbsentStreamHoldsItsFirstWritersAndLeavesItEmpty() throws Exception {
        String id = newStreamId();
        WriterHold hold = hold(id, LONG_HOLD);
        Future<AppendResult> writer = appendElsewhere(id, ExpectedVersion.noStream(), events(0, 1));
        assertStillWaiting(writer);
        assertThat(otherProcess.version(id)).isZero();
        hold.close();

        assertThat(writer.get(10, TimeUnit.SECONDS).newVersion()).isEqualTo(1);
        assertThat(otherProcess.read(id, 1, 10)).hasSize(1);
    }

    @Test
    void aHoldHoldsOnlyItsStreamAndNeverJoinsTheCallersTransaction() throws Exception {
        String id = newStreamId();
        String other = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        try (Connection caller = POSTGRES.dataSource().getConnection()) {
            caller.setAutoCommit(false);
            JdbcEventStore joined = new JdbcEventStore("pg", new CallerTransaction(caller, POSTGRES.connections()),
                    JdbcTables.defaults());
            try (WriterHold hold = joined.holdWriters(id, LONG_HOLD).orElseThrow()) {
                assertThat(appendElsewhere(other, ExpectedVersion.noStream(), events(0, 1)).get(10, TimeUnit.SECONDS)
                        .newVersion()).as("another stream is not held").isEqualTo(1);
                hold.append(ExpectedVersion.exactly(1), events(1, 1), 0);
            }
            caller.rollback();
        }
        assertThat(otherProcess.version(id)).as("the hold committed on its own").isEqualTo(2);
    }

    @Test
    void connectionsThatCannotGiveAConnectionOfTheirOwnDeclineToHold() throws SQLException {
        try (Connection caller = POSTGRES.dataSource().getConnection()) {
            JdbcEventStore joined = new JdbcEventStore("pg", new CallerTransaction(caller, null),
                    JdbcTables.defaults());
            assertThat(joined.holdWriters(newStreamId(), LONG_HOLD)).isEmpty();
        }
        assertThatThrownBy(() -> store.holdWriters(newStreamId(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
