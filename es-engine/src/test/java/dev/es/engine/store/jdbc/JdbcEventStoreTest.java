package dev.es.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.store.AbstractEventStoreContractTest;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcEventStoreTest extends AbstractEventStoreContractTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());
    private static JdbcConnections second;

    @BeforeAll
    static void database() {
        second = JdbcConnections.of(POSTGRES.newDataSource());
    }

    @Override
    protected EventStore createStore() {
        return new JdbcEventStore("pg", POSTGRES.connections(), JdbcTables.defaults());
    }

    @Override
    protected boolean answersVersionOnRaise() {
        return true;
    }

    @Override
    protected EventStore secondClient(EventStore store) {
        return new JdbcEventStore("pg", second, JdbcTables.defaults());
    }

    @Test
    void isReachable() {
        assertThat(store.isReachable()).isTrue();
    }

    @Test
    void aFailedAppendLeavesNoStreamRowBehind() {
        String id = newStreamId();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> store.append(id, ExpectedVersion.exactly(3), events(0, 1)))
                .isInstanceOf(dev.es.engine.store.WrongExpectedVersionException.class);
        assertThat(store.version(id)).isZero();
        assertThat(store.lastEvent(id)).isNull();
    }
}
