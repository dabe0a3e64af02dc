package dev.es.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.EventData;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Failures with unknown outcome, and appends inside a transaction the caller owns (as the Spring module will do). */
class JdbcEventStoreTransactionTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    private static String newStreamId() {
        return "tx-" + UUID.randomUUID();
    }

    private static List<EventData> events(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> EventData.of("Thing", "{\"n\":" + i + "}"))
                .toList();
    }

    private final JdbcEventStore plain = new JdbcEventStore("pg", POSTGRES.connections(), JdbcTables.defaults());

    @Test
    void aCommitWhoseAcknowledgementIsLostIsACommitFailureAndTheRetryWritesNothingTwice() {
        AtomicBoolean loseAck = new AtomicBoolean(false);
        JdbcConnections real = POSTGRES.connections();
        JdbcConnections flaky = new JdbcConnections() {
            @Override
            public <T> T inTransaction(SqlWork<T> work) throws SQLException {
                T result = real.inTransaction(work);
                if (loseAck.getAndSet(false)) {
                    throw new JdbcCommitException(new SQLException("I/O error during commit", "08006"));
                }
                return result;
            }

            @Override
            public <T> T read(SqlWork<T> work) throws SQLException {
                return real.read(work);
            }
        };
        JdbcEventStore store = new JdbcEventStore("pg", flaky, JdbcTables.defaults());
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(1));
        List<EventData> batch = events(3);
        loseAck.set(true);

        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(1), batch))
                .isInstanceOfSatisfying(CommitFailedException.class, e -> {
                    assertThat(e.eventsMayBeWritten()).isTrue();
                    assertThat(e.originalVersion()).isEqualTo(1);
                    assertThat(e.attemptedVersion()).isEqualTo(4);
                });
        AppendResult retry = store.append(id, ExpectedVersion.exactly(1), batch);
        assertThat(retry.alreadyWritten()).isTrue();
        assertThat(retry.newVersion()).isEqualTo(4);
        assertThat(store.version(id)).isEqualTo(4);
    }

    @Test
    void aLostConnectionBeforeTheCommitIsACommitFailureWithNothingWritten() {
        JdbcConnections broken = new JdbcConnections() {
            @Override
            public <T> T inTransaction(SqlWork<T> work) throws SQLException {
                throw new SQLException("Connection refused", "08001");
            }

            @Override
            public <T> T read(SqlWork<T> work) throws SQLException {
                throw new SQLException("Connection refused", "08001");
            }
        };
        JdbcEventStore store = new JdbcEventStore("pg", broken, JdbcTables.defaults());
        assertThatThrownBy(() -> store.append(newStreamId(), ExpectedVersion.any(), events(2)))
                .isInstanceOfSatisfying(CommitFailedException.class,
                        e -> assertThat(e.eventsMayBeWritten()).isFalse());
        assertThatThrownBy(() -> store.version("x")).isInstanceOf(JdbcStoreException.class)
                .hasMessageContaining("08001");
        assertThat(store.isReachable()).isFalse();
    }

    @Test
    void anAppendInTheCallersTransactionCommitsAndRollsBackWithIt() throws SQLException {
        String committed = newStreamId();
        String rolledBack = newStreamId();
        try (Connection connection = POSTGRES.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            JdbcEventStore joined = new JdbcEventStore("pg", new CallerTransaction(connection), JdbcTables.defaults());

            joined.append(rolledBack, ExpectedVersion.noStream(), events(2));
            assertThat(joined.version(rolledBack)).isEqualTo(2);
            assertThat(plain.version(rolledBack)).as("not visible before the caller commits").isZero();
            connection.rollback();
            assertThat(plain.version(rolledBack)).isZero();

            joined.append(committed, ExpectedVersion.noStream(), events(2));
            assertThatThrownBy(() -> joined.append(committed, ExpectedVersion.exactly(7), events(1)))
                    .isInstanceOf(WrongExpectedVersionException.class);
            // the refusal did not break the caller's transaction
            joined.append(committed, ExpectedVersion.exactly(2), events(1));
            connection.commit();
        }
        assertThat(plain.version(committed)).isEqualTo(3);
        assertThat(plain.read(committed, 1, 10)).hasSize(3);
    }
}
